// One appointment: its details, and the changes staff make to it (status, reschedule, cancel,
// invoice, notes). Every change carries the version the page was loaded at, so nobody overwrites a
// colleague's change unseen.
import { error, fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { SETTABLE_STATUSES } from '$lib/schemas/appointment';
import { dollarsToCents } from '$lib/server/appointment-types/appointment-types.schemas';
import { getConfig } from '$lib/server/config';
import type { FieldErrors } from '$lib/server/errors';
import { formAction, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { zonedToInstant } from '$lib/time';
import { parseLocalDateTime } from '../calendar';
import type { Actions, PageServerLoad } from './$types';

const APPOINTMENT_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!APPOINTMENT_ID.test(event.params.id)) error(404, 'Appointment not found');
	const caller = serverCaller(event);
	const appointment = await caller.appointments.get({ id: event.params.id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Appointment not found');
		throw e;
	});
	const [options, reminders] = await Promise.all([
		caller.appointments.formOptions(),
		caller.reminders.forAppointment({ appointmentId: appointment.id })
	]);
	// Rescheduling may move it to anyone who provides its type (a type with no services: anyone).
	const typeServices =
		options.appointmentTypes.find((t) => t.id === appointment.appointmentType.id)?.serviceIds ?? [];
	const practitioners = options.practitioners.filter(
		(p) =>
			p.id === appointment.practitioner.id ||
			!typeServices.length ||
			p.serviceIds.some((id) => typeServices.includes(id))
	);
	return {
		appointment,
		reminders,
		practitioners: practitioners.map((p) => ({ id: p.id, name: p.name })),
		isBooked: event.url.searchParams.get('booked') === '1',
		isReserved: event.url.searchParams.get('reserved') === '1',
		// Where the reserve form's link went ("email:…", "sms:…"), passed along by its redirect.
		sentTo: event.url.searchParams
			.getAll('sentTo')
			.slice(0, 2)
			.flatMap((s) => {
				const match = /^(email|sms):(.{1,300})$/.exec(s);
				return match ? [{ channel: match[1] as 'email' | 'sms', recipient: match[2]! }] : [];
			}),
		// Soft warnings of the booking, passed along by the booking form's redirect.
		bookingWarnings: event.url.searchParams
			.getAll('warning')
			.slice(0, 5)
			.map((w) => w.slice(0, 300))
	};
};

type Intent = 'status' | 'reschedule' | 'cancel' | 'invoice' | 'notes';

/** This page has several forms: a failure says which one it belongs to, and what was typed. */
function refuse(
	intent: Intent,
	status: number,
	message: string,
	fieldErrors: FieldErrors = {},
	values: Record<string, string> = {}
) {
	// A version conflict: the page offers a reload rather than a retry.
	const isStale = status === 409 && /someone else changed/i.test(message);
	return fail(status, { message, fieldErrors, intent, isStale, values });
}

function failed(intent: Intent, failure: ActionFailure<FormFailure>, values: Record<string, string> = {}) {
	return refuse(intent, failure.status, failure.data.message, failure.data.fieldErrors, values);
}

function text(data: FormData, name: string): string {
	const value = data.get(name);
	return typeof value === 'string' ? value : '';
}

/** The version the form was loaded at; 0 (refused by the schema) when missing. */
function version(data: FormData): number {
	return Number(text(data, 'version')) || 0;
}

function done(intent: Intent, warnings: string[] = []) {
	return { intent, done: true as const, warnings };
}

async function read(event: RequestEvent) {
	return event.request.formData();
}

export const actions = {
	status: async (event) => {
		const data = await read(event);
		const status = z.enum(SETTABLE_STATUSES).safeParse(text(data, 'status'));
		if (!status.success) return refuse('status', 400, 'Choose booked, arrived, completed or did not arrive');
		const result = await formAction(() =>
			serverCaller(event).appointments.setStatus({
				id: event.params.id!,
				version: version(data),
				status: status.data
			})
		);
		if (isFailure(result)) return failed('status', result);
		return done('status', result.warnings);
	},
	reschedule: async (event) => {
		const data = await read(event);
		const values = {
			date: text(data, 'date'),
			time: text(data, 'time'),
			durationMinutes: text(data, 'durationMinutes'),
			practitionerId: text(data, 'practitionerId')
		};
		const local = parseLocalDateTime(`${values.date}T${values.time}`);
		if (!local) {
			return refuse(
				'reschedule',
				400,
				'Some fields need attention',
				{ startsAt: ['Enter a date and a time'] },
				values
			);
		}
		const result = await formAction(() =>
			serverCaller(event).appointments.reschedule({
				id: event.params.id!,
				version: version(data),
				startsAt: zonedToInstant(`${local.date}T${local.time}`, getConfig().CASEBOOK_TIME_ZONE),
				durationMinutes: values.durationMinutes.trim() === '' ? Number.NaN : Number(values.durationMinutes),
				practitionerId: values.practitionerId || undefined
			})
		);
		if (isFailure(result)) return failed('reschedule', result, values);
		return done('reschedule', result.warnings);
	},
	cancel: async (event) => {
		const data = await read(event);
		const reason = text(data, 'reason');
		const result = await formAction(() =>
			serverCaller(event).appointments.cancel({
				id: event.params.id!,
				version: version(data),
				reason: reason.trim() || undefined
			})
		);
		if (isFailure(result)) return failed('cancel', result, { reason });
		return done('cancel', result.warnings);
	},
	invoice: async (event) => {
		const data = await read(event);
		const amount = text(data, 'amount');
		const cents = amount.trim() === '' ? undefined : dollarsToCents(amount);
		if (cents !== undefined && Number.isNaN(cents)) {
			return refuse(
				'invoice',
				400,
				'Some fields need attention',
				{ amountCents: ['Enter the amount in dollars, like 85.00'] },
				{ amount }
			);
		}
		const result = await formAction(() =>
			serverCaller(event).appointments.invoice({
				id: event.params.id!,
				version: version(data),
				amountCents: cents
			})
		);
		if (isFailure(result)) return failed('invoice', result, { amount });
		return done('invoice', result.warnings);
	},
	notes: async (event) => {
		const data = await read(event);
		const notes = text(data, 'notes');
		const result = await formAction(() =>
			serverCaller(event).appointments.updateNotes({ id: event.params.id!, version: version(data), notes })
		);
		if (isFailure(result)) return failed('notes', result, { notes });
		return done('notes');
	}
} satisfies Actions;
