// Appointments (issue 6): book, reschedule, change status, cancel, invoice, list for the calendar.
// PostgreSQL's exclusion constraint is the last word on overlaps (two concurrent bookings cannot
// both win); a case's hard cap is checked under the case's row lock in the same transaction.
import type { z } from 'zod';
import {
	cancelAppointmentInput,
	createAppointmentInput,
	findAppointmentsInput,
	invoiceAppointmentInput,
	matchingCasesInput,
	rescheduleAppointmentInput,
	setAppointmentStatusInput,
	updateAppointmentNotesInput,
	type AppointmentStatus,
	type CreateAppointmentInput,
	type FindAppointmentsInput
} from '../../schemas/appointment.ts';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { BodyPart } from '../cases/body-part.entity.ts';
import { assertCaseOpen, caseVisibilitySql, loadVisibleCase } from '../cases/case-access.queries.ts';
import type { Case } from '../cases/case.entity.ts';
import { computeCaseUsage, countsTowardsCase } from '../cases/case.rules.ts';
import { assertCaseHasRoom, loadUsageAppointments } from '../cases/case-usage.rules.ts';
import { createCaseIn, findOpenCasesWithBodyParts, type CaseSummaryView } from '../cases/cases.service.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError, notFound, type FieldErrors } from '../errors.ts';
import { publishEvent } from '../events/domain-events.ts';
import { Patient } from '../patients/patient.entity.ts';
import { patientDisplayName } from '../patients/patient-name.rules.ts';
import { Service } from '../services/service.entity.ts';
import { Appointment, TIME_HOLDING_STATUSES, type ReservationOutcome } from './appointment.entity.ts';

const PG_EXCLUSION_VIOLATION = '23P01';

export interface AppointmentCaseRef {
	id: string;
	/** HIDDEN_CASE_NAME when the caller may not open the case (case-access.ts decides). */
	name: string;
	/** False for a case outside what the caller may see: show no link, no name, no usage. */
	canOpen: boolean;
	status: 'open' | 'closed';
	/** "3 of 10": the number in the series, and the limit for maximum-appointments cases. */
	number: number | null;
	of: number | null;
	/** For maximum-amount cases: what is left of the limit after invoiced and booked appointments. */
	amountLeftCents: number | null;
	isOverAmount: boolean;
}

/** The service an appointment is given under: its colour is the appointment's in the calendar. */
export interface AppointmentServiceRef {
	id: string;
	name: string;
	colour: string;
}

export interface AppointmentView {
	id: string;
	/** `appointmentNotes`: the patient record's notes meant for every appointment of theirs. */
	patient: { id: string; name: string; appointmentNotes: string | null };
	practitioner: { id: string; name: string };
	appointmentType: { id: string; name: string; colour: string; priceCents: number };
	/** Null for a type that belongs to no service (the calendar then uses the type's colour). */
	service: AppointmentServiceRef | null;
	startsAt: Date;
	endsAt: Date;
	durationMinutes: number;
	status: AppointmentStatus;
	notes: string | null;
	invoicedAmountCents: number | null;
	invoicedAt: Date | null;
	cancellationReason: string | null;
	/** Reservations: the patient must confirm by then, and what became of it. */
	reservationExpiresAt: Date | null;
	reservationOutcome: ReservationOutcome | null;
	reservationAnsweredAt: Date | null;
	/** The patient confirmed by SMS reply to a reminder (reminders/). */
	confirmedByPatientAt: Date | null;
	case: AppointmentCaseRef | null;
	version: number;
}

export interface AppointmentChangeResult {
	appointment: AppointmentView;
	/** Soft warnings the person booking should see (e.g. over the case's invoiceable amount). */
	warnings: string[];
}

const POPULATE = ['patient', 'practitioner', 'appointmentType', 'case'] as const;

/**
 * What the calendar shows for a case the caller may not open: every staff member sees every
 * appointment, but a case's name (a diagnosis, a triage subject) only who may see the case.
 */
