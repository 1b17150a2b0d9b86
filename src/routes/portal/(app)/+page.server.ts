// Portal home: the privacy question on a first visit, reservations waiting for an answer, upcoming
// appointments, open cases (with "Request an appointment" where the clinic allows it), requests.
import { fail } from '@sveltejs/kit';
import { recordId } from '$lib/schemas/patient';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const portal = serverCaller(event).portal;
	// One at a time: they share the request's EntityManager.
	const me = await portal.me();
	const appointments = await portal.appointments();
	const cases = await portal.cases();
	const requests = await portal.requests();
	return {
		me,
		appointments,
		cases,
		requests,
		requested: event.url.searchParams.get('requested') === '1'
	};
};

async function idFrom(request: Request, name: string) {
	return recordId.safeParse(field(await formValues(request), name));
}

export const actions = {
	privacy: async (event) => {
		const answer = field(await formValues(event.request), 'accepted');
		if (answer !== 'yes' && answer !== 'no')
			return fail(400, { intent: 'privacy', message: 'Choose yes or no', fieldErrors: {} });
		const result = await formAction(() =>
			serverCaller(event).portal.answerPrivacyPolicy({ accepted: answer === 'yes' })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'privacy' });
		return { intent: 'privacy', done: true };
	},
	withdraw: async (event) => {
		const id = await idFrom(event.request, 'requestId');
		if (!id.success)
			return fail(400, { intent: 'withdraw', message: 'That request could not be found.', fieldErrors: {} });
		const result = await formAction(() => serverCaller(event).portal.withdrawRequest({ id: id.data }));
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'withdraw' });
		return { intent: 'withdraw', done: true };
	},
	confirm: async (event) => {
		const id = await idFrom(event.request, 'appointmentId');
		if (!id.success)
			return fail(400, {
				intent: 'confirm',
				message: 'That appointment could not be found.',
				fieldErrors: {}
			});
		const result = await formAction(() =>
			serverCaller(event).portal.confirmReservation({ appointmentId: id.data })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'confirm' });
		return { intent: 'confirm', done: true };
	},
	decline: async (event) => {
		const id = await idFrom(event.request, 'appointmentId');
		if (!id.success)
			return fail(400, {
				intent: 'decline',
				message: 'That appointment could not be found.',
				fieldErrors: {}
			});
		const result = await formAction(() =>
			serverCaller(event).portal.declineReservation({ appointmentId: id.data })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'decline' });
		return { intent: 'decline', done: true };
	}
} satisfies Actions;
