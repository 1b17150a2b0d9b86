// Input rules for appointments (issue 6), shared by the tRPC router, the service and the calendar
// forms. Times travel as ISO instants; the forms convert from the clinic's wall clock.
import { z } from 'zod';
import { bodyPartIds, caseFields } from './case.ts';
import { recordId } from './patient.ts';

export const APPOINTMENT_STATUSES = [
	'reserved',
	'booked',
	'arrived',
	'completed',
	'cancelled',
	'did_not_arrive'
] as const;
export type AppointmentStatus = (typeof APPOINTMENT_STATUSES)[number];

export const RESERVATION_OUTCOMES = ['confirmed', 'declined', 'expired'] as const;
export type ReservationOutcome = (typeof RESERVATION_OUTCOMES)[number];

export const APPOINTMENT_STATUS_LABELS: Record<AppointmentStatus, string> = {
	reserved: 'Reserved',
	booked: 'Booked',
	arrived: 'Arrived',
	completed: 'Completed',
	cancelled: 'Cancelled',
	did_not_arrive: 'Did not arrive'
};

const DURATION_MESSAGE = 'Enter minutes from 5 to 480, in steps of 5';
export const appointmentDuration = z
	.number({ error: DURATION_MESSAGE })
	.int(DURATION_MESSAGE)
	.min(5, DURATION_MESSAGE)
	.max(480, DURATION_MESSAGE)
	.refine((v) => v % 5 === 0, DURATION_MESSAGE);

/** An instant: a Date (superjson carries Dates) or an ISO string with an offset. */
export const instant = z
	.union([
		z.date({ error: 'Enter a date and time' }),
		z.iso.datetime({ offset: true, error: 'Enter a date and time' })
	])
	.transform((v) => (typeof v === 'string' ? new Date(v) : v))
	.refine(
		(d) => !Number.isNaN(d.getTime()) && d.getUTCFullYear() >= 2000 && d.getUTCFullYear() <= 2100,
		'Check the year'
	);

const notes = z
	.string()
	.max(5000, 'Notes can be at most 5,000 characters')
	.nullable()
	.optional()
	.transform((v) => (v == null || v.trim() === '' ? null : v));

/**
 * Which case the appointment belongs to: none, an existing one of the same patient, or a new one.
 * For a new case while the patient has an open case with one of its body parts, the service asks
 * first (CONFLICT with the matching cases) unless `isSeparateCaseConfirmed`.
 * For an existing case, `bodyPartIds` are added to the case's body parts.
 */
export const appointmentCaseChoice = z.discriminatedUnion('mode', [
	z.object({ mode: z.literal('none') }),
	z.object({ mode: z.literal('existing'), caseId: recordId, bodyPartIds }),
	z.object({ mode: z.literal('new'), case: caseFields, isSeparateCaseConfirmed: z.boolean().default(false) })
]);

export const createAppointmentInput = z.object({
	patientId: recordId,
	practitionerId: recordId,
	appointmentTypeId: recordId,
	startsAt: instant,
	/** Defaults to the appointment type's duration. */
	durationMinutes: appointmentDuration.optional(),
	notes,
	case: appointmentCaseChoice.default({ mode: 'none' })
});

export const rescheduleAppointmentInput = z.object({
	id: recordId,
	version: z.number().int().min(1),
	startsAt: instant,
	durationMinutes: appointmentDuration,
	practitionerId: recordId.optional()
});

/** Cancelling has its own procedure (it takes a reason); reserved is set by reserving. */
export const SETTABLE_STATUSES = ['booked', 'arrived', 'completed', 'did_not_arrive'] as const;

export const setAppointmentStatusInput = z.object({
	id: recordId,
	version: z.number().int().min(1),
	status: z.enum(SETTABLE_STATUSES, { error: 'Choose booked, arrived, completed or did not arrive' })
});

export const cancelAppointmentInput = z.object({
	id: recordId,
	version: z.number().int().min(1),
	reason: z.string().trim().max(500, 'Use at most 500 characters').optional()
});

export const invoiceAppointmentInput = z.object({
	id: recordId,
	version: z.number().int().min(1),
	/** Integer cents; defaults to the appointment type's price. */
	amountCents: z
		.number({ error: 'Enter the amount' })
		.int('Enter the amount in whole cents')
		.min(0, 'The amount cannot be negative')
		.max(100_000_000, 'The amount can be at most $1,000,000.00')
		.optional()
});

export const updateAppointmentNotesInput = z.object({
	id: recordId,
	version: z.number().int().min(1),
	notes
});

export const findAppointmentsInput = z
	.object({
		from: instant,
		to: instant,
		practitionerId: recordId.optional(),
		patientId: recordId.optional(),
		includeCancelled: z.boolean().default(true)
	})
	.refine((v) => v.to > v.from, { path: ['to'], message: 'The end must be after the start' })
	.refine((v) => v.to.getTime() - v.from.getTime() <= 42 * 86_400_000, {
		path: ['to'],
		message: 'Show at most six weeks at a time'
	});

export const appointmentIdInput = z.object({ id: recordId });

export const matchingCasesInput = z.object({ patientId: recordId, bodyPartIds });

export type CreateAppointmentInput = z.input<typeof createAppointmentInput>;
export type FindAppointmentsInput = z.input<typeof findAppointmentsInput>;

/**
 * What the booking, reserve, approve and calendar forms offer: the output schema of
 * `appointments.formOptions`, so the pages (and the slot fields they share) rely on these fields.
 */
export const appointmentFormOptionsOutput = z.object({
	practitioners: z.array(z.object({ id: z.string(), name: z.string(), serviceIds: z.array(z.string()) })),
	appointmentTypes: z.array(
		z.object({
			id: z.string(),
			name: z.string(),
			durationMinutes: z.number().int(),
			priceCents: z.number().int(),
			colour: z.string(),
			serviceIds: z.array(z.string())
		})
	)
});