export const HIDDEN_CASE_NAME = 'a case you can’t open';

/** Of these cases, the ones the actor may see, by the one rule in case-access.ts. */
async function visibleCaseIds(em: Em, actor: Actor, caseIds: string[]): Promise<Set<string>> {
	if (!caseIds.length) return new Set();
	const visibility = caseVisibilitySql(actor);
	const rows = await em.execute<{ id: string }[]>(
		`select c.id from clinic_case c
		 where c.id in (${caseIds.map(() => '?').join(', ')}) and ${visibility.sql}`,
		[...caseIds, ...visibility.params]
	);
	return new Set(rows.map((r) => String(r.id)));
}

/** Case references for many appointments: loads each case's usage once. */
async function caseRefs(
	em: Em,
	actor: Actor,
	appointments: Appointment[]
): Promise<Map<string, AppointmentCaseRef>> {
	const cases = new Map<string, Case>();
	for (const a of appointments) if (a.case) cases.set(a.case.id, a.case);
	const visible = await visibleCaseIds(em, actor, [...cases.keys()]);
	const usageRows = await loadUsageAppointments(
		em,
		[...cases.keys()].filter((id) => visible.has(id))
	);
	const refs = new Map<string, AppointmentCaseRef>();
	for (const a of appointments) {
		if (!a.case) continue;
		const c = cases.get(a.case.id)!;
		if (!visible.has(c.id)) {
			refs.set(a.id, {
				id: c.id,
				name: HIDDEN_CASE_NAME,
				canOpen: false,
				status: c.status,
				number: null,
				of: null,
				amountLeftCents: null,
				isOverAmount: false
			});
			continue;
		}
		const usage = computeCaseUsage(c, usageRows.get(c.id) ?? []);
		refs.set(a.id, {
			id: c.id,
			name: c.name,
			canOpen: true,
			status: c.status,
			number: usage.numbers.get(a.id) ?? null,
			of: c.limitKind === 'appointments' ? (c.maxAppointments ?? null) : null,
			amountLeftCents: usage.amountLeftCents,
			isOverAmount: usage.isOverAmount
		});
	}
	return refs;
}

/**
 * The service of each appointment: of its type's services, the one its practitioner provides (an
 * active one first, then by name); a type whose services the practitioner does not provide gives
 * its first service. Two statements for any number of appointments.
 */
async function serviceRefs(em: Em, appointments: Appointment[]): Promise<Map<string, AppointmentServiceRef>> {
	const refs = new Map<string, AppointmentServiceRef>();
	const typeIds = [...new Set(appointments.map((a) => a.appointmentType.id))];
	if (!typeIds.length) return refs;
	const practitionerIds = [...new Set(appointments.map((a) => a.practitioner.id))];
	// One after the other: inside a transaction both go down the same connection anyway.
	const typeServices = await em.execute<{ type_id: string; id: string; name: string; colour: string }[]>(
		`select ats.appointment_type_id as type_id, s.id, s.name, s.colour
			 from appointment_type_service ats join service s on s.id = ats.service_id
			 where ats.appointment_type_id in (${typeIds.map(() => '?').join(', ')})
			 order by s.is_active desc, lower(s.name), s.id`,
		typeIds
	);
	const provided = await em.execute<{ service_id: string; user_id: string }[]>(
		`select service_id, user_id from practitioner_service
			 where user_id in (${practitionerIds.map(() => '?').join(', ')})`,
		practitionerIds
	);
	const provides = new Set(provided.map((r) => `${r.user_id}:${r.service_id}`));
	for (const a of appointments) {
		const candidates = typeServices.filter((s) => String(s.type_id) === a.appointmentType.id);
		const chosen =
			candidates.find((s) => provides.has(`${a.practitioner.id}:${s.id}`)) ?? candidates[0] ?? null;
		if (chosen) refs.set(a.id, { id: String(chosen.id), name: chosen.name, colour: chosen.colour });
	}
	return refs;
}

