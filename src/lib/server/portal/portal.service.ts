// What a signed-in patient sees and does in the portal (issue 8). Every function is scoped by the
// patient of the portal session: another patient's case, request or reservation is NOT_FOUND.
import type { z } from 'zod';
import {
	answerPrivacyPolicyInput,
	MAX_REQUEST_DAYS_AHEAD,
	requestAppointmentInput,
	type PortalAppointment,
	type PortalCase,
	type PortalRequest,
	type RequestAppointmentInput
} from '../../schemas/portal.ts';
import { AppointmentRequest } from '../appointment-requests/appointment-request.entity.ts';
import { appointmentRequestNotifyJob } from '../appointment-requests/appointment-request.jobs.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { answerReservation } from '../appointments/reservations.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor, PortalPatient } from '../auth/actor.ts';
import { CaseTemplateRequestType } from '../case-templates/case-template.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { caseFullMessage, type CaseFullAudience } from '../../cases/case-full.ts';
import { caseFullError, fullCaseIds, isCaseFullFor } from '../cases/case-usage.rules.ts';
import type { Em } from '../db/orm.ts';
import { AppError, notFound } from '../errors.ts';
import { publishEvent } from '../events/domain-events.ts';
import { enqueue } from '../jobs/boss.ts';
import { Patient } from '../patients/patient.entity.ts';
import { getClinicSettings } from '../settings/settings.service.ts';

function me(actor: Actor): PortalPatient {
	if (!actor.patient) throw new AppError('UNAUTHORIZED', 'Please sign in to the portal.');
	return actor.patient;
}

export async function getPortalMe(em: Em, actor: Actor) {
	const patient = await em.findOneOrFail(Patient, { id: me(actor).id });
	const settings = await getClinicSettings(em);
	return {
		id: patient.id,
		name: me(actor).name,
		firstName: patient.preferredFirstName || patient.firstName,
		timeZone: me(actor).timeZone,
		clinicName: settings.clinicName,
		needsPrivacyAnswer: patient.acceptedPrivacyPolicy == null,
		acceptedPrivacyPolicy: patient.acceptedPrivacyPolicy ?? null
	};
}

export async function answerPrivacyPolicy(
	em: Em,
	actor: Actor,
	raw: z.input<typeof answerPrivacyPolicyInput>,
	now = new Date()
) {
	const input = answerPrivacyPolicyInput.parse(raw);
	return em.transactional(async (tx) => {
		const patient = await tx.findOneOrFail(Patient, { id: me(actor).id });
		patient.acceptedPrivacyPolicy = input.accepted;
		patient.privacyPolicyAnsweredAt = now;
		recordAudit(tx, actor, {
			action: 'patient.privacy-policy.answer',
			recordType: 'patient',
			recordId: patient.id,
			changedFields: ['acceptedPrivacyPolicy', 'privacyPolicyAnsweredAt'],
			details: { accepted: input.accepted }
		});
		await tx.flush();
		return { acceptedPrivacyPolicy: input.accepted, answeredAt: now };
	});
}

/**
 * A case the patient may see: a treatment case (a series of appointments with a name the clinic
 * gives it, usually from a template). A case created by sending it to teams (triage) is internal:
 * its name is the subject staff wrote for each other ("Admin->TeamB: query sarcoma"), never shown
 * here. A treatment case that was later sent to a team (issue 18) stays a treatment case.
 */
export function isTreatmentCase(c: Pick<Case, 'isTriageOnly'>): boolean {
	return !c.isTriageOnly;
}

/** The case's name as the portal may show it: null for a triage case. */
function portalCaseName(c: Pick<Case, 'isTriageOnly' | 'name'> | null | undefined): string | null {
	return c && isTreatmentCase(c) ? c.name : null;
}

/**
 * How a full case is explained to a patient. Clinic settings hold no phone number yet: when they
 * do, pass it here as `clinicPhone` and the sentence gives it.
 */
const PATIENT_AUDIENCE: CaseFullAudience = { kind: 'patient', clinicPhone: null };

async function requestableTypesOf(em: Em, templateIds: string[]) {
	if (!templateIds.length) return new Map<string, { id: string; name: string; durationMinutes: number }[]>();
	const rows = await em.find(
		CaseTemplateRequestType,
		{ template: { $in: templateIds }, appointmentType: { isActive: true } },
		{ populate: ['appointmentType'], orderBy: { appointmentType: { name: 'asc' } } }
	);
	const byTemplate = new Map<string, { id: string; name: string; durationMinutes: number }[]>();
	for (const row of rows) {
		const list = byTemplate.get(row.template.id) ?? [];
		list.push({
			id: row.appointmentType.id,
			name: row.appointmentType.name,
			durationMinutes: row.durationMinutes
		});
		byTemplate.set(row.template.id, list);
	}
	return byTemplate;
}

