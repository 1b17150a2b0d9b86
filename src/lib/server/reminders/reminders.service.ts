// Patient communications: confirmations of bookings, moves and cancellations; reminders by the
// patient's `reminder_type`; and patients' SMS replies. Appointments publish what happened
// (events/domain-events.ts) and app/wiring.ts calls `onAppointmentEvent` in that transaction: the
// confirmation job and the reminder jobs commit (or roll back) with the change itself.
//
// Never twice: every message has a purpose key naming the appointment, its slot (start time when
// scheduled) and which reminder and channel (`reminderPurpose`), so a retried or duplicated job
// finds its message already queued. Never stale: a reminder job re-reads its appointment and does
// nothing when the appointment moved (another slot), was cancelled, or the patient no longer wants
// (or may not get) reminders.
import { LockMode } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import {
	reminderSettingsInput,
	smsText,
	renderTemplate,
	type PlaceholderValues,
	type ReminderRule
} from '../../schemas/reminders.ts';
import { formatDate, formatTime, formatTimeRange, type Clock } from '../../format.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { recordAudit, changedFields } from '../audit/audit.service.ts';
import { SYSTEM_ACTOR, type Actor } from '../auth/actor.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError } from '../errors.ts';
import { publishEvent, type DomainEvent } from '../events/domain-events.ts';
import { enqueue } from '../jobs/boss.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import { Patient } from '../patients/patient.entity.ts';
import { patientDisplayName } from '../patients/patient-name.rules.ts';
import { User } from '../auth/user.entity.ts';
import { mobileOf } from '../portal/portal-auth.service.ts';
import { getClinicSettings } from '../settings/settings.service.ts';
import {
	PatientReply,
	ReminderSettings,
	ScheduledReminder,
	type PatientReplyOutcome
} from './reminder.entity.ts';
import { appointmentConfirmJob, reminderSendJob } from './reminders.jobs.ts';
import { afterQuietHours, calendarFile, reminderDueAt, type QuietHours } from './reminders.rules.ts';

export const REMINDER_PREFIX = 'appt-reminder:';
export const CONFIRM_PREFIX = 'appt-confirm:';

/** Statuses for which a booking is live and worth reminding of. */
const REMINDABLE = new Set(['booked']);

function slotKey(slot: Date): number {
	return Math.floor(slot.getTime() / 1000);
}

export function reminderPurpose(
	appointmentId: string,
	slot: Date,
	which: number,
	channel: 'sms' | 'email'
): string {
	return `${REMINDER_PREFIX}${appointmentId}:${slotKey(slot)}:r${which}:${channel}`;
}

export function parseReminderPurpose(
	purpose: string
): { appointmentId: string; slotKey: number; which: number; channel: 'sms' | 'email' } | null {
	const match = /^appt-reminder:(\d+):(\d+):r([12]):(sms|email)$/.exec(purpose);
	if (!match) return null;
	return {
		appointmentId: match[1]!,
		slotKey: Number(match[2]),
		which: Number(match[3]),
		channel: match[4] as 'sms' | 'email'
	};
}

export interface ReminderSettingsView {
	firstReminder: ReminderRule | null;
	secondReminder: ReminderRule | null;
	quietStartMinute: number | null;
	quietEndMinute: number | null;
	smsTemplate: string;
	emailSubject: string;
	emailTemplate: string;
	clinicPhone: string | null;
	smsPerSecond: number;
	allowCancelByReply: boolean;
	version: number;
}

function settingsView(s: ReminderSettings): ReminderSettingsView {
	return {
		firstReminder: s.firstReminder ?? null,
		secondReminder: s.secondReminder ?? null,
		quietStartMinute: s.quietStartMinute ?? null,
		quietEndMinute: s.quietEndMinute ?? null,
		smsTemplate: s.smsTemplate,
		emailSubject: s.emailSubject,
		emailTemplate: s.emailTemplate,
		clinicPhone: s.clinicPhone ?? null,
		smsPerSecond: Number(s.smsPerSecond),
		allowCancelByReply: s.allowCancelByReply,
		version: s.version
	};
}

export async function getReminderSettings(em: Em): Promise<ReminderSettingsView> {
	return settingsView(await em.findOneOrFail(ReminderSettings, { id: 1 }, { refresh: true }));
}