function toView(
	a: Appointment,
	caseRef: AppointmentCaseRef | null,
	service: AppointmentServiceRef | null
): AppointmentView {
	return {
		id: a.id,
		patient: {
			id: a.patient.id,
			name: patientDisplayName(a.patient),
			appointmentNotes: a.patient.appointmentNotes ?? null
		},
		practitioner: { id: a.practitioner.id, name: a.practitioner.name },
		appointmentType: {
			id: a.appointmentType.id,
			name: a.appointmentType.name,
			colour: a.appointmentType.colour,
			priceCents: a.appointmentType.priceCents
		},
		service,
		startsAt: a.startsAt,
		endsAt: a.endsAt,
		durationMinutes: Math.round((a.endsAt.getTime() - a.startsAt.getTime()) / 60_000),
		status: a.status,
		notes: a.notes ?? null,
		invoicedAmountCents: a.invoicedAmountCents ?? null,
		invoicedAt: a.invoicedAt ?? null,
		cancellationReason: a.cancellationReason ?? null,
		reservationExpiresAt: a.reservationExpiresAt ?? null,
		reservationOutcome: a.reservationOutcome ?? null,
		reservationAnsweredAt: a.reservationAnsweredAt ?? null,
		confirmedByPatientAt: a.confirmedByPatientAt ?? null,
		case: caseRef,
		version: a.version
	};
}

async function viewOf(em: Em, actor: Actor, appointment: Appointment): Promise<AppointmentView> {
	await em.populate(appointment, POPULATE, { refresh: true });
	const refs = await caseRefs(em, actor, [appointment]);
	const services = await serviceRefs(em, [appointment]);
	return toView(appointment, refs.get(appointment.id) ?? null, services.get(appointment.id) ?? null);
}

/** Soft warnings after a change: the amount cap is allowed to be passed, but never silently. */
function softWarnings(view: AppointmentView): string[] {
	if (view.case?.isOverAmount) return [`Case “${view.case.name}” is over its maximum invoiceable amount`];
	return [];
}

/** Turns the exclusion constraint's refusal into a field error the calendar can show. */
async function flushBooking(em: Em, practitionerName: string): Promise<void> {
	try {
		await em.flush();
	} catch (error) {
		if ((error as { code?: string }).code === PG_EXCLUSION_VIOLATION) {
			const message = `That time is taken: ${practitionerName} already has an appointment then`;
			throw new AppError('CONFLICT', message, { fieldErrors: { startsAt: [message] }, cause: error });
		}
		throw error;
	}
}

async function loadPractitioner(em: Em, id: string): Promise<User> {
	const user = await em.findOne(User, { id, kind: 'staff', isActive: true });
	if (!user || !user.roles.some((r) => r === 'practitioner' || r === 'admin'))
		throw new AppError('BAD_REQUEST', 'Choose a practitioner', {
			fieldErrors: { practitionerId: ['Choose a practitioner'] }
		});
	return user;
}

/** The practitioner must provide one of the type's services (a type with no services: anyone). */
async function assertProvidesType(em: Em, practitioner: User, type: AppointmentType): Promise<void> {
	await em.populate(type, ['services']);
	const serviceIds = type.services.getItems().map((s) => s.id);
	if (!serviceIds.length) return;
	const provided = await em.count(Service, { id: { $in: serviceIds }, practitioners: practitioner.id });
	if (!provided) {
		const message = `${practitioner.name} does not provide ${type.name}`;
		throw new AppError('BAD_REQUEST', message, { fieldErrors: { practitionerId: [message] } });
	}
}

async function loadAppointment(em: Em, id: string): Promise<Appointment> {
	const appointment = await em.findOne(Appointment, { id }, { populate: POPULATE, refresh: true });
	if (!appointment) throw notFound('Appointment');
	return appointment;
}