/** The patient's open cases, and what they may request on each. */
export async function findPortalCases(em: Em, actor: Actor): Promise<PortalCase[]> {
	const patientId = me(actor).id;
	const cases = await em.find(
		Case,
		{ patient: patientId, status: 'open', mergedInto: null, isTriageOnly: false },
		{ populate: ['template'], orderBy: { issuedOn: 'desc', id: 'desc' } }
	);
	const allowing = cases.filter((c) => c.template?.allowsRequests && c.template.isActive !== false);
	const types = await requestableTypesOf(em, [...new Set(allowing.map((c) => c.template!.id))]);
	const pending = await em.find(AppointmentRequest, { patient: patientId, status: 'pending' });
	const pendingKeys = new Set(pending.map((r) => `${r.case.id}:${r.appointmentType.id}`));
	const full = await fullCaseIds(em, cases);
	return cases.map((c) => {
		const offered = c.template?.allowsRequests ? (types.get(c.template.id) ?? []) : [];
		const isFull = full.has(c.id);
		return {
			id: c.id,
			name: c.name,
			issuedOn: c.issuedOn,
			canRequest: offered.length > 0 && !isFull,
			fullMessage: isFull ? caseFullMessage(c.maxAppointments, PATIENT_AUDIENCE) : null,
			requestableTypes: offered.map((t) => ({ ...t, hasPendingRequest: pendingKeys.has(`${c.id}:${t.id}`) }))
		};
	});
}

function toPortalAppointment(a: Appointment, now: Date): PortalAppointment {
	return {
		id: a.id,
		startsAt: a.startsAt,
		endsAt: a.endsAt,
		status: a.status,
		appointmentType: a.appointmentType.name,
		practitioner: a.practitioner.name,
		caseName: portalCaseName(a.case),
		reservationExpiresAt: a.reservationExpiresAt ?? null,
		reservationOutcome: a.reservationOutcome ?? null,
		isAwaitingAnswer:
			a.status === 'reserved' && !!a.reservationExpiresAt && a.reservationExpiresAt.getTime() > now.getTime()
	};
}

/** Upcoming appointments, and reservations waiting for an answer. */
export async function findPortalAppointments(em: Em, actor: Actor, now = new Date()) {
	const appointments = await em.find(
		Appointment,
		{ patient: me(actor).id, endsAt: { $gt: now }, status: { $in: ['booked', 'reserved', 'arrived'] } },
		{ populate: ['appointmentType', 'practitioner', 'case'], orderBy: { startsAt: 'asc' }, limit: 100 }
	);
	return appointments.map((a) => toPortalAppointment(a, now));
}

export async function getPortalReservation(em: Em, actor: Actor, appointmentId: string, now = new Date()) {
	const appointment = await em.findOne(
		Appointment,
		{ id: appointmentId, patient: me(actor).id, reservationExpiresAt: { $ne: null } },
		{ populate: ['appointmentType', 'practitioner', 'case'] }
	);
	if (!appointment) throw notFound('Reservation');
	return toPortalAppointment(appointment, now);
}

export async function answerPortalReservation(
	em: Em,
	actor: Actor,
	appointmentId: string,
	answer: 'confirm' | 'decline',
	now = new Date()
) {
	await answerReservation(em, actor, { appointmentId, patientId: me(actor).id, answer }, now);
	return getPortalReservation(em, actor, appointmentId, now);
}

const REQUEST_POPULATE = ['case', 'appointmentType', 'appointment', 'appointment.practitioner'] as const;

function toPortalRequest(r: AppointmentRequest): PortalRequest {
	return {
		id: r.id,
		status: r.status,
		createdAt: r.createdAt,
		caseName: portalCaseName(r.case),
		appointmentType: r.appointmentType.name,
		durationMinutes: r.durationMinutes,
		windows: r.windows.map((w) => ({ startsAt: new Date(w.startsAt), endsAt: new Date(w.endsAt) })),
		note: r.note ?? null,
		declineReason: r.declineReason ?? null,
		appointment: r.appointment
			? { startsAt: r.appointment.startsAt, practitioner: r.appointment.practitioner.name }
			: null
	};
}

export async function findPortalRequests(em: Em, actor: Actor): Promise<PortalRequest[]> {
	const requests = await em.find(
		AppointmentRequest,
		{ patient: me(actor).id },
		{ populate: REQUEST_POPULATE, orderBy: { createdAt: 'desc', id: 'desc' }, limit: 50 }
	);
	return requests.map(toPortalRequest);
}

const PG_UNIQUE_VIOLATION = '23505';

