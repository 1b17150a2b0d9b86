// The patient portal and the scheduler's request queue (issue 8): inputs shared by the portal
// pages, the staff pages and the routers.
import { z } from 'zod';
import { APPOINTMENT_STATUSES, appointmentDuration, instant, RESERVATION_OUTCOMES } from './appointment.ts';
import { bodyPartIds, caseFields } from './case.ts';
import { recordId } from './patient.ts';

export const REQUEST_STATUSES = ['pending', 'approved', 'declined', 'withdrawn'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const REQUEST_STATUS_LABELS: Record<RequestStatus, string> = {
	pending: 'Waiting for the clinic',
	approved: 'Booked',
	declined: 'Declined',
	withdrawn: 'Withdrawn'
};

export const MAX_WINDOWS = 3;
/** A preferred window may span at most a day: "any time on Tuesday". */
const MAX_WINDOW_HOURS = 24;
/** Requests look at most this far ahead. */
export const MAX_REQUEST_DAYS_AHEAD = 180;

/** "Email or mobile": the sign-in form's one field; the service decides which it is. */
export const requestPortalLinkInput = z.object({
	address: z
		.string({ error: 'Enter your email address or mobile number' })
		.trim()
		.min(3, 'Enter your email address or mobile number')
		.max(254, 'That is too long for an email address or mobile number')
});

export const portalLinkTokenInput = z.object({
	token: z
		.string()
		.trim()
		.regex(
			/^[\w-]{20,100}$/,
			'This link is not complete. Open it again from the message, or ask for a new one.'
		)
});

export const answerPrivacyPolicyInput = z.object({ accepted: z.boolean({ error: 'Choose yes or no' }) });

export const preferredWindow = z.object({ startsAt: instant, endsAt: instant }).superRefine((w, ctx) => {
	if (w.endsAt.getTime() <= w.startsAt.getTime())
		ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'The window must end after it starts' });
	else if (w.endsAt.getTime() - w.startsAt.getTime() > MAX_WINDOW_HOURS * 3_600_000)
		ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'A window can be at most one day long' });
});

export const requestAppointmentInput = z.object({
	caseId: recordId,
	appointmentTypeId: recordId,
	windows: z
		.array(preferredWindow)
		.min(1, 'Give at least one time that suits you')
		.max(MAX_WINDOWS, `Give at most ${MAX_WINDOWS} preferred times`),
	note: z
		.string()
		.trim()
		.max(2000, 'Keep the note under 2,000 characters')
		.nullish()
		.transform((v) => v || null)
});
export type RequestAppointmentInput = z.input<typeof requestAppointmentInput>;

export const requestIdInput = z.object({ id: recordId });
export const reservationIdInput = z.object({ appointmentId: recordId });

// --- Staff -------------------------------------------------------------------------------------

export const findRequestsInput = z.object({
	status: z.enum([...REQUEST_STATUSES, 'all']).default('pending'),
	appointmentTypeId: recordId.optional(),
	caseTemplateId: recordId.optional(),
	search: z.string().trim().max(200).optional(),
	page: z.number().int().min(1).max(10_000).default(1),
	perPage: z.number().int().min(1).max(100).default(25)
});

export const approveRequestInput = z.object({
	id: recordId,
	practitionerId: recordId,
	/** The scheduler may adjust the type and duration the patient asked for. */
	appointmentTypeId: recordId,
	durationMinutes: appointmentDuration,
	startsAt: instant,
	notes: z
		.string()
		.trim()
		.max(5000, 'Keep the notes under 5,000 characters')
		.nullish()
		.transform((v) => v || null)
});
export type ApproveRequestInput = z.input<typeof approveRequestInput>;

export const declineRequestInput = z.object({
	id: recordId,
	reason: z
		.string({ error: 'Say why, so the patient knows what to do next' })
		.trim()
		.min(3, 'Say why, so the patient knows what to do next')
		.max(1000, 'Keep the reason under 1,000 characters')
});

export const RESERVATION_DEFAULT_HOURS = 24;

