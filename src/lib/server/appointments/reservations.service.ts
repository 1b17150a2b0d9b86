// "Reserve and send link" (seed 002): a scheduler holds a slot for a patient on one of their cases
// (an appointment in status reserved, which the no-overlap constraint already protects) and the
// patient gets a link; in the portal they confirm it (booked) or decline it (released). A
// reservation not confirmed in time is released by the worker (a job sent for its expiry).
import { raw } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import {
	reserveAppointmentInput,
	reserveWithCaseInput,
	type ReserveAppointmentInput,
	type ReserveWithCaseInput
} from '../../schemas/portal.ts';
import { formatWeekdayDateTime } from '../../format.ts';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { reservationExpireJob } from '../appointment-requests/appointment-request.jobs.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { SYSTEM_ACTOR, type Actor } from '../auth/actor.ts';
import { assertCaseOpen, loadVisibleCase } from '../cases/case-access.queries.ts';
import { assertCaseHasRoom } from '../cases/case-usage.rules.ts';
import { createCaseIn } from '../cases/cases.service.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { AppError, notFound, type FieldErrors } from '../errors.ts';
import { enqueue } from '../jobs/boss.ts';
import { Patient } from '../patients/patient.entity.ts';
import { issuePortalLink, mobileOf } from '../portal/portal-auth.service.ts';
import { publishEvent } from '../events/domain-events.ts';
import { getClinicSettings } from '../settings/settings.service.ts';
import { Appointment } from './appointment.entity.ts';
import {
	addBodyPartsToCase,
	appointmentView,
	assertNoMatchingCase,
	bookOnCase,
	type AppointmentView
} from './appointments.service.ts';

/** Where a reservation link goes: the patient's reminder preference, else whatever they have. */
export function reservationChannels(patient: Patient): { channel: 'email' | 'sms'; recipient: string }[] {
	const email = patient.email ? { channel: 'email' as const, recipient: patient.email } : null;
	const mobile = mobileOf(patient);
	const sms = mobile ? { channel: 'sms' as const, recipient: mobile } : null;
	const preferred =
		patient.reminderType === 'SMS'
			? [sms]
			: patient.reminderType === 'Email'
				? [email]
				: patient.reminderType === 'SMS & Email'
					? [sms, email]
					: [];
	const chosen = preferred.filter((c) => c !== null);
	if (chosen.length) return chosen;
	// "None" (or a preferred channel they have no address for): the link must still reach them.
	return [email ?? sms].filter((c) => c !== null);
}