// ---------------------------------------------------------------------------------------------
// Find and get

export async function findAppointments(
	em: Em,
	actor: Actor,
	raw: FindAppointmentsInput
): Promise<AppointmentView[]> {
	const input = findAppointmentsInput.parse(raw);
	const appointments = await em.find(
		Appointment,
		{
			startsAt: { $lt: input.to },
			endsAt: { $gt: input.from },
			...(input.practitionerId ? { practitioner: input.practitionerId } : {}),
			...(input.patientId ? { patient: input.patientId } : {}),
			...(input.includeCancelled ? {} : { status: { $nin: ['cancelled'] as AppointmentStatus[] } })
		},
		{ populate: POPULATE, orderBy: { startsAt: 'asc', id: 'asc' }, limit: 2000 }
	);
	const refs = await caseRefs(em, actor, appointments);
	const services = await serviceRefs(em, appointments);
	return appointments.map((a) => toView(a, refs.get(a.id) ?? null, services.get(a.id) ?? null));
}

export async function getAppointment(em: Em, actor: Actor, id: string): Promise<AppointmentView> {
	return em.transactional(async (tx) => {
		const appointment = await loadAppointment(tx, id);
		recordAudit(tx, actor, {
			action: 'appointment.read',
			recordType: 'appointment',
			recordId: appointment.id
		});
		const refs = await caseRefs(tx, actor, [appointment]);
		const services = await serviceRefs(tx, [appointment]);
		return toView(appointment, refs.get(appointment.id) ?? null, services.get(appointment.id) ?? null);
	});
}

/** The booking question (seed 002): open cases of the patient that share one of these body parts. */
export async function findMatchingCases(
	em: Em,
	actor: Actor,
	raw: { patientId: string; bodyPartIds: string[] }
): Promise<CaseSummaryView[]> {
	const input = matchingCasesInput.parse(raw);
	return findOpenCasesWithBodyParts(em, actor, input.patientId, input.bodyPartIds);
}

// ---------------------------------------------------------------------------------------------
// Book

interface NewAppointment {
	patient: Patient;
	practitioner: User;
	appointmentType: AppointmentType;
	startsAt: Date;
	durationMinutes: number;
	caseRow: Case | null;
	status: 'booked' | 'reserved';
	reservationExpiresAt?: Date | null;
	notes: string | null;
	/** Audit details beyond patient and case (e.g. the request it was booked from). */
	details?: Record<string, unknown>;
}

/** Inserts and audits an appointment whose rules were checked; the exclusion constraint decides overlaps. */
async function insertAppointment(tx: Em, actor: Actor, a: NewAppointment): Promise<Appointment> {
	const appointment = tx.create(Appointment, {
		patient: a.patient,
		practitioner: a.practitioner,
		appointmentType: a.appointmentType,
		startsAt: a.startsAt,
		endsAt: new Date(a.startsAt.getTime() + a.durationMinutes * 60_000),
		status: a.status,
		case: a.caseRow,
		notes: a.notes,
		reservationExpiresAt: a.reservationExpiresAt ?? null,
		createdBy: actor.user ? tx.getReference(User, actor.user.id) : null
	});
	await flushBooking(tx, a.practitioner.name);
	recordAudit(tx, actor, {
		action: a.status === 'reserved' ? 'appointment.reserve' : 'appointment.create',
		recordType: 'appointment',
		recordId: appointment.id,
		details: { patientId: a.patient.id, caseId: a.caseRow?.id ?? null, ...a.details }
	});
	if (a.status === 'booked')
		await publishEvent(
			tx,
			{ type: 'appointment.booked', appointmentId: appointment.id, patientId: a.patient.id },
			actor
		);
	return appointment;
}

/**
 * Books (or reserves) an appointment on a case the caller has locked: the case must be open and
 * have room, the practitioner must provide the type. Shared by approving a portal request and by
 * reserving a slot for a patient.
 */
