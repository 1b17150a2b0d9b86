// The scheduler's side of portal requests (seed 001: "Schedulers are able to make adjustments to the
// appointment type, duration, and other appointment details before approving"): the queue, approve
// (books on the case, within its cap and the no-overlap constraint) and decline. Deciding is a
// conditional update on the pending state, so of two schedulers deciding at once exactly one wins.
import type { z } from 'zod';
import {
	approveRequestInput,
	declineRequestInput,
	findRequestsInput,
	type ApproveRequestInput,
	type RequestStatus
} from '../../schemas/portal.ts';
import { formatDateTime, formatWeekdayDateTime, type DateTimeFormat } from '../../format.ts';
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { bookOnCase } from '../appointments/appointments.service.ts';
import { reservationChannels } from '../appointments/reservations.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { loadVisibleCase } from '../cases/case-access.queries.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { AppError, notFound } from '../errors.ts';
import { enqueue } from '../jobs/boss.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import type { Patient } from '../patients/patient.entity.ts';
import { publishEvent } from '../events/domain-events.ts';
import { patientDisplayName } from '../patients/patient-name.rules.ts';
import { getClinicSettings } from '../settings/settings.service.ts';
import { appointmentRequestNotifyJob } from './appointment-request.jobs.ts';
import { AppointmentRequest } from './appointment-request.entity.ts';

export interface RequestView {
	id: string;
	status: RequestStatus;
	createdAt: Date;
	patient: { id: string; name: string; timeZone: string | null };
	case: { id: string; name: string; template: { id: string; name: string } | null };
	appointmentType: { id: string; name: string; durationMinutes: number };
	durationMinutes: number;
	windows: { startsAt: Date; endsAt: Date }[];
	note: string | null;
	decidedAt: Date | null;
	decidedBy: string | null;
	declineReason: string | null;
	appointment: { id: string; startsAt: Date; practitioner: string; status: AppointmentStatus } | null;
}

const POPULATE = [
	'patient',
	'case',
	'case.template',
	'appointmentType',
	'decidedBy',
	'appointment',
	'appointment.practitioner'
] as const;

export function toRequestView(r: AppointmentRequest): RequestView {
	const patient = r.patient as Patient;
	const appointment = r.appointment as Appointment | null;
	return {
		id: r.id,
		status: r.status,
		createdAt: r.createdAt,
		patient: { id: patient.id, name: patientDisplayName(patient), timeZone: patient.timeZone ?? null },
		case: {
			id: r.case.id,
			name: r.case.name,
			template: r.case.template ? { id: r.case.template.id, name: r.case.template.name } : null
		},
		appointmentType: {
			id: r.appointmentType.id,
			name: r.appointmentType.name,
			durationMinutes: r.appointmentType.durationMinutes
		},
		durationMinutes: r.durationMinutes,
		windows: r.windows.map((w) => ({ startsAt: new Date(w.startsAt), endsAt: new Date(w.endsAt) })),
		note: r.note ?? null,
		decidedAt: r.decidedAt ?? null,
		decidedBy: r.decidedBy?.name ?? null,
		declineReason: r.declineReason ?? null,
		appointment: appointment
			? {
					id: appointment.id,
					startsAt: appointment.startsAt,
					practitioner: appointment.practitioner.name,
					status: appointment.status
				}
			: null
	};
}

