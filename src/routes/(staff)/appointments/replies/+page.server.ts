// Patient replies: SMS answers to reminders that need a person (anything but Y, and N when the
// clinic does not cancel by reply).
import { fail } from '@sveltejs/kit';
import { serverCaller } from '$lib/server/app/caller';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const includeHandled = event.url.searchParams.get('all') === '1';
	return { replies: await serverCaller(event).reminders.replies({ includeHandled }), includeHandled };
};

export const actions = {
	handled: async (event) => {
		const data = await formValues(event.request);
		const id = field(data, 'id');
		if (!/^\d{1,18}$/.test(id))
			return fail(400, { message: 'This reply no longer exists.', fieldErrors: {} });
		const result = await formAction(() => serverCaller(event).reminders.markReplyHandled({ id }));
		if (isFailure(result)) return result;
		return { handled: id };
	}
} satisfies Actions;