export async function bookOnCase(
	tx: Em,
	actor: Actor,
	input: {
		caseRow: Case;
		practitionerId: string;
		appointmentTypeId: string;
		startsAt: Date;
		durationMinutes: number;
		status: 'booked' | 'reserved';
		reservationExpiresAt?: Date | null;
		notes: string | null;
		details?: Record<string, unknown>;
	}
): Promise<Appointment> {
	const caseRow = input.caseRow;
	const patient = caseRow.patient
		? await tx.findOne(Patient, { id: caseRow.patient.id, deletedAt: null })
		: null;
	if (!patient) throw new AppError('BAD_REQUEST', 'This case has no patient to book for');
	if (patient.archivedAt)
		throw new AppError('BAD_REQUEST', 'This patient is archived: unarchive them to book', {
			fieldErrors: { patientId: ['This patient is archived: unarchive them to book'] }
		});
	assertCaseOpen(caseRow);
	const type = await tx.findOne(AppointmentType, { id: input.appointmentTypeId });
	if (!type || !type.isActive)
		throw new AppError('BAD_REQUEST', 'Choose an appointment type', {
			fieldErrors: { appointmentTypeId: ['Choose an appointment type'] }
		});
	const practitioner = await loadPractitioner(tx, input.practitionerId);
	await assertProvidesType(tx, practitioner, type);
	await assertCaseHasRoom(tx, caseRow, { status: input.status });
	return insertAppointment(tx, actor, {
		patient,
		practitioner,
		appointmentType: type,
		startsAt: input.startsAt,
		durationMinutes: input.durationMinutes,
		caseRow,
		status: input.status,
		reservationExpiresAt: input.reservationExpiresAt,
		notes: input.notes,
		details: input.details
	});
}

/** The view the calendar and pages show, for an appointment just written in this transaction. */
export async function appointmentView(
	tx: Em,
	actor: Actor,
	appointment: Appointment
): Promise<AppointmentView> {
	return viewOf(tx, actor, appointment);
}

/**
 * The booking question (seed 002), asked by booking and by reserving with a new case: a new case
 * for a patient who has an open case with one of its body parts is refused (CONFLICT, with the
 * matching cases in `details`) until the person answers "separate case" or "add to that case".
 */
export async function assertNoMatchingCase(
	tx: Em,
	actor: Actor,
	patientId: string,
	bodyPartIds: readonly string[]
): Promise<void> {
	const matching = await findOpenCasesWithBodyParts(tx, actor, patientId, bodyPartIds);
	if (matching.length)
		throw new AppError('CONFLICT', 'This patient already has an open case for the same body part', {
			details: {
				reason: 'matching-case',
				// A full case is named too, but the question offers no "Add to" for it.
				cases: matching.map((c) => ({
					id: c.id,
					name: c.name,
					bodyParts: c.bodyParts.map((b) => b.name),
					isFull: c.usage.isFull
				}))
			}
		});
}

/** "Update the case" (the question's other answer): the body parts chosen while booking join the case's. */
export async function addBodyPartsToCase(
	tx: Em,
	actor: Actor,
	caseRow: Case,
	bodyPartIds: readonly string[]
): Promise<void> {
	if (!bodyPartIds.length) return;
	const parts = await tx.find(BodyPart, { id: { $in: [...bodyPartIds] }, isActive: true });
	if (parts.length !== bodyPartIds.length)
		throw new AppError('BAD_REQUEST', 'Choose body parts from the list', {
			fieldErrors: { bodyPartIds: ['Choose body parts from the list'] }
		});
	await tx.populate(caseRow, ['bodyParts']);
	const before = caseRow.bodyParts.count();
	for (const part of parts) if (!caseRow.bodyParts.contains(part)) caseRow.bodyParts.add(part);
	if (caseRow.bodyParts.count() !== before)
		recordAudit(tx, actor, {
			action: 'case.update',
			recordType: 'case',
			recordId: caseRow.id,
			changedFields: ['bodyParts']
		});
}