export async function findRequests(em: Em, _actor: Actor, raw: z.input<typeof findRequestsInput>) {
	const input = findRequestsInput.parse(raw);
	const where: Record<string, unknown> = {};
	if (input.status !== 'all') where.status = input.status;
	if (input.appointmentTypeId) where.appointmentType = input.appointmentTypeId;
	if (input.caseTemplateId) where.case = { template: input.caseTemplateId };
	if (input.search) {
		const like = `%${input.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
		// searchText holds "first preferred last email phones", so "Olivia Bennett" matches too.
		where.$or = [
			{ patient: { searchText: { $ilike: like.toLowerCase() } } },
			{ patient: { firstName: { $ilike: like } } },
			{ patient: { lastName: { $ilike: like } } },
			{ case: { name: { $ilike: like } } }
		];
	}
	const [items, total] = await em.findAndCount(AppointmentRequest, where, {
		populate: POPULATE,
		// Pending: the oldest waits longest; decided: the latest first.
		orderBy: input.status === 'pending' ? { createdAt: 'asc', id: 'asc' } : { createdAt: 'desc', id: 'desc' },
		limit: input.perPage,
		offset: (input.page - 1) * input.perPage
	});
	return {
		items: items.map(toRequestView),
		total,
		page: input.page,
		perPage: input.perPage,
		pageCount: Math.max(1, Math.ceil(total / input.perPage))
	};
}

export async function countPendingRequests(em: Em): Promise<number> {
	return em.count(AppointmentRequest, { status: 'pending' });
}

export async function getRequest(em: Em, actor: Actor, id: string): Promise<RequestView> {
	return em.transactional(async (tx) => {
		const request = await tx.findOne(AppointmentRequest, { id }, { populate: POPULATE });
		if (!request) throw notFound('Appointment request');
		recordAudit(tx, actor, {
			action: 'appointment-request.read',
			recordType: 'appointment_request',
			recordId: id
		});
		return toRequestView(request);
	});
}

async function alreadyHandled(tx: Em, id: string): Promise<AppError> {
	const current = await tx.findOne(AppointmentRequest, { id }, { refresh: true, populate: ['decidedBy'] });
	if (!current) return notFound('Appointment request');
	const by = current.decidedBy ? ` by ${current.decidedBy.name}` : '';
	const what =
		current.status === 'approved'
			? `already approved${by}`
			: current.status === 'declined'
				? `already declined${by}`
				: 'withdrawn by the patient';
	return new AppError('CONFLICT', `This request was ${what}. Nothing was changed.`, {
		details: { reason: 'already-handled', status: current.status }
	});
}

export async function approveRequest(
	em: Em,
	actor: Actor,
	raw: ApproveRequestInput,
	now = new Date()
): Promise<RequestView> {
	const input = approveRequestInput.parse(raw);
	if (input.startsAt.getTime() <= now.getTime())
		throw new AppError('BAD_REQUEST', 'Choose a time in the future', {
			fieldErrors: { startsAt: ['Choose a time in the future'] }
		});
	return em.transactional(async (tx) => {
		const request = await tx.findOne(AppointmentRequest, { id: input.id });
		if (!request) throw notFound('Appointment request');
		// The claim: the row stays locked until commit, so a second approver waits here and then
		// finds the request no longer pending. If booking fails below, the claim rolls back with it.
		const claimed = await tx.nativeUpdate(
			AppointmentRequest,
			{ id: input.id, status: 'pending' },
			{ status: 'approved', decidedAt: now, decidedBy: actor.user?.id ?? null }
		);
		if (claimed !== 1) throw await alreadyHandled(tx, input.id);
		const caseRow = await loadVisibleCase(tx, actor, request.case.id, { lock: true });
		const appointment = await bookOnCase(tx, actor, {
			caseRow,
			practitionerId: input.practitionerId,
			appointmentTypeId: input.appointmentTypeId,
			startsAt: input.startsAt,
			durationMinutes: input.durationMinutes,
			status: 'booked',
			notes: input.notes,
			details: { requestId: input.id }
		});
		await tx.nativeUpdate(AppointmentRequest, { id: input.id }, { appointment: appointment.id });
		recordAudit(tx, actor, {
			action: 'appointment-request.approve',
			recordType: 'appointment_request',
			recordId: input.id,
			details: {
				appointmentId: appointment.id,
				adjusted: {
					appointmentType: input.appointmentTypeId !== request.appointmentType.id,
					duration: input.durationMinutes !== request.durationMinutes
				}
			}
		});
		await enqueue(tx, appointmentRequestNotifyJob, { requestId: input.id, event: 'decided' });
		await publishEvent(
			tx,
			{
				type: 'appointment_request.decided',
				requestId: input.id,
				patientId: request.patient.id,
				decision: 'approved'
			},
			actor
		);
		const fresh = await tx.findOneOrFail(
			AppointmentRequest,
			{ id: input.id },
			{ populate: POPULATE, refresh: true }
		);
		return toRequestView(fresh);
	});
}

export async function declineRequest(
	em: Em,
	actor: Actor,
	raw: z.input<typeof declineRequestInput>,
	now = new Date()
): Promise<RequestView> {
	const input = declineRequestInput.parse(raw);
	return em.transactional(async (tx) => {
		const claimed = await tx.nativeUpdate(
			AppointmentRequest,
			{ id: input.id, status: 'pending' },
			{ status: 'declined', decidedAt: now, decidedBy: actor.user?.id ?? null, declineReason: input.reason }
		);
		if (claimed !== 1) throw await alreadyHandled(tx, input.id);
		recordAudit(tx, actor, {
			action: 'appointment-request.decline',
			recordType: 'appointment_request',
			recordId: input.id
		});
		await enqueue(tx, appointmentRequestNotifyJob, { requestId: input.id, event: 'decided' });
		const fresh = await tx.findOneOrFail(
			AppointmentRequest,
			{ id: input.id },
			{ populate: POPULATE, refresh: true }
		);
		await publishEvent(
			tx,
			{
				type: 'appointment_request.decided',
				requestId: input.id,
				patientId: fresh.patient.id,
				decision: 'declined'
			},
			actor
		);
		return toRequestView(fresh);
	});
}

function windowsText(request: RequestView, format: DateTimeFormat): string {
	return request.windows
		.map((w) => `- ${formatDateTime(w.startsAt, format)} to ${formatDateTime(w.endsAt, format)}`)
		.join('\n');
}

/**
 * The notify job: tells the schedulers (email) about a new request that is still pending, or the
 * patient about the outcome by their reminder preference (with "None", the portal only). Each
 * message has its own purpose key, so a retried job never sends twice.
 */
export async function notifyForRequest(
	em: Em,
	input: z.infer<typeof appointmentRequestNotifyJob.payload>
): Promise<number> {
	const config = getConfig();
	const settings = await getClinicSettings(em);
	return em.transactional(async (tx) => {
		const request = await tx.findOne(AppointmentRequest, { id: input.requestId }, { populate: POPULATE });
		if (!request) return 0;
		const view = toRequestView(request);
		let queued = 0;
		if (input.event === 'created') {
			if (request.status !== 'pending') return 0;
			const schedulers = await tx.find(User, {
				kind: 'staff',
				isActive: true,
				$or: [{ roles: { $contains: ['scheduler'] } }, { roles: { $contains: ['admin'] } }]
			});
			for (const user of schedulers) {
				const result = await queueNotification(tx, {
					channel: 'email',
					recipient: user.email,
					purpose: `appointment-request:${request.id}:created:${user.id}`,
					subject: `Appointment request from ${view.patient.name}: ${view.appointmentType.name}`,
					body: `${view.patient.name} asked for ${view.appointmentType.name} (${view.durationMinutes} min) on the case “${view.case.name}”.\n\nPreferred times (${config.CASEBOOK_TIME_ZONE}):\n${windowsText(view, { timeZone: config.CASEBOOK_TIME_ZONE, clock: settings.clock })}${view.note ? `\n\nNote: ${view.note}` : ''}\n\nReview it: ${config.ORIGIN}/requests/${request.id}`,
					related: { type: 'appointment_request', id: request.id }
				});
				if (result.isNew) queued += 1;
			}
			return queued;
		}
		if (request.status !== 'approved' && request.status !== 'declined') return 0;
		const patient = request.patient as Patient;
		if (patient.reminderType === 'None') return 0;
		// The patient's own zone, on the clinic's clock, with the weekday (as in the portal).
		const format = { timeZone: patient.timeZone || config.CASEBOOK_TIME_ZONE, clock: settings.clock };
		const first = patient.preferredFirstName || patient.firstName;
		const appointment = view.appointment;
		for (const { channel, recipient } of reservationChannels(patient)) {
			const approved = request.status === 'approved' && appointment;
			const text = approved
				? `${settings.clinicName}: your ${view.appointmentType.name} with ${appointment.practitioner} is booked for ${formatWeekdayDateTime(appointment.startsAt, format)}. See it in your portal: ${config.ORIGIN}/portal`
				: `${settings.clinicName}: we could not book the ${view.appointmentType.name} you asked for. ${view.declineReason ?? ''} See your portal: ${config.ORIGIN}/portal`;
			const result = await queueNotification(tx, {
				channel,
				recipient,
				purpose: `appointment-request:${request.id}:decided:${channel}`,
				subject:
					channel === 'email'
						? approved
							? `Your appointment is booked: ${formatWeekdayDateTime(appointment.startsAt, format)}`
							: `About your appointment request`
						: null,
				body: channel === 'email' ? `Hello ${first},\n\n${text}` : text,
				related: { type: 'appointment_request', id: request.id }
			});
			if (result.isNew) queued += 1;
		}
		return queued;
	});
}
