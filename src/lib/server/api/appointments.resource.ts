// Cliniko's appointment resources over Casebook's appointments (issue 21): Individual Appointments
// (list, cancelled list, get, create, update, cancel, conflicts), the older read-only Appointments,
// Bookings, and Attendees. A Casebook appointment is one individual appointment with one attendee,
// so an attendee's id, a booking's id and the appointment's id are the same number, and a patient
// case's attendee_ids are its appointments. Booking goes through the appointments service: the
// same rules as the calendar (the practitioner provides the type, the case is open and has room,
// no overlap: 409 naming the clash). The case is explicit (patient_case_id), so the body-part
// question of the booking form is never asked.
import { z } from 'zod';
import { appointmentDuration, instant } from '../../schemas/appointment.ts';
import {
	findAppointmentRecords,
	findClashes,
	getAppointmentRecord,
	type AppointmentRecord,
	type AppointmentRecordField,
	type AppointmentRecordSortField
} from '../appointments/appointment-records.service.ts';
import {
	cancelAppointment,
	createAppointment,
	rescheduleAppointment,
	setAppointmentStatus,
	updateAppointmentNotes
} from '../appointments/appointments.service.ts';
import { AppError } from '../errors.ts';
import {
	ApiError,
	apiFieldErrors,
	emptyResponse,
	jsonResponse,
	snakeCase,
	validationFailed
} from './http.ts';
import { pageLinks, parseListParams, withFilterErrors, type ListSpec } from './list-params.ts';
import { apiId, apiTime, patientUrl } from './patients.resource.ts';
import { parseApiBody } from './resource-kit.ts';
import type { ApiContext, ApiRoute } from './route.ts';

const V1 = '/api/v1';
const link = (self: string) => ({ links: { self } });
const linkTo = z.object({ links: z.object({ self: z.url() }) });

export const individualAppointmentUrl = (origin: string, id: string) =>
	`${origin}${V1}/individual_appointments/${id}`;
export const practitionerUrl = (origin: string, id: string) => `${origin}${V1}/practitioners/${id}`;
export const appointmentTypeUrl = (origin: string, id: string) => `${origin}${V1}/appointment_types/${id}`;
const caseUrl = (origin: string, id: string) => `${origin}${V1}/patient_cases/${id}`;

// ---------------------------------------------------------------------------------------------
// Cancellation reasons: Cliniko's codes; Casebook keeps one text ("Away: back in March").

export const CANCELLATION_REASONS: Record<number, string> = {
	10: 'Feeling better',
	20: 'Condition worse',
	30: 'Sick',
	31: 'COVID-19 related',
	40: 'Away',
	50: 'Other',
	60: 'Work'
};

function reasonText(code: number, note: string | null | undefined): string {
	const label = CANCELLATION_REASONS[code]!;
	return note ? `${label}: ${note}` : label;
}

/** The stored text back as Cliniko's code and note; a reason typed in the app is "Other" with that note. */
export function readReason(text: string | null): { code: number | null; note: string | null; label: string } {
	if (!text) return { code: null, note: null, label: '' };
	for (const [code, label] of Object.entries(CANCELLATION_REASONS)) {
		if (text === label) return { code: Number(code), note: null, label };
		if (text.startsWith(`${label}: `))
			return { code: Number(code), note: text.slice(label.length + 2), label };
	}
	return { code: 50, note: text, label: 'Other' };
}

// ---------------------------------------------------------------------------------------------
// Shapes

const time = z.string().describe('UTC, ISO 8601: 2016-07-21T03:45:00Z');