export async function createAppointment(
	em: Em,
	actor: Actor,
	raw: CreateAppointmentInput,
	now = new Date()
): Promise<AppointmentChangeResult> {
	const input = createAppointmentInput.parse(raw);
	return em.transactional(async (tx) => {
		const errors: FieldErrors = {};
		const patient = await tx.findOne(Patient, { id: input.patientId, deletedAt: null });
		if (!patient) errors.patientId = ['Choose a patient'];
		else if (patient.archivedAt) errors.patientId = ['This patient is archived: unarchive them to book'];
		const type = await tx.findOne(AppointmentType, { id: input.appointmentTypeId });
		if (!type || !type.isActive) errors.appointmentTypeId = ['Choose an appointment type'];
		if (Object.keys(errors).length)
			throw new AppError('BAD_REQUEST', 'Some fields need attention', { fieldErrors: errors });
		const practitioner = await loadPractitioner(tx, input.practitionerId);
		await assertProvidesType(tx, practitioner, type!);
		const durationMinutes = input.durationMinutes ?? type!.durationMinutes;

		let caseRow: Case | null = null;
		if (input.case.mode === 'existing') {
			caseRow = await loadVisibleCase(tx, actor, input.case.caseId, { lock: true });
			if (caseRow.patient?.id !== patient!.id)
				throw new AppError('BAD_REQUEST', 'This case belongs to another patient', {
					fieldErrors: { caseId: ['Choose a case of this patient'] }
				});
			assertCaseOpen(caseRow);
			await assertCaseHasRoom(tx, caseRow, { status: 'booked' });
			await addBodyPartsToCase(tx, actor, caseRow, input.case.bodyPartIds);
		} else if (input.case.mode === 'new') {
			if (!input.case.isSeparateCaseConfirmed)
				await assertNoMatchingCase(tx, actor, patient!.id, input.case.case.bodyPartIds);
			caseRow = await createCaseIn(
				tx,
				actor,
				{ ...input.case.case, patientId: patient!.id, appointmentIds: [] },
				now
			);
		}

		const appointment = await insertAppointment(tx, actor, {
			patient: patient!,
			practitioner,
			appointmentType: type!,
			startsAt: input.startsAt,
			durationMinutes,
			caseRow,
			status: 'booked',
			notes: input.notes ?? null
		});
		const view = await viewOf(tx, actor, appointment);
		return { appointment: view, warnings: softWarnings(view) };
	});
}

// ---------------------------------------------------------------------------------------------
// Change

/** Loads for a change: the appointment, and its case locked first (cap checks read the case). */
async function loadForChange(tx: Em, actor: Actor, id: string, version: number) {
	const appointment = await loadAppointment(tx, id);
	const caseRow = appointment.case
		? await loadVisibleCase(tx, actor, appointment.case.id, { lock: true })
		: null;
	assertVersion(appointment, version, 'appointment');
	return { appointment, caseRow };
}

