// One portal request: its details, the chosen practitioner's calendar on the days of the preferred
// windows (`?practitionerId=`; `?date=&time=` prefill the start, e.g. from a free time picked in the
// calendar), and the two decisions: approve (books it, with the scheduler's adjustments) or decline.
// Both call the appointmentRequests router as the signed-in user; its refusals come back as form failures.
import { error, fail, type ActionFailure } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { isoDate, recordId } from '$lib/schemas/patient';
import { getConfig } from '$lib/server/config';
import type { FieldErrors } from '$lib/server/errors';
import { field, formAction, formValues, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { addDays, instantToZoned, zonedToInstant } from '$lib/time';
import { readSlotForm } from '../../appointments/new/slot-form.server';
import type { Actions, PageServerLoad } from './$types';

const REQUEST_ID = /^\d{1,18}$/;

const query = z.object({
	practitionerId: recordId.optional().catch(undefined),
	// The service reads instants from 2000 to 2100; a half-typed year (0002-…) is ignored.
	date: isoDate
		.refine((d) => d >= '2000-01-08' && d <= '2099-12-20')
		.optional()
		.catch(undefined),
	time: z
		.string()
		.regex(/^\d{2}:\d{2}$/)
		.optional()
		.catch(undefined)
});

/** The clinic-calendar days a set of windows touches (a window ending at midnight stops the day before). */
function windowDays(windows: { startsAt: Date; endsAt: Date }[], timeZone: string): string[] {
	const days = new Set<string>();
	for (const w of windows) {
		const start = instantToZoned(w.startsAt, timeZone).date;
		const lastInstant = new Date(Math.max(w.startsAt.getTime(), w.endsAt.getTime() - 1));
		const end = instantToZoned(lastInstant, timeZone).date;
		// Windows are at most a day long: this adds one or two days.
		for (let day = start; day <= end && days.size < 12; day = addDays(day, 1)) days.add(day);
	}
	return [...days].sort();
}

export const load: PageServerLoad = async (event) => {
	if (!REQUEST_ID.test(event.params.id)) error(404, 'Request not found');
	const timeZone = getConfig().CASEBOOK_TIME_ZONE;
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const caller = serverCaller(event);
	const request = await caller.appointmentRequests.get({ id: event.params.id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Request not found');
		if (e instanceof TRPCError && e.code === 'FORBIDDEN')
			error(403, 'Only schedulers and admins can see appointment requests.');
		throw e;
	});
	// One call at a time: they share the request's EntityManager.
	const options = await caller.appointments.formOptions();
	const type = options.appointmentTypes.find((t) => t.id === request.appointmentType.id) ?? null;
	// Those who provide the asked-for type (a type with no services: everyone).
	const providers =
		type && type.serviceIds.length
			? options.practitioners.filter((p) => p.serviceIds.some((id) => type.serviceIds.includes(id)))
			: options.practitioners;
	const practitioner =
		options.practitioners.find((p) => p.id === params.practitionerId) ??
		providers[0] ??
		options.practitioners[0] ??
		null;

	// The preferred days, and the day the start was set to (a free time picked, or typed) if another.
	const days = windowDays(request.windows, timeZone);
	if (params.date && !days.includes(params.date)) days.push(params.date);
	days.sort();
	const calendar: {
		day: string;
		appointments: Awaited<ReturnType<typeof caller.appointments.find>>;
	}[] = [];
	if (request.status === 'pending' && practitioner) {
		for (const day of days) {
			const appointments = await caller.appointments.find({
				from: zonedToInstant(day, timeZone),
				to: zonedToInstant(addDays(day, 1), timeZone),
				practitionerId: practitioner.id
			});
			calendar.push({ day, appointments });
		}
	}

	// The approve form starts at the first preferred time that has not begun yet (else the first).
	const now = Date.now();
	const firstWindow = request.windows.find((w) => w.startsAt.getTime() > now) ?? request.windows[0];
	const start = firstWindow ? instantToZoned(firstWindow.startsAt, timeZone) : null;
	return {
		request,
		options,
		practitioner: practitioner ? { id: practitioner.id, name: practitioner.name } : null,
		calendar,
		defaults: {
			practitionerId: practitioner?.id ?? '',
			appointmentTypeId: type?.id ?? '',
			durationMinutes: String(request.durationMinutes),
			date: params.date ?? start?.date ?? '',
			time: params.time ?? start?.time ?? '',
			notes: ''
		}
	};
};

type Intent = 'approve' | 'decline';

/** This page has two forms: a failure says which one it belongs to, and what was typed. */
function refuse(
	intent: Intent,
	status: number,
	message: string,
	fieldErrors: FieldErrors = {},
	values: Record<string, string> = {},
	details?: Record<string, unknown>
) {
	// Someone else decided (or the patient withdrew) first: the page offers a reload, not a retry.
	const isHandled = details?.reason === 'already-handled';
	return fail(status, { intent, message, fieldErrors, values, isHandled });
}

function failed(intent: Intent, failure: ActionFailure<FormFailure>, values: Record<string, string>) {
	const { message, fieldErrors, details } = failure.data;
	return refuse(intent, failure.status, message, fieldErrors, values, details);
}

export const actions = {
	approve: async (event) => {
		const slot = readSlotForm(await formValues(event.request), getConfig().CASEBOOK_TIME_ZONE);
		const { values } = slot;
		if (!slot.startsAt || Object.keys(slot.fieldErrors).length)
			return refuse('approve', 400, 'Some fields need attention', slot.fieldErrors, values);
		const startsAt = slot.startsAt;
		const result = await formAction(() =>
			serverCaller(event).appointmentRequests.approve({
				id: event.params.id,
				practitionerId: values.practitionerId,
				appointmentTypeId: values.appointmentTypeId,
				// Required here: blank is not "the type's duration" but a problem the schema names.
				durationMinutes: slot.durationMinutes ?? Number.NaN,
				startsAt,
				notes: values.notes
			})
		);
		if (isFailure(result)) return failed('approve', result, values);
		return { intent: 'approve' as const, done: true as const };
	},
	decline: async (event) => {
		const values = { reason: field(await formValues(event.request), 'reason') };
		const result = await formAction(() =>
			serverCaller(event).appointmentRequests.decline({ id: event.params.id, reason: values.reason })
		);
		if (isFailure(result)) return failed('decline', result, values);
		return { intent: 'decline' as const, done: true as const };
	}
} satisfies Actions;