export async function updateReminderSettings(
	em: Em,
	actor: Actor,
	raw: z.input<typeof reminderSettingsInput>
): Promise<ReminderSettingsView> {
	const input = reminderSettingsInput.parse(raw);
	return em.transactional(async (tx) => {
		const settings = await tx.findOneOrFail(ReminderSettings, { id: 1 }, { refresh: true });
		assertVersion(settings, input.version, 'setting');
		const before = settingsView(settings);
		const { version: _version, ...values } = input;
		Object.assign(settings, values);
		await tx.flush();
		const after = settingsView(settings);
		recordAudit(tx, actor, {
			action: 'settings.communications.update',
			recordType: 'settings',
			recordId: 'communications',
			changedFields: changedFields(
				{ ...before, version: 0 } as unknown as Record<string, unknown>,
				{ ...after, version: 0 } as unknown as Record<string, unknown>
			)
		});
		return after;
	});
}

function patientTimeZone(patient: Patient): string {
	return patient.timeZone || getConfig().CASEBOOK_TIME_ZONE;
}

function quietOf(settings: ReminderSettingsView): QuietHours | null {
	return settings.quietStartMinute === null || settings.quietEndMinute === null
		? null
		: { startMinute: settings.quietStartMinute, endMinute: settings.quietEndMinute };
}

/** Whether this patient may get reminders at all (respect: archived, deleted, "None"). */
function reminderChannels(patient: Patient): ('sms' | 'email')[] {
	if (patient.archivedAt || patient.deletedAt) return [];
	const channels: ('sms' | 'email')[] = [];
	if ((patient.reminderType === 'SMS' || patient.reminderType === 'SMS & Email') && mobileOf(patient))
		channels.push('sms');
	if ((patient.reminderType === 'Email' || patient.reminderType === 'SMS & Email') && patient.email)
		channels.push('email');
	// An SMS patient without a mobile still hears by email when they have one.
	if (patient.reminderType === 'SMS' && !channels.length && patient.email) channels.push('email');
	return channels;
}

// ---------------------------------------------------------------------------------------------
// Reacting to appointments (called by app/wiring.ts inside the change's transaction)

export async function onAppointmentEvent(tx: Em, event: DomainEvent, now = new Date()): Promise<void> {
	if (
		event.type !== 'appointment.booked' &&
		event.type !== 'appointment.moved' &&
		event.type !== 'appointment.cancelled'
	)
		return;
	const appointment = await tx.findOneOrFail(
		Appointment,
		{ id: event.appointmentId },
		{ populate: ['patient'] }
	);
	const kind = event.type.slice('appointment.'.length) as 'booked' | 'moved' | 'cancelled';

	if (appointment.patient.receivesConfirmationEmails && appointment.patient.email)
		await enqueue(tx, appointmentConfirmJob, {
			appointmentId: appointment.id,
			event: kind,
			slot: appointment.startsAt.toISOString()
		});

	// Earlier reminders of this appointment are for a slot it no longer has (or for nothing).
	await tx.nativeUpdate(
		ScheduledReminder,
		{
			appointment: appointment.id,
			status: 'scheduled',
			...(kind === 'cancelled' ? {} : { slot: { $ne: appointment.startsAt } })
		},
		{ status: 'retired', outcome: kind === 'cancelled' ? 'appointment cancelled' : 'appointment moved' }
	);
	if (kind === 'moved' && appointment.confirmedByPatientAt)
		// A confirmation was for the old time; a plain update, so the mover's version stays valid.
		await tx.nativeUpdate(Appointment, { id: appointment.id }, { confirmedByPatientAt: null });
	if (kind === 'cancelled') return;
	await scheduleReminders(tx, appointment, now);
}

async function scheduleReminders(tx: Em, appointment: Appointment, now: Date): Promise<void> {
	if (!REMINDABLE.has(appointment.status)) return;
	if (!reminderChannels(appointment.patient).length) return;
	const settings = await getReminderSettings(tx);
	const timeZone = patientTimeZone(appointment.patient);
	const rules = [settings.firstReminder, settings.secondReminder];
	for (const [index, rule] of rules.entries()) {
		if (!rule) continue;
		const which = index + 1;
		const dueAt = reminderDueAt(rule, appointment.startsAt, timeZone);
		// Too late to remind (or due after the appointment has begun): nothing to schedule.
		if (dueAt.getTime() <= now.getTime() || dueAt.getTime() >= appointment.startsAt.getTime()) continue;
		const existing = await tx.findOne(ScheduledReminder, {
			appointment: appointment.id,
			slot: appointment.startsAt,
			which
		});
		if (existing) continue;
		const reminder = tx.create(ScheduledReminder, {
			appointment,
			which,
			slot: appointment.startsAt,
			dueAt
		});
		await tx.flush();
		await enqueue(tx, reminderSendJob, { scheduledReminderId: reminder.id }, { startAfter: dueAt });
	}
}