export async function rescheduleAppointment(
	em: Em,
	actor: Actor,
	raw: z.input<typeof rescheduleAppointmentInput>
): Promise<AppointmentChangeResult> {
	const input = rescheduleAppointmentInput.parse(raw);
	return em.transactional(async (tx) => {
		const { appointment } = await loadForChange(tx, actor, input.id, input.version);
		if (!TIME_HOLDING_STATUSES.includes(appointment.status) || appointment.status === 'completed')
			throw new AppError('CONFLICT', 'Only a booked, reserved or arrived appointment can be moved.');
		const practitioner = input.practitionerId
			? await loadPractitioner(tx, input.practitionerId)
			: appointment.practitioner;
		if (input.practitionerId) await assertProvidesType(tx, practitioner, appointment.appointmentType);
		const before = {
			startsAt: appointment.startsAt.toISOString(),
			endsAt: appointment.endsAt.toISOString(),
			practitionerId: appointment.practitioner.id
		};
		appointment.practitioner = practitioner;
		appointment.startsAt = input.startsAt;
		appointment.endsAt = new Date(input.startsAt.getTime() + input.durationMinutes * 60_000);
		await flushBooking(tx, practitioner.name);
		recordAudit(tx, actor, {
			action: 'appointment.reschedule',
			recordType: 'appointment',
			recordId: appointment.id,
			changedFields: [
				'startsAt',
				'endsAt',
				...(before.practitionerId !== practitioner.id ? ['practitioner'] : [])
			],
			details: { before }
		});
		await publishEvent(
			tx,
			{ type: 'appointment.moved', appointmentId: appointment.id, patientId: appointment.patient.id },
			actor
		);
		const view = await viewOf(tx, actor, appointment);
		return { appointment: view, warnings: softWarnings(view) };
	});
}

/**
 * Status changes among booked / arrived / completed / did not arrive (and reserved -> booked).
 * A cancelled appointment stays cancelled (book a new one). When a change makes the appointment
 * count towards its case again (e.g. DNA -> arrived on a case that ignores DNAs), the cap applies.
 */
export async function setAppointmentStatus(
	em: Em,
	actor: Actor,
	raw: { id: string; version: number; status: string }
): Promise<AppointmentChangeResult> {
	const input = setAppointmentStatusInput.parse(raw);
	return em.transactional(async (tx) => {
		const { appointment, caseRow } = await loadForChange(tx, actor, input.id, input.version);
		if (appointment.status === 'cancelled')
			throw new AppError('CONFLICT', 'A cancelled appointment cannot be changed: book a new one.');
		if (appointment.status === input.status)
			return { appointment: await viewOf(tx, actor, appointment), warnings: [] };
		if (
			caseRow &&
			!countsTowardsCase(appointment.status, caseRow) &&
			countsTowardsCase(input.status, caseRow)
		) {
			await assertCaseHasRoom(tx, caseRow, { id: appointment.id, status: input.status }, 'status');
		}
		const previous = appointment.status;
		appointment.status = input.status;
		if (appointment.status === 'booked' || appointment.status === 'arrived')
			appointment.reservationExpiresAt = null;
		await flushBooking(tx, appointment.practitioner.name);
		recordAudit(tx, actor, {
			action: 'appointment.status',
			recordType: 'appointment',
			recordId: appointment.id,
			changedFields: ['status'],
			details: { from: previous, to: input.status }
		});
		if (previous === 'reserved' && input.status === 'booked')
			await publishEvent(
				tx,
				{ type: 'appointment.booked', appointmentId: appointment.id, patientId: appointment.patient.id },
				actor
			);
		const view = await viewOf(tx, actor, appointment);
		return { appointment: view, warnings: softWarnings(view) };
	});
}

export async function cancelAppointment(
	em: Em,
	actor: Actor,
	raw: { id: string; version: number; reason?: string },
	now = new Date()
): Promise<AppointmentChangeResult> {
	const input = cancelAppointmentInput.parse(raw);
	return em.transactional(async (tx) => {
		const { appointment } = await loadForChange(tx, actor, input.id, input.version);
		if (appointment.status === 'cancelled')
			throw new AppError('CONFLICT', 'This appointment is already cancelled.');
		if (appointment.status === 'completed')
			throw new AppError('CONFLICT', 'A completed appointment cannot be cancelled.');
		const wasReservation = appointment.status === 'reserved';
		appointment.status = 'cancelled';
		appointment.cancelledAt = now;
		appointment.cancellationReason = input.reason || null;
		appointment.reservationExpiresAt = null;
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'appointment.cancel',
			recordType: 'appointment',
			recordId: appointment.id,
			changedFields: ['status'],
			details: { reason: input.reason ?? null }
		});
		// A reservation the patient never confirmed was never booked: nothing to take back.
		if (!wasReservation)
			await publishEvent(
				tx,
				{ type: 'appointment.cancelled', appointmentId: appointment.id, patientId: appointment.patient.id },
				actor
			);
		return { appointment: await viewOf(tx, actor, appointment), warnings: [] };
	});
}

