// Referrers: GPs and specialists outside the clinic. Listed and filtered by the URL, invited by email,
// deactivated and reactivated from the list.
import { fail, type ActionFailure } from '@sveltejs/kit';
import { z } from 'zod';
import { field, formAction, formValues, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const query = z.object({
	q: z.string().trim().max(200).optional().catch(undefined),
	status: z.enum(['active', 'inactive', 'all']).catch('active')
});

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const referrers = await serverCaller(event).staff.findReferrers({
		search: params.q || undefined,
		status: params.status
	});
	return { referrers, params };
};

/** This page has two forms: a failure says which one it belongs to. */
function failed<I extends string>(intent: I, failure: ActionFailure<FormFailure>) {
	return fail(failure.status, { ...failure.data, intent });
}

export const actions = {
	invite: async (event) => {
		const data = await formValues(event.request);
		const values = { name: field(data, 'name'), email: field(data, 'email') };
		const result = await formAction(() => serverCaller(event).staff.inviteReferrer(values), values);
		if (isFailure(result)) return failed('invite', result);
		return { intent: 'invite' as const, invited: { name: result.name, email: result.email } };
	},
	setActive: async (event) => {
		const data = await formValues(event.request);
		const id = field(data, 'id');
		const isActive = field(data, 'isActive') === 'true';
		const result = await formAction(() => serverCaller(event).staff.setReferrerActive({ id, isActive }));
		if (isFailure(result)) return failed('setActive', result);
		// The name only labels the message: a deactivated referrer may drop out of the filtered list.
		return { intent: 'setActive' as const, name: field(data, 'name'), isActive: result.isActive };
	}
} satisfies Actions;