export const individualAppointmentResponse = z.object({
	id: z.number().int(),
	created_at: time,
	updated_at: time,
	booking_ip_address: z.null(),
	cancellation_note: z.string().nullable(),
	cancellation_reason: z.number().int().nullable().describe('Cliniko’s code: 10, 20, 30, 31, 40, 50 or 60'),
	cancellation_reason_description: z.string(),
	conflicts: linkTo,
	did_not_arrive: z.boolean(),
	email_reminder_sent: z.boolean(),
	invoice_status: z.null().describe('Casebook has no invoices'),
	notes: z.string().nullable(),
	online_booking_policy_accepted: z.null(),
	patient_arrived: z.boolean(),
	patient_name: z.string(),
	repeat_rule: z.object({}),
	repeats: z.null(),
	sms_reminder_sent: z.boolean(),
	treatment_note_status: z.null(),
	deleted_at: z.null(),
	starts_at: time,
	ends_at: time,
	cancelled_at: z.string().nullable(),
	status: z
		.enum(['reserved', 'booked', 'arrived', 'completed', 'cancelled', 'did_not_arrive'])
		.describe('Casebook: the appointment’s status'),
	invoiced_amount: z
		.number()
		.nullable()
		.describe('Casebook: the amount invoiced, e.g. 90.5; null until invoiced'),
	appointment_type: linkTo,
	practitioner: linkTo,
	patient: linkTo,
	patient_case: linkTo.optional().describe('Casebook: the case, present when it has one you may see'),
	attendees: linkTo,
	links: z.object({ self: z.url() })
});
type ApiIndividualAppointment = z.infer<typeof individualAppointmentResponse>;

export const bookingResponse = individualAppointmentResponse.describe(
	'A booking: in Casebook always an individual appointment (its self link is under /bookings)'
);

export const attendeeResponse = z.object({
	id: z.number().int().describe('The same number as its appointment'),
	created_at: time,
	updated_at: time,
	arrived: z.boolean().nullable(),
	booking_ip_address: z.null(),
	cancellation_note: z.string().nullable(),
	cancellation_reason: z.number().int().nullable(),
	cancellation_reason_description: z.string(),
	email_reminder_sent: z.boolean(),
	invoice_status: z.null(),
	notes: z.string().nullable(),
	online_booking_policy_accepted: z.null(),
	sms_reminder_sent: z.boolean(),
	treatment_note_status: z.null(),
	deleted_at: z.null(),
	cancelled_at: z.string().nullable(),
	booking: linkTo,
	patient: linkTo,
	invoices: linkTo,
	links: z.object({ self: z.url() })
});

const named = <T extends z.ZodRawShape>(extra: T) =>
	z.object({ id: z.number().int(), ...extra, links: z.object({ self: z.url() }) });

export const legacyAppointmentResponse = z.object({
	appointment_end: time,
	appointment_start: time,
	cancellation_note: z.string().nullable(),
	cancellation_reason: z.number().int().nullable(),
	cancellation_time: z.string().nullable(),
	created_at: time,
	did_not_arrive: z.boolean(),
	email_reminder_sent: z.boolean(),
	id: z.number().int(),
	notes: z.string().nullable(),
	online_booking_policy_accepted: z.null(),
	patient_arrived: z.boolean(),
	repeat_rule: z.object({}),
	sms_reminder_sent: z.boolean(),
	updated_at: time,
	patient: named({ title: z.string(), first_name: z.string(), last_name: z.string() }),
	appointment_type: named({
		name: z.string(),
		color: z.string(),
		category: z.string().nullable().describe('The service it is given under')
	}),
	practitioner: named({ title: z.string(), first_name: z.string(), last_name: z.string() }),
	links: z.object({ self: z.url() })
});

export const conflictsResponse = z.object({
	conflicts: z.object({ exist: z.boolean() })
});

/** "Dr Ann Lee" → first "Dr Ann", last "Lee": Casebook keeps one name per staff member. */
export function splitName(name: string): { first_name: string; last_name: string } {
	const at = name.trim().lastIndexOf(' ');
	return at === -1
		? { first_name: name.trim(), last_name: '' }
		: { first_name: name.slice(0, at).trim(), last_name: name.slice(at + 1) };
}

function common(r: AppointmentRecord) {
	const v = r.view;
	const reason = readReason(v.cancellationReason);
	return {
		id: Number(v.id),
		created_at: apiTime(r.appointment.createdAt),
		updated_at: apiTime(r.appointment.updatedAt),
		booking_ip_address: null,
		cancellation_note: v.status === 'cancelled' ? reason.note : null,
		cancellation_reason: v.status === 'cancelled' ? reason.code : null,
		cancellation_reason_description: v.status === 'cancelled' ? reason.label : '',
		email_reminder_sent: false,
		invoice_status: null,
		notes: v.notes,
		online_booking_policy_accepted: null,
		sms_reminder_sent: false,
		treatment_note_status: null,
		deleted_at: null,
		cancelled_at: r.appointment.cancelledAt ? apiTime(r.appointment.cancelledAt) : null
	};
}