// ---------------------------------------------------------------------------------------------
// The worker's side

async function valuesFor(
	em: Em,
	appointment: Appointment,
	settings: ReminderSettingsView
): Promise<{ values: PlaceholderValues; timeZone: string; clock: Clock; clinicName: string }> {
	const clinic = await getClinicSettings(em);
	const timeZone = patientTimeZone(appointment.patient);
	const format = { timeZone, clock: clinic.clock };
	return {
		timeZone,
		clock: clinic.clock,
		clinicName: clinic.clinicName,
		values: {
			first_name: appointment.patient.preferredFirstName || appointment.patient.firstName,
			date: formatDate(appointment.startsAt, { timeZone, weekday: true }),
			time: formatTime(appointment.startsAt, format),
			practitioner: appointment.practitioner.name,
			clinic_name: clinic.clinicName,
			clinic_phone: settings.clinicPhone ?? '',
			portal_link: `${getConfig().ORIGIN}/portal/sign-in`
		}
	};
}

/** Sends (queues) the confirmation of a booking, move or cancellation. Safe to retry. */
export async function sendConfirmation(
	em: Em,
	data: z.output<typeof appointmentConfirmJob.payload>
): Promise<'queued' | 'stale' | 'not wanted'> {
	return em.transactional(async (tx) => {
		const appointment = await tx.findOne(
			Appointment,
			{ id: data.appointmentId },
			{ populate: ['patient', 'practitioner', 'appointmentType'], refresh: true }
		);
		if (!appointment) return 'stale';
		const patient = appointment.patient;
		if (!patient.receivesConfirmationEmails || !patient.email || patient.deletedAt) return 'not wanted';
		const slot = new Date(data.slot);
		// A later move has its own confirmation; a booking cancelled since is told by its cancellation.
		if (data.event !== 'cancelled') {
			if (appointment.status === 'cancelled' || appointment.startsAt.getTime() !== slot.getTime())
				return 'stale';
		}
		const settings = await getReminderSettings(tx);
		const { values, timeZone, clock, clinicName } = await valuesFor(tx, appointment, settings);
		const when = `${values.date}, ${formatTimeRange(appointment.startsAt, appointment.endsAt, { timeZone, clock })}`;
		const subject =
			data.event === 'booked'
				? `Appointment booked: ${values.date} at ${values.time}`
				: data.event === 'moved'
					? `Appointment moved: now ${values.date} at ${values.time}`
					: `Appointment cancelled: ${values.date} at ${values.time}`;
		const lead =
			data.event === 'booked'
				? 'your appointment is booked:'
				: data.event === 'moved'
					? 'your appointment has moved. It is now:'
					: 'your appointment has been cancelled:';
		const body = [
			`Hi ${values.first_name},`,
			'',
			`${lead}`,
			'',
			`${appointment.appointmentType.name} with ${values.practitioner}`,
			when,
			'',
			data.event === 'cancelled'
				? `To book again, call us${values.clinic_phone ? ` on ${values.clinic_phone}` : ''} or visit ${values.portal_link}.`
				: `A calendar entry is attached. To change it, call us${values.clinic_phone ? ` on ${values.clinic_phone}` : ''} or visit ${values.portal_link}.`,
			'',
			clinicName
		].join('\n');
		const ics = calendarFile({
			uid: `appointment-${appointment.id}@casebook`,
			// Seconds since the appointment was created: grows with every change, as calendars need.
			sequence: Math.max(0, Math.floor((Date.now() - appointment.createdAt.getTime()) / 1000)),
			startsAt: appointment.startsAt,
			endsAt: appointment.endsAt,
			summary: `${appointment.appointmentType.name} with ${values.practitioner}`,
			description: `${clinicName}${values.clinic_phone ? `, ${values.clinic_phone}` : ''}`,
			location: clinicName,
			organizerName: clinicName,
			cancelled: data.event === 'cancelled'
		});
		await queueNotification(tx, {
			channel: 'email',
			recipient: patient.email,
			purpose: `${CONFIRM_PREFIX}${appointment.id}:${data.event}:${slotKey(slot)}`,
			subject,
			body,
			attachments: [
				{
					filename: data.event === 'cancelled' ? 'cancelled.ics' : 'appointment.ics',
					contentType: `text/calendar; charset=utf-8; method=${data.event === 'cancelled' ? 'CANCEL' : 'REQUEST'}`,
					content: ics
				}
			],
			related: { type: 'appointment', id: appointment.id }
		});
		recordAudit(tx, SYSTEM_ACTOR, {
			action: 'appointment.confirmation_sent',
			recordType: 'appointment',
			recordId: appointment.id,
			details: { event: data.event, patientId: patient.id }
		});
		return 'queued';
	});
}

