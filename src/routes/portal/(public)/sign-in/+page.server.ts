// "Email or mobile" → a one-time sign-in link by the same channel. The answer never says whether
// the address belongs to a patient.
import { redirect } from '@sveltejs/kit';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.patient) redirect(303, '/portal');
	return {
		signedOut: url.searchParams.get('signedOut') === '1',
		expired: url.searchParams.get('expired') === '1'
	};
};

export const actions = {
	default: async (event) => {
		const address = field(await formValues(event.request), 'address');
		const result = await formAction(() => serverCaller(event).portal.requestLink({ address }), { address });
		if (isFailure(result)) {
			if (result.data.retryAfter) event.setHeaders({ 'Retry-After': String(result.data.retryAfter) });
			return result;
		}
		return { sent: true as const, channel: result.channel, address };
	}
} satisfies Actions;