export async function reserveAppointment(
	em: Em,
	actor: Actor,
	raw: ReserveAppointmentInput,
	now = new Date()
): Promise<{ appointment: AppointmentView; sentTo: { channel: 'email' | 'sms'; recipient: string }[] }> {
	const input = reserveAppointmentInput.parse(raw);
	const settings = await getClinicSettings(em);
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.caseId, { lock: true });
		if (caseRow.patient?.id !== input.patientId)
			throw new AppError('BAD_REQUEST', 'This case belongs to another patient', {
				fieldErrors: { caseId: ['Choose a case of this patient'] }
			});
		// A closed or full case is refused first, in the words booking and the portal use (issue 18);
		// bookOnCase checks again under the same lock.
		assertCaseOpen(caseRow);
		await assertCaseHasRoom(tx, caseRow, { status: 'reserved' });
		await tx.populate(caseRow, ['patient']);
		const patient = caseRow.patient as Patient;
		const channels = reservationChannels(patient);
		if (!channels.length)
			throw new AppError(
				'BAD_REQUEST',
				'This patient has no email address or mobile number to send the link to',
				{
					fieldErrors: { patientId: ['Add an email address or mobile number to the patient first'] }
				}
			);
		if (input.startsAt.getTime() <= now.getTime())
			throw new AppError('BAD_REQUEST', 'Choose a time in the future', {
				fieldErrors: { startsAt: ['Choose a time in the future'] }
			});
		const expiresAt = new Date(now.getTime() + input.expiresInHours * 3_600_000);
		const type = await tx.findOne(AppointmentType, { id: input.appointmentTypeId });
		const appointment = await bookOnCase(tx, actor, {
			caseRow,
			practitionerId: input.practitionerId,
			appointmentTypeId: input.appointmentTypeId,
			startsAt: input.startsAt,
			durationMinutes: input.durationMinutes ?? type?.durationMinutes ?? 30,
			status: 'reserved',
			reservationExpiresAt: expiresAt,
			notes: input.notes
		});
		const view = await appointmentView(tx, actor, appointment);
		// The patient's own zone, on the clinic's clock, with the weekday (as in the portal).
		const format = { timeZone: patient.timeZone || getConfig().CASEBOOK_TIME_ZONE, clock: settings.clock };
		const when = formatWeekdayDateTime(view.startsAt, format);
		const until = formatWeekdayDateTime(expiresAt, format);
		for (const { channel, recipient } of channels) {
			await issuePortalLink(tx, {
				patient,
				channel,
				recipient,
				purpose: 'reservation',
				appointment,
				expiresAt,
				now,
				message: (url) => ({
					subject: `${settings.clinicName}: please confirm your appointment on ${when}`,
					body:
						channel === 'sms'
							? `${settings.clinicName} has reserved ${view.appointmentType.name} with ${view.practitioner.name} on ${when} for you. Confirm or decline by ${until}: ${url}`
							: `Hello ${patient.preferredFirstName || patient.firstName},\n\nWe have reserved an appointment for you:\n\n${view.appointmentType.name} with ${view.practitioner.name}\n${when}\n\nPlease confirm or decline it by ${until}; after that the time is released:\n\n${url}\n\n${settings.clinicName}`
				})
			});
		}
		await enqueue(tx, reservationExpireJob, { appointmentId: appointment.id }, { startAfter: expiresAt });
		return { appointment: view, sentTo: channels };
	});
}

/**
 * The booking guide's one screen (seed 002): the case and the reservation in one step. A new case
 * is created, or an open one gets the body parts the person added to it, and then the slot is
 * reserved by `reserveAppointment`, which joins this transaction (MikroORM nests it as a
 * savepoint): a slot that is taken, or a patient the link cannot reach, leaves no case behind.
 */
export async function reserveAppointmentWithCase(
	em: Em,
	actor: Actor,
	raw: ReserveWithCaseInput,
	now = new Date()
): Promise<Awaited<ReturnType<typeof reserveAppointment>>> {
	const { case: choice, ...slot } = reserveWithCaseInput.parse(raw);
	return em.transactional(async (tx) => {
		let caseId: string;
		if (choice.mode === 'existing') {
			if (choice.bodyPartIds.length) {
				const caseRow = await loadVisibleCase(tx, actor, choice.caseId, { lock: true });
				await addBodyPartsToCase(tx, actor, caseRow, choice.bodyPartIds);
				await tx.flush();
			}
			caseId = choice.caseId;
		} else {
			const patient = await tx.findOne(Patient, { id: slot.patientId, deletedAt: null });
			if (!patient)
				throw new AppError('NOT_FOUND', 'Patient not found', {
					fieldErrors: { patientId: ['Choose a patient'] }
				});
			if (patient.archivedAt)
				throw new AppError('BAD_REQUEST', 'This patient is archived: unarchive them to book', {
					fieldErrors: { patientId: ['This patient is archived: unarchive them to book'] }
				});
			if (!choice.isSeparateCaseConfirmed)
				await assertNoMatchingCase(tx, actor, patient.id, choice.case.bodyPartIds);
			const caseRow = await createCaseIn(
				tx,
				actor,
				{ ...choice.case, patientId: patient.id, appointmentIds: [] },
				now
			).catch((error: unknown) => {
				throw underNewCase(error);
			});
			caseId = caseRow.id;
		}
		return reserveAppointment(tx, actor, { ...slot, caseId }, now);
	});
}

/** The case service names its own fields (`templateId`); this form nests them as `case.case.templateId`. */
function underNewCase(error: unknown): unknown {
	if (!(error instanceof AppError) || !error.fieldErrors) return error;
	const fieldErrors: FieldErrors = {};
	for (const [key, messages] of Object.entries(error.fieldErrors))
		fieldErrors[key === 'patientId' ? key : `case.case.${key}`] = messages;
	return new AppError(error.code, error.message, {
		fieldErrors,
		details: error.details,
		retryAfter: error.retryAfter,
		cause: error
	});
}