/**
 * The shared SMS token bucket: reserves the next send instant at the clinic's rate, no earlier
 * than `now`. One row, updated atomically (its row lock orders concurrent workers), so every worker
 * draws from the same bucket; the SMS's job starts at its instant. A bucket more than a day ahead
 * of `now` is a clock that jumped (or a test's injected time), not a backlog: it restarts at `now`.
 */
async function reserveSmsSlot(tx: Em, now: Date): Promise<Date> {
	const rows = await tx.execute<{ slot: Date | string }[]>(
		`update "reminder_settings"
		    set "sms_next_at" = (case when "sms_next_at" > ?::timestamptz + interval '1 day' then ?::timestamptz
		                              else greatest("sms_next_at", ?::timestamptz) end)
		                        + make_interval(secs => 1.0 / "sms_per_second")
		  where "id" = 1
		returning "sms_next_at" - make_interval(secs => 1.0 / "sms_per_second") as "slot"`,
		[now.toISOString(), now.toISOString(), now.toISOString()]
	);
	return new Date(rows[0]!.slot);
}

export type ReminderOutcome = 'sent' | 'held' | 'skipped' | 'stale' | 'done';

/** The worker: sends one scheduled reminder, or finds it stale / unwanted and records why. */
export async function sendReminder(
	em: Em,
	data: z.output<typeof reminderSendJob.payload>,
	now = new Date()
): Promise<ReminderOutcome> {
	return em.transactional(async (tx) => {
		const reminder = await tx.findOne(
			ScheduledReminder,
			{ id: data.scheduledReminderId },
			{ refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE }
		);
		if (!reminder || reminder.status !== 'scheduled') return 'done';
		const appointment = await tx.findOne(
			Appointment,
			{ id: reminder.appointment.id },
			{ populate: ['patient', 'practitioner'], refresh: true }
		);
		const skip = (status: 'skipped' | 'retired', outcome: string): ReminderOutcome => {
			reminder.status = status;
			reminder.outcome = outcome;
			return status === 'retired' ? 'stale' : 'skipped';
		};
		if (!appointment || appointment.startsAt.getTime() !== reminder.slot.getTime())
			return skip('retired', 'appointment moved');
		if (!REMINDABLE.has(appointment.status)) return skip('retired', `appointment ${appointment.status}`);
		const patient = appointment.patient;
		const channels = reminderChannels(patient);
		if (!channels.length)
			return skip(
				'skipped',
				patient.archivedAt || patient.deletedAt
					? 'patient archived'
					: patient.reminderType === 'None'
						? 'patient wants no reminders'
						: 'no address for the patient'
			);
		const settings = await getReminderSettings(tx);
		const { values, timeZone } = await valuesFor(tx, appointment, settings);
		// Quiet hours hold the SMS (not the email): this job runs again when they end, and the email
		// it queued now is then found already queued (same purpose).
		const quietEnd = afterQuietHours(now, quietOf(settings), timeZone);
		const held = channels.includes('sms') && quietEnd.getTime() > now.getTime();
		for (const channel of channels) {
			if (channel === 'sms') {
				if (held) continue;
				const sendAfter = await reserveSmsSlot(tx, now);
				await queueNotification(tx, {
					channel: 'sms',
					recipient: mobileOf(patient)!,
					purpose: reminderPurpose(appointment.id, reminder.slot, reminder.which, 'sms'),
					body: smsText(settings.smsTemplate, values),
					related: { type: 'appointment', id: appointment.id },
					...(sendAfter.getTime() > now.getTime() + 200 ? { sendAfter } : {})
				});
			} else {
				await queueReminderEmail(tx, appointment, reminder.slot, reminder.which, settings, values);
			}
		}
		if (held) {
			reminder.outcome = `SMS held for quiet hours until ${quietEnd.toISOString()}`;
			await enqueue(tx, reminderSendJob, { scheduledReminderId: reminder.id }, { startAfter: quietEnd });
			return 'held';
		}
		reminder.status = 'sent';
		reminder.outcome = channels.join(' & ');
		recordAudit(tx, SYSTEM_ACTOR, {
			action: 'appointment.reminder_sent',
			recordType: 'appointment',
			recordId: appointment.id,
			details: { which: reminder.which, channels, patientId: patient.id }
		});
		return 'sent';
	});
}

