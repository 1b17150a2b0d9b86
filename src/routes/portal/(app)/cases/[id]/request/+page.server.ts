// "Request an appointment" for one of the patient's cases: a type the case's template offers, up
// to three preferred times (in the patient's time zone) and a note.
import { error, fail, redirect } from '@sveltejs/kit';
import { MAX_WINDOWS } from '$lib/schemas/portal';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { todayIn, zonedToInstant } from '$lib/time';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const cases = await serverCaller(event).portal.cases();
	const found = cases.find((c) => c.id === event.params.id);
	// A full case still opens, to say why it takes no request (an old link, a bookmark).
	if (!found || (!found.canRequest && !found.fullMessage))
		error(404, 'This case does not take appointment requests');
	const { timeZone } = await event.parent();
	return { caseItem: found, today: todayIn(timeZone) };
};

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{2}:\d{2}$/;

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		const trimmed = (name: string) => field(data, name).trim();
		const { timeZone } = { timeZone: event.locals.patient?.timeZone ?? 'UTC' };
		const values: Record<string, string> = {
			appointmentTypeId: trimmed('appointmentTypeId'),
			note: trimmed('note')
		};
		const fieldErrors: Record<string, string[]> = {};
		const windows: { startsAt: Date; endsAt: Date }[] = [];
		for (let i = 0; i < MAX_WINDOWS; i += 1) {
			const date = trimmed(`date${i}`);
			const from = trimmed(`from${i}`);
			const to = trimmed(`to${i}`);
			Object.assign(values, { [`date${i}`]: date, [`from${i}`]: from, [`to${i}`]: to });
			if (!date && !from && !to) continue;
			const index = windows.length;
			if (!DATE.test(date)) fieldErrors[`windows.${index}.date`] = ['Choose a date'];
			else if (!TIME.test(from)) fieldErrors[`windows.${index}.startsAt`] = ['Choose a start time'];
			else if (!TIME.test(to)) fieldErrors[`windows.${index}.endsAt`] = ['Choose an end time'];
			else
				windows.push({
					startsAt: zonedToInstant(`${date}T${from}`, timeZone),
					endsAt: zonedToInstant(`${date}T${to}`, timeZone)
				});
		}
		if (!values.appointmentTypeId) fieldErrors.appointmentTypeId = ['Choose the kind of appointment'];
		if (!windows.length && !Object.keys(fieldErrors).some((k) => k.startsWith('windows')))
			fieldErrors['windows.0.date'] = ['Give at least one time that suits you'];
		if (Object.keys(fieldErrors).length)
			return fail(400, { message: 'Some answers need attention', fieldErrors, values });
		const result = await formAction(
			() =>
				serverCaller(event).portal.requestAppointment({
					caseId: event.params.id,
					appointmentTypeId: values.appointmentTypeId!,
					windows,
					note: values.note || null
				}),
			values
		);
		if (isFailure(result)) return result;
		redirect(303, '/portal?requested=1');
	}
} satisfies Actions;