/** Records the invoiced amount (the type's price unless given): what amount-capped cases count. */
export async function invoiceAppointment(
	em: Em,
	actor: Actor,
	raw: { id: string; version: number; amountCents?: number },
	now = new Date()
): Promise<AppointmentChangeResult> {
	const input = invoiceAppointmentInput.parse(raw);
	return em.transactional(async (tx) => {
		const { appointment } = await loadForChange(tx, actor, input.id, input.version);
		if (appointment.status === 'reserved')
			throw new AppError('CONFLICT', 'A reserved appointment cannot be invoiced until it is booked.');
		appointment.invoicedAmountCents = input.amountCents ?? appointment.appointmentType.priceCents;
		appointment.invoicedAt = now;
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'appointment.invoice',
			recordType: 'appointment',
			recordId: appointment.id,
			changedFields: ['invoicedAmountCents'],
			details: { amountCents: appointment.invoicedAmountCents }
		});
		const view = await viewOf(tx, actor, appointment);
		return { appointment: view, warnings: softWarnings(view) };
	});
}

export async function updateAppointmentNotes(
	em: Em,
	actor: Actor,
	raw: { id: string; version: number; notes?: string | null }
): Promise<AppointmentView> {
	const input = updateAppointmentNotesInput.parse(raw);
	return em.transactional(async (tx) => {
		const { appointment } = await loadForChange(tx, actor, input.id, input.version);
		appointment.notes = input.notes ?? null;
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'appointment.update',
			recordType: 'appointment',
			recordId: appointment.id,
			changedFields: ['notes']
		});
		return viewOf(tx, actor, appointment);
	});
}

/** What the booking form offers: active practitioners with their services, active types. */
export async function appointmentFormOptions(em: Em) {
	const [practitioners, types] = await Promise.all([
		em.find(
			User,
			{
				kind: 'staff',
				isActive: true,
				$or: [{ roles: { $contains: ['practitioner'] } }, { roles: { $contains: ['admin'] } }]
			},
			{ orderBy: { name: 'asc', id: 'asc' } }
		),
		em.find(
			AppointmentType,
			{ isActive: true },
			{ populate: ['services'], orderBy: { name: 'asc', id: 'asc' } }
		)
	]);
	const links = await em.find(Service, { isActive: true }, { populate: ['practitioners'] });
	const servicesOf = new Map<string, string[]>();
	for (const service of links)
		for (const user of service.practitioners.getItems())
			servicesOf.set(user.id, [...(servicesOf.get(user.id) ?? []), service.id]);
	return {
		practitioners: practitioners.map((u) => ({
			id: u.id,
			name: u.name,
			serviceIds: servicesOf.get(u.id) ?? []
		})),
		appointmentTypes: types.map((t) => ({
			id: t.id,
			name: t.name,
			durationMinutes: t.durationMinutes,
			priceCents: t.priceCents,
			colour: t.colour,
			serviceIds: t.services.getItems().map((s) => s.id)
		}))
	};
}

/**
 * Views of many appointments at once (the REST API's pages): each case's usage and each service
 * are read in a few statements for the whole page. The appointments come populated (patient,
 * practitioner, appointmentType, case).
 */
export async function appointmentViews(
	em: Em,
	actor: Actor,
	appointments: Appointment[]
): Promise<AppointmentView[]> {
	const refs = await caseRefs(em, actor, appointments);
	const services = await serviceRefs(em, appointments);
	return appointments.map((a) => toView(a, refs.get(a.id) ?? null, services.get(a.id) ?? null));
}