export function individualAppointmentToApi(
	r: AppointmentRecord,
	origin: string,
	selfBase: 'individual_appointments' | 'bookings' = 'individual_appointments'
): ApiIndividualAppointment {
	const v = r.view;
	const appointmentSelf = individualAppointmentUrl(origin, v.id);
	return {
		...common(r),
		conflicts: link(`${appointmentSelf}/conflicts`),
		did_not_arrive: v.status === 'did_not_arrive',
		patient_arrived: v.status === 'arrived' || v.status === 'completed',
		patient_name: v.patient.name,
		repeat_rule: {},
		repeats: null,
		starts_at: apiTime(v.startsAt),
		ends_at: apiTime(v.endsAt),
		status: v.status,
		invoiced_amount: v.invoicedAmountCents === null ? null : v.invoicedAmountCents / 100,
		appointment_type: link(appointmentTypeUrl(origin, v.appointmentType.id)),
		practitioner: link(practitionerUrl(origin, v.practitioner.id)),
		patient: link(patientUrl(origin, v.patient.id)),
		...(v.case?.canOpen ? { patient_case: link(caseUrl(origin, v.case.id)) } : {}),
		attendees: link(`${appointmentSelf}/attendees`),
		links: { self: `${origin}${V1}/${selfBase}/${v.id}` }
	};
}

export function attendeeToApi(r: AppointmentRecord, origin: string): z.infer<typeof attendeeResponse> {
	const v = r.view;
	const self = `${origin}${V1}/attendees/${v.id}`;
	return {
		...common(r),
		arrived:
			v.status === 'arrived' || v.status === 'completed'
				? true
				: v.status === 'did_not_arrive'
					? false
					: null,
		booking: link(`${origin}${V1}/bookings/${v.id}`),
		patient: link(patientUrl(origin, v.patient.id)),
		invoices: link(`${self}/invoices`),
		links: { self }
	};
}

function legacyToApi(r: AppointmentRecord, origin: string): z.infer<typeof legacyAppointmentResponse> {
	const v = r.view;
	const p = r.appointment.patient;
	const reason = readReason(v.cancellationReason);
	return {
		appointment_end: apiTime(v.endsAt),
		appointment_start: apiTime(v.startsAt),
		cancellation_note: v.status === 'cancelled' ? reason.note : null,
		cancellation_reason: v.status === 'cancelled' ? reason.code : null,
		cancellation_time: r.appointment.cancelledAt ? apiTime(r.appointment.cancelledAt) : null,
		created_at: apiTime(r.appointment.createdAt),
		did_not_arrive: v.status === 'did_not_arrive',
		email_reminder_sent: false,
		id: Number(v.id),
		notes: v.notes,
		online_booking_policy_accepted: null,
		patient_arrived: v.status === 'arrived' || v.status === 'completed',
		repeat_rule: {},
		sms_reminder_sent: false,
		updated_at: apiTime(r.appointment.updatedAt),
		patient: {
			id: Number(p.id),
			title: p.title ?? '',
			first_name: p.firstName,
			last_name: p.lastName,
			links: { self: patientUrl(origin, p.id) }
		},
		appointment_type: {
			id: Number(v.appointmentType.id),
			name: v.appointmentType.name,
			color: v.appointmentType.colour,
			category: v.service?.name ?? null,
			links: { self: appointmentTypeUrl(origin, v.appointmentType.id) }
		},
		practitioner: {
			id: Number(v.practitioner.id),
			title: '',
			...splitName(v.practitioner.name),
			links: { self: practitionerUrl(origin, v.practitioner.id) }
		},
		links: { self: `${origin}${V1}/appointments/${v.id}` }
	};
}

// ---------------------------------------------------------------------------------------------
// Lists

const FILTERS = {
	appointment_type_id: 'appointmentTypeId',
	cancelled_at: 'cancelledAt',
	created_at: 'createdAt',
	ends_at: 'endsAt',
	id: 'id',
	patient_id: 'patientId',
	practitioner_id: 'practitionerId',
	starts_at: 'startsAt',
	updated_at: 'updatedAt'
} as const satisfies Record<string, AppointmentRecordField>;