async function queueReminderEmail(
	tx: Em,
	appointment: Appointment,
	slot: Date,
	which: number,
	settings: ReminderSettingsView,
	values: PlaceholderValues
) {
	return queueNotification(tx, {
		channel: 'email',
		recipient: appointment.patient.email!,
		// The same key as the reminder's own email: a fallback never doubles it.
		purpose: reminderPurpose(appointment.id, slot, which, 'email'),
		subject: renderTemplate(settings.emailSubject, values),
		body: renderTemplate(settings.emailTemplate, values),
		related: { type: 'appointment', id: appointment.id }
	});
}

/**
 * A reminder SMS that failed for good goes to the patient by email, when they have one and the
 * appointment still stands at that time. Its purpose is the reminder's own email's, so a patient
 * who gets both channels never gets the email twice. Call inside a transaction.
 */
export async function fallBackReminderToEmail(tx: Em, notification: Notification): Promise<boolean> {
	if (notification.channel !== 'sms') return false;
	const key = parseReminderPurpose(notification.purpose);
	if (!key) return false;
	const appointment = await tx.findOne(
		Appointment,
		{ id: key.appointmentId },
		{ populate: ['patient', 'practitioner'], refresh: true }
	);
	if (!appointment || !REMINDABLE.has(appointment.status) || slotKey(appointment.startsAt) !== key.slotKey)
		return false;
	const patient = appointment.patient;
	if (!patient.email || patient.archivedAt || patient.deletedAt || patient.reminderType === 'None')
		return false;
	const settings = await getReminderSettings(tx);
	const { values } = await valuesFor(tx, appointment, settings);
	const { isNew } = await queueReminderEmail(
		tx,
		appointment,
		appointment.startsAt,
		key.which,
		settings,
		values
	);
	if (isNew)
		recordAudit(tx, SYSTEM_ACTOR, {
			action: 'appointment.reminder_fallback',
			recordType: 'appointment',
			recordId: appointment.id,
			details: { which: key.which, failedNotificationId: notification.id }
		});
	return isNew;
}

// ---------------------------------------------------------------------------------------------
// Replies

const YES = new Set(['Y', 'YES', 'YEP', 'YEAH', 'CONFIRM', 'C']);
const NO = new Set(['N', 'NO', 'NOPE', 'CANCEL']);

/**
 * An inbound SMS from a number that is not a team member's: if it is a patient's mobile, the reply
 * is about the appointment of the last reminder sent there. Returns the text to answer with, or
 * null when the number is no patient's (the caller answers as before).
 */
