// A sign-in link from a message. Opening it shows a button; only pressing it spends the link, so a
// mail scanner that fetches links cannot use up a patient's one-time link.
import { fail, redirect } from '@sveltejs/kit';
import { portalLinkTokenInput } from '$lib/schemas/portal';
import { beginPortalSession } from '$lib/server/portal/portal-auth.service';
import { setPortalCookie } from '$lib/server/portal/portal-cookie';
import { toAppError } from '$lib/server/errors';
import { actorFromEvent } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ params }) => {
	const parsed = portalLinkTokenInput.safeParse({ token: params.token });
	return { isWellFormed: parsed.success };
};

export const actions = {
	default: async (event) => {
		const parsed = portalLinkTokenInput.safeParse({ token: event.params.token });
		if (!parsed.success) return fail(400, { message: parsed.error.issues[0]!.message });
		let next: string;
		try {
			const session = await beginPortalSession(event.locals.em, actorFromEvent(event), {
				token: parsed.data.token,
				userAgent: event.request.headers.get('user-agent')
			});
			setPortalCookie(event.cookies, session.token);
			next = session.next;
		} catch (error) {
			const app = toAppError(error);
			if (!app) throw error;
			return fail(app.code === 'FORBIDDEN' ? 403 : 400, { message: app.message });
		}
		redirect(303, next);
	}
} satisfies Actions;