const SORTS = {
	id: 'id',
	starts_at: 'startsAt',
	ends_at: 'endsAt',
	created_at: 'createdAt',
	updated_at: 'updatedAt'
} as const satisfies Record<string, AppointmentRecordSortField>;

const LIST: ListSpec<AppointmentRecordField, AppointmentRecordSortField> = {
	filters: FILTERS,
	sorts: SORTS,
	dates: {
		cancelledAt: 'datetime',
		createdAt: 'datetime',
		endsAt: 'datetime',
		startsAt: 'datetime',
		updatedAt: 'datetime'
	}
};

const LIST_DOC = {
	filters: {
		appointment_type_id: 'Integer',
		cancelled_at: 'DateTime',
		created_at: 'DateTime',
		ends_at: 'DateTime',
		id: 'Integer',
		patient_id: 'Integer',
		practitioner_id: 'Integer',
		starts_at: 'DateTime',
		updated_at: 'DateTime'
	},
	sorts: Object.keys(SORTS),
	defaultSort: 'id'
};

type Shape = 'individual' | 'booking' | 'attendee' | 'legacy';
const LIST_KEYS: Record<Shape, string> = {
	individual: 'individual_appointments',
	booking: 'bookings',
	attendee: 'attendees',
	legacy: 'appointments'
};

function shaped(r: AppointmentRecord, shape: Shape, origin: string): unknown {
	if (shape === 'booking') return individualAppointmentToApi(r, origin, 'bookings');
	if (shape === 'attendee') return attendeeToApi(r, origin);
	if (shape === 'legacy') return legacyToApi(r, origin);
	return individualAppointmentToApi(r, origin);
}