export async function handlePatientSms(
	em: Em,
	input: { from: string; body: string },
	now = new Date()
): Promise<string | null> {
	const from = input.from.trim();
	const body = input.body.trim().slice(0, 1600);
	const patients = await em.find(Patient, {
		phoneNumbers: { $contains: [{ number: from }] } as never,
		deletedAt: null
	});
	if (!patients.length) return null;
	const [reminder] = await em.find(
		Notification,
		{ recipient: from, channel: 'sms', purpose: { $like: `${REMINDER_PREFIX}%` } },
		{ orderBy: { createdAt: 'desc', id: 'desc' }, limit: 1 }
	);
	const key = reminder ? parseReminderPurpose(reminder.purpose) : null;
	const word = body.toUpperCase().replace(/[.!]+$/, '');
	return em.transactional(async (tx) => {
		const appointment = key
			? await tx.findOne(
					Appointment,
					{ id: key.appointmentId },
					{ populate: ['patient'], refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE }
				)
			: null;
		const patient =
			appointment && patients.some((p) => p.id === appointment.patient.id)
				? appointment.patient
				: patients[0]!;
		const live =
			appointment &&
			appointment.patient.id === patient.id &&
			REMINDABLE.has(appointment.status) &&
			appointment.startsAt.getTime() > now.getTime();
		const record = (outcome: PatientReplyOutcome) => {
			tx.create(PatientReply, {
				patient,
				appointment: appointment && appointment.patient.id === patient.id ? appointment : null,
				fromNumber: from,
				body,
				outcome,
				receivedAt: now,
				// Confirmations and cancellations are done; the rest need a person.
				handledAt: outcome === 'confirmed' || outcome === 'cancelled' ? now : null
			});
			recordAudit(tx, SYSTEM_ACTOR, {
				action: `appointment.patient_reply`,
				recordType: 'patient',
				recordId: patient.id,
				actorType: 'patient',
				actorId: patient.id,
				actorLabel: from,
				details: { outcome, appointmentId: appointment?.id ?? null }
			});
		};
		if (live && YES.has(word)) {
			await tx.nativeUpdate(Appointment, { id: appointment.id }, { confirmedByPatientAt: now });
			record('confirmed');
			return `Thank you, your appointment on ${formatDate(appointment.startsAt, { timeZone: patientTimeZone(patient), weekday: true })} is confirmed.`;
		}
		if (live && NO.has(word)) {
			const settings = await getReminderSettings(tx);
			if (settings.allowCancelByReply) {
				appointment.status = 'cancelled';
				appointment.cancelledAt = now;
				appointment.cancellationReason = 'Cancelled by the patient (SMS reply)';
				appointment.reservationExpiresAt = null;
				await tx.flush();
				recordAudit(tx, SYSTEM_ACTOR, {
					action: 'appointment.cancel',
					recordType: 'appointment',
					recordId: appointment.id,
					actorType: 'patient',
					actorId: patient.id,
					actorLabel: from,
					changedFields: ['status'],
					details: { reason: 'SMS reply N' }
				});
				await publishEvent(
					tx,
					{ type: 'appointment.cancelled', appointmentId: appointment.id, patientId: patient.id },
					{ ...SYSTEM_ACTOR }
				);
				record('cancelled');
				return 'Your appointment is cancelled. Call us to book another time.';
			}
			record('call_requested');
			return 'Thank you. The clinic will call you about your appointment.';
		}
		record('other');
		return 'Thank you, the clinic has your message.';
	});
}

// ---------------------------------------------------------------------------------------------
// Reads for pages

export interface ScheduledReminderView {
	id: string;
	which: number;
	dueAt: Date;
	status: string;
	outcome: string | null;
	messages: { channel: string; status: string; sentAt: Date | null; createdAt: Date }[];
}

/** An appointment's reminders (current slot first) and what became of their messages. */
export async function listScheduledReminders(
	em: Em,
	appointmentId: string
): Promise<ScheduledReminderView[]> {
	const reminders = await em.find(
		ScheduledReminder,
		{ appointment: appointmentId },
		{ orderBy: { slot: 'desc', which: 'asc', id: 'asc' } }
	);
	const notifications = await em.find(
		Notification,
		{ purpose: { $like: `${REMINDER_PREFIX}${appointmentId}:%` } },
		{ orderBy: { id: 'asc' } }
	);
	return reminders.map((r) => {
		const prefix = `${REMINDER_PREFIX}${appointmentId}:${slotKey(r.slot)}:r${r.which}:`;
		return {
			id: r.id,
			which: r.which,
			dueAt: r.dueAt,
			status: r.status,
			outcome: r.outcome ?? null,
			messages: notifications
				.filter((n) => n.purpose.startsWith(prefix))
				.map((n) => ({
					channel: n.channel,
					status: n.status,
					sentAt: n.sentAt ?? null,
					createdAt: n.createdAt
				}))
		};
	});
}

export interface CommunicationView {
	id: string;
	channel: string;
	recipient: string;
	subject: string | null;
	body: string;
	status: string;
	kind: 'reminder' | 'confirmation' | 'other';
	createdAt: Date;
	sentAt: Date | null;
}