export const reserveAppointmentInput = z.object({
	patientId: recordId,
	caseId: recordId,
	practitionerId: recordId,
	appointmentTypeId: recordId,
	startsAt: instant,
	durationMinutes: appointmentDuration.optional(),
	/** How long the patient has to confirm before the slot is released. */
	expiresInHours: z
		.number({ error: 'Enter a number of hours' })
		.int('Enter whole hours')
		.min(1, 'At least 1 hour')
		.max(14 * 24, 'At most 14 days (336 hours)')
		.default(RESERVATION_DEFAULT_HOURS),
	notes: z
		.string()
		.trim()
		.max(5000, 'Keep the notes under 5,000 characters')
		.nullish()
		.transform((v) => v || null)
});
export type ReserveAppointmentInput = z.input<typeof reserveAppointmentInput>;

/**
 * The booking guide's one-screen reserve (seed 002): the slot, and the case it belongs to in the
 * same step. `existing` is an open case of the patient, with body parts to add to it when the
 * person answered the body-part question "add to that case"; `new` starts a case (with a template:
 * it decides who sees the case), asked first like booking when one of its body parts matches an
 * open case, unless `isSeparateCaseConfirmed`.
 */
export const reserveWithCaseInput = reserveAppointmentInput.omit({ caseId: true }).extend({
	case: z.discriminatedUnion(
		'mode',
		[
			z.object({ mode: z.literal('existing'), caseId: recordId, bodyPartIds }),
			z.object({
				mode: z.literal('new'),
				case: caseFields.refine((c) => c.templateId !== null, {
					path: ['templateId'],
					message: 'Choose a case template'
				}),
				isSeparateCaseConfirmed: z.boolean().default(false)
			})
		],
		{ error: 'Choose one of the patient’s open cases, or start a new one' }
	)
});
export type ReserveWithCaseInput = z.input<typeof reserveWithCaseInput>;

export const sendPortalLinkInput = z.object({
	patientId: recordId,
	channel: z.enum(['email', 'sms'], { error: 'Choose email or SMS' })
});

// What the portal answers a patient, declared once: each portal procedure's output schema. A
// procedure answers exactly these fields (unknown keys are stripped), so a field added to a service
// for staff can never reach a patient by accident.

export const portalMeOutput = z.object({
	id: z.string(),
	name: z.string(),
	firstName: z.string(),
	timeZone: z.string(),
	clinicName: z.string(),
	needsPrivacyAnswer: z.boolean(),
	acceptedPrivacyPolicy: z.boolean().nullable()
});

export const portalCaseOutput = z.object({
	id: z.string(),
	name: z.string(),
	issuedOn: z.string(),
	/** The template takes requests, and the case has room for another appointment. */
	canRequest: z.boolean(),
	/** The sentence shown instead of "Request an appointment" when the case's hard cap is reached. */
	fullMessage: z.string().nullable(),
	/** The types the case's template lets the patient request, with the duration offered. */
	requestableTypes: z.array(
		z.object({
			id: z.string(),
			name: z.string(),
			durationMinutes: z.number(),
			hasPendingRequest: z.boolean()
		})
	)
});
export type PortalCase = z.output<typeof portalCaseOutput>;

export const portalAppointmentOutput = z.object({
	id: z.string(),
	startsAt: z.date(),
	endsAt: z.date(),
	status: z.enum(APPOINTMENT_STATUSES),
	appointmentType: z.string(),
	practitioner: z.string(),
	caseName: z.string().nullable(),
	reservationExpiresAt: z.date().nullable(),
	reservationOutcome: z.enum(RESERVATION_OUTCOMES).nullable(),
	/** A reservation still waiting for the patient's answer. */
	isAwaitingAnswer: z.boolean()
});
export type PortalAppointment = z.output<typeof portalAppointmentOutput>;

export const portalRequestOutput = z.object({
	id: z.string(),
	status: z.enum(REQUEST_STATUSES),
	createdAt: z.date(),
	/** Null for a case the portal does not name. */
	caseName: z.string().nullable(),
	appointmentType: z.string(),
	durationMinutes: z.number(),
	windows: z.array(z.object({ startsAt: z.date(), endsAt: z.date() })),
	note: z.string().nullable(),
	declineReason: z.string().nullable(),
	appointment: z.object({ startsAt: z.date(), practitioner: z.string() }).nullable()
});
export type PortalRequest = z.output<typeof portalRequestOutput>;