async function listAppointments(
	ctx: ApiContext,
	shape: Shape,
	scope: {
		status: 'cancelled' | 'live' | 'all';
		caseId?: string;
		patientId?: string;
		appointmentId?: string;
		key?: string;
	}
): Promise<Response> {
	const params = parseListParams(ctx.url, LIST);
	const filters = [...params.filters];
	if (scope.patientId) filters.push({ field: 'patientId', op: '=', value: scope.patientId });
	if (scope.appointmentId) filters.push({ field: 'id', op: '=', value: scope.appointmentId });
	const { items, total } = await withFilterErrors(params, FILTERS, () =>
		findAppointmentRecords(ctx.em, ctx.actor, {
			...params,
			filters,
			status: scope.status,
			...(scope.caseId ? { caseId: scope.caseId } : {}),
			...(scope.patientId ? { patientId: scope.patientId } : {})
		})
	);
	return jsonResponse({
		[scope.key ?? LIST_KEYS[shape]]: items.map((r) => shaped(r, shape, ctx.origin)),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

async function getOne(ctx: ApiContext, shape: Shape): Promise<Response> {
	const record = await getAppointmentRecord(ctx.em, ctx.actor, ctx.params.id!);
	return jsonResponse(shaped(record, shape, ctx.origin));
}

// ---------------------------------------------------------------------------------------------
// Writes

const API_NAMES: Record<string, string> = {
	caseId: 'patient_case_id',
	durationMinutes: 'ends_at',
	startsAt: 'starts_at',
	case: 'patient_case_id'
};
const renameField = (field: string) => API_NAMES[field] ?? snakeCase(field);

export const individualAppointmentCreateBody = z
	.object({
		starts_at: z.string().describe('ISO 8601 with an offset: 2016-07-21T03:45:00Z'),
		ends_at: z
			.string()
			.nullable()
			.optional()
			.describe('Defaults to starts_at plus the appointment type’s duration'),
		patient_id: apiId,
		practitioner_id: apiId,
		appointment_type_id: apiId,
		notes: z.string().nullable().optional(),
		business_id: z.unknown().optional().describe('Ignored: Casebook is one business'),
		patient_case_id: apiId
			.nullable()
			.optional()
			.describe('Casebook: the patient case to book on (open, with room, of this patient); none when absent')
	})
	.describe('A new individual appointment. Unknown properties are ignored.');

export const individualAppointmentUpdateBody = z
	.object({
		starts_at: z.string().optional(),
		ends_at: z.string().nullable().optional().describe('null: the appointment type’s duration'),
		practitioner_id: apiId.optional(),
		notes: z.string().nullable().optional(),
		patient_arrived: z.boolean().optional(),
		did_not_arrive: z.boolean().optional(),
		patient_id: apiId.optional().describe('Must stay the same: cancel and book again to change it'),
		appointment_type_id: apiId.optional().describe('Must stay the same: cancel and book again to change it')
	})
	.describe('The properties to change; the others keep their values.');

export const cancelBody = z
	.object({
		cancellation_reason: z
			.union([z.number().int(), z.string().regex(/^\d{1,3}$/)])
			.transform((v) => Number(v))
			.refine((v) => v in CANCELLATION_REASONS, {
				message: `Use one of Cliniko’s codes: ${Object.entries(CANCELLATION_REASONS)
					.map(([code, label]) => `${code} (${label})`)
					.join(', ')}`
			}),
		cancellation_note: z.string().max(400, 'Use at most 400 characters').nullable().optional()
	})
	.describe('cancellation_reason is required');

function instantField(value: string, name: string): Date {
	const parsed = instant.safeParse(value);
	if (!parsed.success)
		throw validationFailed({
			[name]: 'Give a date and time in ISO 8601 with an offset, e.g. 2026-07-21T03:45:00Z'
		});
	return parsed.data;
}

function durationBetween(startsAt: Date, endsAt: Date): number {
	const minutes = (endsAt.getTime() - startsAt.getTime()) / 60_000;
	const parsed = appointmentDuration.safeParse(minutes);
	if (!parsed.success)
		throw validationFailed({
			ends_at: 'ends_at must be 5 to 480 minutes after starts_at, in steps of 5 minutes'
		});
	return parsed.data;
}

/**
 * A rule that refused a booking (overlap, a full or closed case, a cancelled appointment) is a
 * 409 saying why; an overlap names the appointment it clashes with.
 */
async function withBookingConflicts<T>(
	ctx: ApiContext,
	slot: () => { practitionerId: string; startsAt: Date; endsAt: Date; excludeId?: string } | null,
	run: () => Promise<T>
): Promise<T> {
	try {
		return await run();
	} catch (error) {
		if (!(error instanceof AppError) || error.code !== 'CONFLICT') throw error;
		const errors = error.fieldErrors ? apiFieldErrors(error.fieldErrors, renameField) : undefined;
		let message = error.message;
		const wanted = slot();
		if (wanted && /time is taken/i.test(message)) {
			// The request's transaction rolled back: ask again outside it.
			const clashes = await findClashes(ctx.em, wanted);
			if (clashes[0]) {
				const c = clashes[0];
				message = `${message}: individual appointment ${c.id} (${apiTime(c.startsAt)} to ${apiTime(c.endsAt)}, ${individualAppointmentUrl(ctx.origin, c.id)})`;
			}
			if (errors) errors.starts_at = message;
		}
		throw new ApiError(409, message, errors && Object.keys(errors).length ? { errors } : {});
	}
}

async function createIndividualAppointment(ctx: ApiContext): Promise<Response> {
	const body = parseApiBody(individualAppointmentCreateBody, ctx.body);
	const startsAt = instantField(body.starts_at, 'starts_at');
	const durationMinutes = body.ends_at
		? durationBetween(startsAt, instantField(body.ends_at, 'ends_at'))
		: undefined;
	const result = await withBookingConflicts(
		ctx,
		() => ({
			practitionerId: body.practitioner_id,
			startsAt,
			endsAt: new Date(startsAt.getTime() + (durationMinutes ?? 5) * 60_000)
		}),
		() =>
			createAppointment(ctx.em, ctx.actor, {
				patientId: body.patient_id,
				practitionerId: body.practitioner_id,
				appointmentTypeId: body.appointment_type_id,
				startsAt,
				...(durationMinutes ? { durationMinutes } : {}),
				notes: body.notes ?? null,
				case: body.patient_case_id
					? { mode: 'existing', caseId: body.patient_case_id, bodyPartIds: [] }
					: { mode: 'none' }
			})
	);
	const record = await getAppointmentRecord(ctx.em, ctx.actor, result.appointment.id);
	return jsonResponse(individualAppointmentToApi(record, ctx.origin), 201, {
		Location: individualAppointmentUrl(ctx.origin, record.view.id)
	});
}

async function updateIndividualAppointment(ctx: ApiContext): Promise<Response> {
	const body = parseApiBody(individualAppointmentUpdateBody, ctx.body);
	const id = ctx.params.id!;
	let wanted: { practitionerId: string; startsAt: Date; endsAt: Date; excludeId: string } | null = null;
	await withBookingConflicts(
		ctx,
		() => wanted,
		() =>
			// One transaction: the move, the notes and the status change land together or not at all.
			ctx.em.transactional(async (tx) => {
				const { view } = await getAppointmentRecord(tx, ctx.actor, id);
				const errors: Record<string, string> = {};
				if (body.patient_id !== undefined && body.patient_id !== view.patient.id)
					errors.patient_id = 'An appointment cannot move to another patient: cancel it and book again';
				if (body.appointment_type_id !== undefined && body.appointment_type_id !== view.appointmentType.id)
					errors.appointment_type_id = 'The appointment type cannot change: cancel it and book again';
				if (body.patient_arrived && body.did_not_arrive)
					errors.did_not_arrive = 'A patient cannot both arrive and not arrive';
				if (Object.keys(errors).length) throw validationFailed(errors);
				let version = view.version;
				const startsAt =
					body.starts_at !== undefined ? instantField(body.starts_at, 'starts_at') : view.startsAt;
				const movesTime =
					body.starts_at !== undefined ||
					body.ends_at !== undefined ||
					(body.practitioner_id !== undefined && body.practitioner_id !== view.practitioner.id);
				if (movesTime) {
					const durationMinutes =
						body.ends_at === null
							? await typeDuration(tx, view.appointmentType.id)
							: body.ends_at !== undefined
								? durationBetween(startsAt, instantField(body.ends_at, 'ends_at'))
								: view.durationMinutes;
					const practitionerId = body.practitioner_id ?? view.practitioner.id;
					wanted = {
						practitionerId,
						startsAt,
						endsAt: new Date(startsAt.getTime() + durationMinutes * 60_000),
						excludeId: id
					};
					const moved = await rescheduleAppointment(tx, ctx.actor, {
						id,
						version,
						startsAt,
						durationMinutes,
						...(body.practitioner_id !== undefined ? { practitionerId } : {})
					});
					version = moved.appointment.version;
				}
				if (body.notes !== undefined && (body.notes ?? null) !== view.notes) {
					const noted = await updateAppointmentNotes(tx, ctx.actor, { id, version, notes: body.notes });
					version = noted.version;
				}
				const status =
					body.patient_arrived === true
						? 'arrived'
						: body.did_not_arrive === true
							? 'did_not_arrive'
							: (body.patient_arrived === false && view.status === 'arrived') ||
								  (body.did_not_arrive === false && view.status === 'did_not_arrive')
								? 'booked'
								: null;
				if (status && status !== view.status)
					await setAppointmentStatus(tx, ctx.actor, { id, version, status });
			})
	);
	const record = await getAppointmentRecord(ctx.em, ctx.actor, id);
	return jsonResponse(individualAppointmentToApi(record, ctx.origin));
}

async function typeDuration(em: ApiContext['em'], typeId: string): Promise<number> {
	const rows = await em.execute<{ duration_minutes: number }[]>(
		'select duration_minutes from appointment_type where id = ?',
		[typeId]
	);
	return Number(rows[0]?.duration_minutes ?? 30);
}

async function cancelIndividualAppointment(ctx: ApiContext): Promise<Response> {
	const body = parseApiBody(cancelBody, ctx.body);
	const id = ctx.params.id!;
	const { view } = await getAppointmentRecord(ctx.em, ctx.actor, id);
	await withBookingConflicts(
		ctx,
		() => null,
		() =>
			cancelAppointment(ctx.em, ctx.actor, {
				id,
				version: view.version,
				reason: reasonText(body.cancellation_reason, body.cancellation_note?.trim() || null)
			})
	);
	return emptyResponse(204);
}

async function conflicts(ctx: ApiContext): Promise<Response> {
	const { view } = await getAppointmentRecord(ctx.em, ctx.actor, ctx.params.id!);
	const clashes =
		view.status === 'cancelled' || view.status === 'did_not_arrive'
			? await findClashes(ctx.em, {
					practitionerId: view.practitioner.id,
					startsAt: view.startsAt,
					endsAt: view.endsAt,
					excludeId: view.id
				})
			: [];
	// A live appointment never overlaps another (PostgreSQL refuses it); a cancelled one may.
	return jsonResponse({ conflicts: { exist: clashes.length > 0 } });
}

// ---------------------------------------------------------------------------------------------
// Routes

const access = { roles: 'any' as const };
const notFound = { description: 'No appointment with that id', schema: 'Error' };
const writeResponses = {
	404: notFound,
	409: {
		description:
			'A booking rule refused it: the time clashes (named), the case is full or closed, or the appointment is cancelled',
		schema: 'Error'
	},
	422: { description: 'Validation Failed', schema: 'ValidationError' }
};

function listRoute(
	path: string,
	operationId: string,
	summary: string,
	tag: string,
	schema: string,
	handle: ApiRoute['handle'],
	description?: string,
	notFoundToo = false
): ApiRoute {
	return {
		method: 'GET',
		path,
		operationId,
		summary,
		...(description ? { description } : {}),
		tag,
		access,
		list: LIST_DOC,
		responses: notFoundToo
			? {
					200: { description: 'A page', schema },
					404: { description: 'No such record that you may see', schema: 'Error' }
				}
			: { 200: { description: 'A page', schema } },
		handle
	};
}

function getRoute(
	path: string,
	operationId: string,
	summary: string,
	tag: string,
	schema: string,
	shape: Shape
): ApiRoute {
	return {
		method: 'GET',
		path,
		operationId,
		summary,
		tag,
		access,
		responses: { 200: { description: 'Found', schema }, 404: notFound },
		handle: (ctx) => getOne(ctx, shape)
	};
}

const IA = 'Individual appointments';

export const appointmentRoutes: ApiRoute[] = [
	listRoute(
		'/individual_appointments',
		'listIndividualAppointments',
		'Get individual appointments',
		IA,
		'IndividualAppointmentList',
		(ctx) => listAppointments(ctx, 'individual', { status: 'live' }),
		'Every appointment that is not cancelled (reserved ones included, with status reserved).'
	),
	listRoute(
		'/individual_appointments/cancelled',
		'listCancelledIndividualAppointments',
		'Get cancelled individual appointments',
		IA,
		'IndividualAppointmentList',
		(ctx) => listAppointments(ctx, 'individual', { status: 'cancelled' })
	),
	getRoute(
		'/individual_appointments/{id}',
		'getIndividualAppointment',
		'Get an individual appointment',
		IA,
		'IndividualAppointment',
		'individual'
	),
	{
		method: 'GET',
		path: '/individual_appointments/{id}/conflicts',
		operationId: 'getIndividualAppointmentConflicts',
		summary: 'Get an individual appointment’s conflicts',
		tag: IA,
		access,
		responses: {
			200: { description: 'Whether another appointment holds the time', schema: 'Conflicts' },
			404: notFound
		},
		handle: conflicts
	},
	listRoute(
		'/individual_appointments/{id}/attendees',
		'listIndividualAppointmentAttendees',
		'Get an individual appointment’s attendees',
		'Attendees',
		'AttendeeList',
		async (ctx) => {
			await getAppointmentRecord(ctx.em, ctx.actor, ctx.params.id!); // 404 for an unknown appointment
			return listAppointments(ctx, 'attendee', { status: 'all', appointmentId: ctx.params.id! });
		},
		'Its one attendee: the patient.',
		true
	),
	{
		method: 'POST',
		path: '/individual_appointments',
		operationId: 'createIndividualAppointment',
		summary: 'Create an individual appointment',
		description:
			'The same rules as the calendar: the practitioner must provide the type, the case (patient_case_id) must be this patient’s, open and have room, and the practitioner must be free (409 naming the clashing appointment).',
		tag: IA,
		access,
		isWrite: true,
		rename: renameField,
		body: { schema: 'IndividualAppointmentCreate', zod: individualAppointmentCreateBody },
		responses: {
			201: {
				description: 'Created',
				schema: 'IndividualAppointment',
				headers: { Location: 'The new appointment’s URL' }
			},
			...writeResponses
		},
		handle: createIndividualAppointment
	},
	{
		method: 'PUT',
		path: '/individual_appointments/{id}',
		operationId: 'updateIndividualAppointment',
		summary: 'Update an individual appointment',
		description:
			'Move it (starts_at, ends_at, practitioner_id), change its notes, or record arrival (patient_arrived, did_not_arrive). PATCH is accepted too.',
		tag: IA,
		access,
		isWrite: true,
		rename: renameField,
		body: { schema: 'IndividualAppointmentUpdate', zod: individualAppointmentUpdateBody },
		responses: {
			200: { description: 'The updated appointment', schema: 'IndividualAppointment' },
			...writeResponses
		},
		handle: updateIndividualAppointment
	},
	{
		method: 'PATCH',
		path: '/individual_appointments/{id}',
		operationId: 'patchIndividualAppointment',
		summary: 'Update an individual appointment (PATCH)',
		tag: IA,
		access,
		isWrite: true,
		rename: renameField,
		body: { schema: 'IndividualAppointmentUpdate', zod: individualAppointmentUpdateBody },
		responses: {
			200: { description: 'The updated appointment', schema: 'IndividualAppointment' },
			...writeResponses
		},
		handle: updateIndividualAppointment
	},
	{
		method: 'PATCH',
		path: '/individual_appointments/{id}/cancel',
		operationId: 'cancelIndividualAppointment',
		summary: 'Cancel an individual appointment',
		description: 'cancellation_reason is required (Cliniko’s codes); cancellation_note is optional.',
		tag: IA,
		access,
		isWrite: true,
		body: { schema: 'IndividualAppointmentCancel', zod: cancelBody },
		responses: {
			204: { description: 'Cancelled (no content)' },
			404: notFound,
			409: { description: 'Already cancelled, or completed', schema: 'Error' },
			422: { description: 'Validation Failed', schema: 'ValidationError' }
		},
		handle: cancelIndividualAppointment
	},
	listRoute(
		'/appointments',
		'listAppointments',
		'Get appointments',
		'Appointments',
		'AppointmentList',
		(ctx) => listAppointments(ctx, 'legacy', { status: 'all' }),
		'Cliniko’s older, read-only Appointments resource: every appointment, cancelled ones too.'
	),
	getRoute(
		'/appointments/{id}',
		'getAppointment',
		'Get an appointment',
		'Appointments',
		'Appointment',
		'legacy'
	),
	listRoute(
		'/patients/{patient_id}/appointments',
		'listAppointmentsOfPatient',
		'Get a patient’s appointments',
		IA,
		'PatientAppointmentList',
		(ctx) =>
			listAppointments(ctx, 'individual', {
				status: 'all',
				patientId: ctx.params.patient_id!,
				key: 'appointments'
			}),
		'The patient’s individual appointments, cancelled ones too, under the key appointments.',
		true
	),
	listRoute(
		'/bookings',
		'listBookings',
		'Get bookings',
		'Bookings',
		'BookingList',
		(ctx) => listAppointments(ctx, 'booking', { status: 'live' }),
		'In Casebook every booking is an individual appointment (no group appointments or unavailable blocks).'
	),
	getRoute('/bookings/{id}', 'getBooking', 'Get a booking', 'Bookings', 'Booking', 'booking'),
	getRoute('/attendees/{id}', 'getAttendee', 'Get an attendee', 'Attendees', 'Attendee', 'attendee'),
	listRoute(
		'/patient_cases/{id}/attendees',
		'listPatientCaseAttendees',
		'Get a patient case’s attendees',
		'Attendees',
		'AttendeeList',
		(ctx) => listAppointments(ctx, 'attendee', { status: 'all', caseId: ctx.params.id! }),
		'The attendees of the case’s appointments (its attendee_ids); 404 for a case you may not see.',
		true
	),
	listRoute(
		'/patient_cases/{id}/bookings',
		'listPatientCaseBookings',
		'Get a patient case’s bookings',
		'Bookings',
		'BookingList',
		(ctx) => listAppointments(ctx, 'booking', { status: 'all', caseId: ctx.params.id! }),
		'The case’s appointments as bookings; 404 for a case you may not see.',
		true
	)
];