export async function requestAppointment(
	em: Em,
	actor: Actor,
	raw: RequestAppointmentInput,
	now = new Date()
): Promise<PortalRequest> {
	const input = requestAppointmentInput.parse(raw);
	const patientId = me(actor).id;
	const windowErrors: Record<string, string[]> = {};
	const latest = now.getTime() + MAX_REQUEST_DAYS_AHEAD * 86_400_000;
	input.windows.forEach((w, i) => {
		if (w.startsAt.getTime() <= now.getTime())
			windowErrors[`windows.${i}.startsAt`] = ['Choose a time in the future'];
		else if (w.startsAt.getTime() > latest)
			windowErrors[`windows.${i}.startsAt`] = [
				`Choose a time within the next ${MAX_REQUEST_DAYS_AHEAD} days`
			];
	});
	if (Object.keys(windowErrors).length)
		throw new AppError('BAD_REQUEST', 'Some preferred times need attention', { fieldErrors: windowErrors });

	const created = await em.transactional(async (tx) => {
		const caseRow = await tx.findOne(
			Case,
			{ id: input.caseId, patient: patientId, mergedInto: null, isTriageOnly: false },
			{ populate: ['template'] }
		);
		if (!caseRow) throw notFound('Case');
		if (caseRow.status !== 'open')
			throw new AppError('BAD_REQUEST', 'This case is closed. Please contact the clinic.', {
				fieldErrors: { caseId: ['This case is closed'] }
			});
		// Refused here, in the words the portal home shows, not found out by a scheduler at Approve.
		if (await isCaseFullFor(tx, caseRow)) throw caseFullError(caseRow, { audience: PATIENT_AUDIENCE });
		if (!caseRow.template?.allowsRequests)
			throw new AppError(
				'BAD_REQUEST',
				'Appointments for this case are booked by the clinic. Please contact them.',
				{
					fieldErrors: { caseId: ['This case does not take appointment requests'] }
				}
			);
		const offered = await tx.findOne(
			CaseTemplateRequestType,
			{ template: caseRow.template.id, appointmentType: input.appointmentTypeId },
			{ populate: ['appointmentType'] }
		);
		if (!offered || !offered.appointmentType.isActive)
			throw new AppError('BAD_REQUEST', 'Choose one of the appointment types offered for this case', {
				fieldErrors: { appointmentTypeId: ['Choose one of the appointment types offered for this case'] }
			});
		// One pending request per case and type: the partial unique index refuses a second (below).
		const request = tx.create(AppointmentRequest, {
			patient: tx.getReference(Patient, patientId),
			case: caseRow,
			appointmentType: offered.appointmentType,
			durationMinutes: offered.durationMinutes,
			windows: input.windows.map((w) => ({
				startsAt: w.startsAt.toISOString(),
				endsAt: w.endsAt.toISOString()
			})),
			note: input.note,
			status: 'pending',
			createdAt: now
		});
		try {
			await tx.flush();
		} catch (error) {
			// Two requests at once: the partial unique index lets one in.
			if ((error as { code?: string }).code === PG_UNIQUE_VIOLATION) throw duplicatePending();
			throw error;
		}
		recordAudit(tx, actor, {
			action: 'appointment-request.create',
			recordType: 'appointment_request',
			recordId: request.id,
			details: { caseId: caseRow.id, appointmentTypeId: input.appointmentTypeId }
		});
		await enqueue(tx, appointmentRequestNotifyJob, { requestId: request.id, event: 'created' });
		await publishEvent(tx, { type: 'appointment_request.created', requestId: request.id, patientId }, actor);
		return request;
	});
	await em.populate(created, REQUEST_POPULATE);
	return toPortalRequest(created);
}

function duplicatePending(): AppError {
	const message = 'You already have a request for this appointment type waiting on this case';
	return new AppError('CONFLICT', message, { fieldErrors: { appointmentTypeId: [message] } });
}

export async function withdrawRequest(em: Em, actor: Actor, id: string, now = new Date()) {
	const patientId = me(actor).id;
	return em.transactional(async (tx) => {
		const changed = await tx.nativeUpdate(
			AppointmentRequest,
			{ id, patient: patientId, status: 'pending' },
			{ status: 'withdrawn', decidedAt: now }
		);
		if (changed !== 1) {
			const current = await tx.findOne(AppointmentRequest, { id, patient: patientId });
			if (!current) throw notFound('Request');
			throw new AppError(
				'CONFLICT',
				current.status === 'approved'
					? 'The clinic has already booked this request. To change it, contact the clinic.'
					: 'This request is no longer waiting, so it cannot be withdrawn.'
			);
		}
		recordAudit(tx, actor, {
			action: 'appointment-request.withdraw',
			recordType: 'appointment_request',
			recordId: id
		});
		return { id, status: 'withdrawn' as const };
	});
}