/** Conditional updates bypass the unit of work: bump the version so stale staff edits still conflict. */
const bump = () => raw<number>('version + 1');

const REASONS = {
	declined: 'Declined by the patient in the portal',
	expired: 'Reservation expired: the patient did not confirm in time'
} as const;

/** The patient's answer to a reservation of theirs: exactly one answer wins. */
export async function answerReservation(
	em: Em,
	actor: Actor,
	input: { appointmentId: string; patientId: string; answer: 'confirm' | 'decline' },
	now = new Date()
): Promise<{ status: 'booked' | 'cancelled' }> {
	return em.transactional(async (tx) => {
		const live = { id: input.appointmentId, patient: input.patientId, status: 'reserved' as const };
		const changed =
			input.answer === 'confirm'
				? await tx.nativeUpdate(
						Appointment,
						{ ...live, reservationExpiresAt: { $gt: now } },
						{ status: 'booked', reservationOutcome: 'confirmed', reservationAnsweredAt: now, version: bump() }
					)
				: await tx.nativeUpdate(Appointment, live, {
						status: 'cancelled',
						cancelledAt: now,
						cancellationReason: REASONS.declined,
						reservationOutcome: 'declined',
						reservationAnsweredAt: now,
						version: bump()
					});
		if (changed !== 1) {
			const current = await tx.findOne(Appointment, { id: input.appointmentId, patient: input.patientId });
			if (!current || !current.reservationExpiresAt) throw notFound('Reservation');
			if (current.reservationOutcome === 'confirmed' || current.status === 'booked')
				throw new AppError('CONFLICT', 'You have already confirmed this appointment.');
			if (current.reservationOutcome === 'declined')
				throw new AppError(
					'CONFLICT',
					'You have already declined this appointment, and the time was released.'
				);
			throw new AppError(
				'CONFLICT',
				'This reservation has expired and the time was released. Please contact the clinic or request a new appointment.'
			);
		}
		recordAudit(tx, actor, {
			action:
				input.answer === 'confirm' ? 'appointment.reservation.confirm' : 'appointment.reservation.decline',
			recordType: 'appointment',
			recordId: input.appointmentId
		});
		await publishEvent(
			tx,
			{
				type: input.answer === 'confirm' ? 'appointment.booked' : 'appointment.cancelled',
				appointmentId: input.appointmentId,
				patientId: input.patientId
			},
			actor
		);
		return { status: input.answer === 'confirm' ? 'booked' : 'cancelled' };
	});
}

/**
 * The expiry job: releases the reservation if it is still unanswered and due. A job that arrives
 * early (a clock moved) sends itself again for the expiry time.
 */
export async function releaseExpiredReservation(
	em: Em,
	input: z.infer<typeof reservationExpireJob.payload>,
	now = new Date()
): Promise<'released' | 'answered' | 'rescheduled'> {
	return em.transactional(async (tx) => {
		const appointment = await tx.findOne(Appointment, { id: input.appointmentId });
		if (!appointment || appointment.status !== 'reserved' || !appointment.reservationExpiresAt)
			return 'answered';
		if (appointment.reservationExpiresAt.getTime() > now.getTime()) {
			await enqueue(tx, reservationExpireJob, input, { startAfter: appointment.reservationExpiresAt });
			return 'rescheduled';
		}
		const changed = await tx.nativeUpdate(
			Appointment,
			{ id: appointment.id, status: 'reserved' },
			{
				status: 'cancelled',
				cancelledAt: now,
				cancellationReason: REASONS.expired,
				reservationOutcome: 'expired',
				reservationAnsweredAt: now,
				version: bump()
			}
		);
		if (changed !== 1) return 'answered';
		recordAudit(tx, SYSTEM_ACTOR, {
			action: 'appointment.reservation.expire',
			recordType: 'appointment',
			recordId: appointment.id
		});
		return 'released';
	});
}
