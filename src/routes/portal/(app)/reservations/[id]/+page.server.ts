// A reservation opened from its link: confirm or decline it, or see what became of it.
import { error, fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { recordId } from '$lib/schemas/patient';
import { formAction, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const id = recordId.safeParse(event.params.id);
	if (!id.success) error(404, 'Appointment not found');
	const reservation = await serverCaller(event)
		.portal.reservation({ appointmentId: id.data })
		.catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Appointment not found');
			throw e;
		});
	return { reservation };
};

async function answer(event: Parameters<Actions[string]>[0], intent: 'confirm' | 'decline') {
	const id = recordId.safeParse(event.params.id);
	if (!id.success) return fail(404, { intent, message: 'Appointment not found', fieldErrors: {} });
	const caller = serverCaller(event).portal;
	const result = await formAction(() =>
		intent === 'confirm'
			? caller.confirmReservation({ appointmentId: id.data })
			: caller.declineReservation({ appointmentId: id.data })
	);
	if (isFailure(result)) return fail(result.status, { ...result.data, intent });
	return { intent, done: true };
}

export const actions = {
	confirm: (event) => answer(event, 'confirm'),
	decline: (event) => answer(event, 'decline')
} satisfies Actions;
