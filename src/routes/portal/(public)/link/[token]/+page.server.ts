// A sign-in link from a message. Opening it shows a button; only pressing it spends the link, so a
// mail scanner that fetches links cannot use up a patient's one-time link.
import { fail, redirect } from '@sveltejs/kit';
import { portalLinkTokenInput } from '$lib/schemas/portal';
import { serverCaller } from '$lib/server/app/caller';
import { setPortalCookie } from '$lib/server/portal/portal-cookie';
import { formAction, isFailure } from '$lib/server/web/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const parsed = portalLinkTokenInput.safeParse({ token: params.token });
	return { isWellFormed: parsed.success };
};

export const actions = {
	default: async (event) => {
		const result = await formAction(() =>
			serverCaller(event).portal.beginSession({ token: event.params.token })
		);
		if (isFailure(result)) return fail(result.status, { message: result.data.message });
		setPortalCookie(event.cookies, result.token);
		redirect(303, result.next);
	}
} satisfies Actions;