/** Every message to a patient: to their email or any of their phone numbers, newest first. */
export async function listPatientCommunications(
	em: Em,
	patient: Pick<Patient, 'email' | 'phoneNumbers'>,
	limit = 100
): Promise<CommunicationView[]> {
	const addresses = [patient.email, ...(patient.phoneNumbers ?? []).map((n) => n.number)].filter(
		(a): a is string => !!a
	);
	if (!addresses.length) return [];
	const rows = await em.find(
		Notification,
		{ recipient: { $in: addresses } },
		{ orderBy: { createdAt: 'desc', id: 'desc' }, limit }
	);
	return rows.map((n) => ({
		id: n.id,
		channel: n.channel,
		recipient: n.recipient,
		subject: n.subject ?? null,
		body: n.body,
		status: n.status,
		kind: n.purpose.startsWith(REMINDER_PREFIX)
			? 'reminder'
			: n.purpose.startsWith(CONFIRM_PREFIX)
				? 'confirmation'
				: 'other',
		createdAt: n.createdAt,
		sentAt: n.sentAt ?? null
	}));
}

export interface PatientReplyView {
	id: string;
	patient: { id: string; name: string };
	appointment: { id: string; startsAt: Date } | null;
	fromNumber: string;
	body: string;
	outcome: PatientReplyOutcome;
	receivedAt: Date;
	handledAt: Date | null;
}

/** Replies that need a person (anything but Y, and N the clinic does not take as a cancel). */
export async function listPatientReplies(
	em: Em,
	options: { includeHandled?: boolean } = {}
): Promise<PatientReplyView[]> {
	const rows = await em.find(PatientReply, options.includeHandled ? {} : { handledAt: null }, {
		populate: ['patient', 'appointment'],
		orderBy: { receivedAt: 'desc', id: 'desc' },
		limit: 200
	});
	return rows.map((r) => ({
		id: r.id,
		patient: { id: r.patient.id, name: patientDisplayName(r.patient) },
		appointment: r.appointment ? { id: r.appointment.id, startsAt: r.appointment.startsAt } : null,
		fromNumber: r.fromNumber,
		body: r.body,
		outcome: r.outcome,
		receivedAt: r.receivedAt,
		handledAt: r.handledAt ?? null
	}));
}

export async function markReplyHandled(em: Em, actor: Actor, id: string, now = new Date()): Promise<void> {
	await em.transactional(async (tx) => {
		const reply = await tx.findOne(PatientReply, { id });
		if (!reply) throw new AppError('NOT_FOUND', 'This reply no longer exists.');
		if (reply.handledAt) return;
		reply.handledAt = now;
		reply.handledBy = tx.getReference(User, actor.user!.id);
		recordAudit(tx, actor, {
			action: 'patient_reply.handled',
			recordType: 'patient',
			recordId: reply.patient.id,
			details: { replyId: reply.id }
		});
	});
}

/** The preview's values: the next booked appointment, else a made-up one. */
export async function previewValues(
	em: Em
): Promise<{ values: PlaceholderValues; fromAppointment: boolean }> {
	const settings = await getReminderSettings(em);
	const [next] = await em.find(
		Appointment,
		{ status: 'booked', startsAt: { $gt: new Date() } },
		{ populate: ['patient', 'practitioner'], orderBy: { startsAt: 'asc' }, limit: 1 }
	);
	if (next) return { values: (await valuesFor(em, next, settings)).values, fromAppointment: true };
	const clinic = await getClinicSettings(em);
	return {
		fromAppointment: false,
		values: {
			first_name: 'Alex',
			date: 'Tue 8 Sep 2026',
			time: clinic.clock === '24h' ? '14:30' : '2:30 pm',
			practitioner: 'Dr Sam Lee',
			clinic_name: clinic.clinicName,
			clinic_phone: settings.clinicPhone ?? '',
			portal_link: `${getConfig().ORIGIN}/portal/sign-in`
		}
	};
}

/** A patient's communication history, for the patient page (the read is audited). */
export async function getPatientCommunications(
	em: Em,
	actor: Actor,
	patientId: string
): Promise<CommunicationView[]> {
	const patient = await em.findOne(Patient, { id: patientId });
	if (!patient) throw new AppError('NOT_FOUND', 'Patient not found.');
	await em.transactional(async (tx) => {
		recordAudit(tx, actor, {
			action: 'patient.communications.read',
			recordType: 'patient',
			recordId: patient.id
		});
	});
	return listPatientCommunications(em, patient);
}
