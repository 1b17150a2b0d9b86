// Patient communications (issue 20), end to end below the browser: staff book, move and cancel
// through the app router; the listener enqueues confirmations and reminders in that transaction;
// the jobs' handlers run here as the worker runs them, and the messages leave through the real
// Nodemailer (to the SMTP catcher) and the real twilio SDK (to the stand-in). Time is injected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appointment } from '../appointments/appointment.entity.ts';
import { onSmsFailed } from '../app/jobs.ts';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { sendNotification } from '../notifications/notifications.service.ts';
import { Patient } from '../patients/patient.entity.ts';
import { answerInboundSms } from '../app/inbound-sms.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, standinTransports, type TestDb } from '../testing/harness.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../testing/smtp-catcher.ts';
import { startTwilioStandin, type TwilioStandin } from '../testing/twilio-standin.ts';
import type { Transports } from '../notifications/transports.ts';
import { getConfig } from '../config.ts';
import { PatientReply, ScheduledReminder } from './reminder.entity.ts';
import { afterQuietHours, reminderDueAt } from './reminders.rules.ts';
import { addDays, zonedToInstant } from '../../time.ts';
import {
	getReminderSettings,
	listPatientCommunications,
	listScheduledReminders,
	reminderPurpose,
	sendConfirmation,
	sendReminder,
	updateReminderSettings
} from './reminders.service.ts';
import { actorFor } from '../testing/factories.ts';

let db: TestDb;
let smtp: SmtpCatcher;
let sms: TwilioStandin;
let clinic: Clinic;
let transports: Transports;
const timeZone = () => getConfig().CASEBOOK_TIME_ZONE;

const FIRST = { kind: 'days_before' as const, days: 1, hour: 9 };
const SECOND = { kind: 'hours_before' as const, hours: 2 };
const QUIET = { startMinute: 21 * 60, endMinute: 8 * 60 };

beforeAll(async () => {
	[db, smtp, sms] = await Promise.all([openTestDb(), startSmtpCatcher(), startTwilioStandin()]);
	clinic = await createClinic(db.em());
	transports = standinTransports({ smtp, twilio: sms });
	await setSettings({});
});
afterAll(async () => {
	transports?.close();
	await Promise.all([db?.close(), smtp?.close(), sms?.close()]);
});

async function setSettings(change: { allowCancelByReply?: boolean }) {
	const current = await getReminderSettings(db.em());
	await updateReminderSettings(db.em(), actorFor(clinic.admin), {
		...current,
		firstReminder: FIRST,
		secondReminder: SECOND,
		quietStartMinute: QUIET.startMinute,
		quietEndMinute: QUIET.endMinute,
		smsTemplate: 'Hi {first_name}, see you {date} at {time} with {practitioner}.',
		emailSubject: 'Reminder: {date}',
		emailTemplate: 'Hi {first_name}, your appointment is on {date} at {time} at {clinic_name}.',
		clinicPhone: '02 9999 0000',
		smsPerSecond: 1000,
		allowCancelByReply: change.allowCancelByReply ?? current.allowCancelByReply
	});
}

let mobiles = 0;
function uniqueMobile(): string {
	mobiles += 1;
	return `+614${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${String(mobiles).padStart(4, '0')}`;
}

async function patientWith(
	reminderType: Patient['reminderType'],
	contact: { email?: boolean; mobile?: boolean } = {}
) {
	const suffix = uniqueSuffix();
	return createPatient(db.em(), 'Reminded', {
		email: contact.email === false ? null : `patient-${suffix}@example.test`,
		mobile: contact.mobile === false ? null : uniqueMobile(),
		reminderType
	});
}

const staff = () => callerFor(db.em(), clinic.scheduler);

// 14:00 on a day of its own, in the clinic's zone: both reminders (9:00 the day before, 12:00 on
// the day) fall outside quiet hours. The practitioner is this file's own, so days never collide.
let days = 0;
const firstDay = `${2032 + Math.floor(Math.random() * 20)}-03-01`;
function daySlot(): Date {
	days += 1;
	return zonedToInstant(`${addDays(firstDay, days)}T14:00`, timeZone());
}

async function book(patient: Patient, startsAt = daySlot()) {
	const { appointment } = await staff().appointments.create({
		patientId: patient.id,
		practitionerId: clinic.physio.id,
		appointmentTypeId: clinic.consult.id,
		startsAt,
		case: { mode: 'none' }
	});
	return appointment;
}

interface QueuedJob<T> {
	data: T;
	startAfter: Date;
}

async function jobs<T>(name: string, field: string, value: string): Promise<QueuedJob<T>[]> {
	const rows = await db
		.em()
		.getConnection()
		.execute<{ data: T; start_after: Date }[]>(
			`select data, start_after from ${db.bossSchema}.job where name = ? and data->>? = ? order by created_on, id`,
			[name, field, value]
		);
	return rows.map((r) => ({ data: r.data, startAfter: new Date(r.start_after) }));
}

async function confirmationsFor(appointmentId: string) {
	return jobs<{ appointmentId: string; event: 'booked' | 'moved' | 'cancelled'; slot: string }>(
		'appointment.confirm',
		'appointmentId',
		appointmentId
	);
}

async function remindersOf(appointmentId: string) {
	return db.em().find(ScheduledReminder, { appointment: appointmentId }, { orderBy: { id: 'asc' } });
}

/** Runs every queued-but-unsent notification with this purpose prefix, as the worker would. */
async function deliver(purposePrefix: string) {
	const pending = await db
		.em()
		.find(Notification, { purpose: { $like: `${purposePrefix}%` }, status: 'queued' });
	for (const n of pending)
		await sendNotification(db.em(), { notificationId: n.id, transports, isLastAttempt: false, onSmsFailed });
	return pending.length;
}

async function runReminder(reminder: ScheduledReminder, now = reminder.dueAt) {
	return sendReminder(db.em(), { scheduledReminderId: reminder.id }, now);
}

describe('confirmations', () => {
	it('email the patient on booking, move and cancellation, with a calendar file', async () => {
		const patient = await patientWith('Email');
		const appointment = await book(patient);
		const moved = await staff().appointments.reschedule({
			id: appointment.id,
			version: appointment.version,
			startsAt: nextSlot(),
			durationMinutes: 30
		});
		await staff().appointments.cancel({ id: appointment.id, version: moved.appointment.version });

		const queued = await confirmationsFor(appointment.id);
		expect(queued.map((j) => j.data.event)).toEqual(['booked', 'moved', 'cancelled']);
		// The booking's own confirmation is stale once moved; the move's once cancelled. Each change
		// is told, in the end, by the one that still holds: here the cancellation.
		const outcomes = [];
		for (const job of queued) outcomes.push(await sendConfirmation(db.em(), job.data));
		expect(outcomes).toEqual(['stale', 'stale', 'queued']);
		await deliver(`appt-confirm:${appointment.id}:`);
		const mail = await smtp.waitFor((m) => m.to.includes(patient.email!) && /cancelled/i.test(m.subject));
		const ics = mail.parsed.attachments.find((a) => a.filename === 'cancelled.ics');
		expect(ics).toBeDefined();
		const text = typeof ics!.content === 'string' ? ics!.content : new TextDecoder().decode(ics!.content);
		expect(text).toContain('METHOD:CANCEL');
		expect(text).toContain(`UID:appointment-${appointment.id}@casebook`);
	});

	it('send the booking and the move each with an .ics when each is current when the worker runs', async () => {
		const patient = await patientWith('Email');
		const appointment = await book(patient);
		const [booked] = await confirmationsFor(appointment.id);
		expect(await sendConfirmation(db.em(), booked!.data)).toBe('queued');
		const newStart = nextSlot();
		await staff().appointments.reschedule({
			id: appointment.id,
			version: appointment.version,
			startsAt: newStart,
			durationMinutes: 45
		});
		const [, moved] = await confirmationsFor(appointment.id);
		expect(await sendConfirmation(db.em(), moved!.data)).toBe('queued');
		// A retried job sends nothing more.
		expect(await sendConfirmation(db.em(), moved!.data)).toBe('queued');
		expect(await deliver(`appt-confirm:${appointment.id}:`)).toBe(2);
		const mails = smtp.messages.filter((m) => m.to.includes(patient.email!));
		expect(mails.map((m) => m.subject)).toEqual([
			expect.stringMatching(/^Appointment booked/),
			expect.stringMatching(/^Appointment moved/)
		]);
		for (const mail of mails) {
			const ics = mail.parsed.attachments.find((a) => a.filename === 'appointment.ics');
			const text = typeof ics!.content === 'string' ? ics!.content : new TextDecoder().decode(ics!.content);
			expect(text).toContain('METHOD:REQUEST');
			expect(text).toContain('BEGIN:VEVENT');
		}
		const movedIcs = mails[1]!.parsed.attachments[0]!;
		const movedText =
			typeof movedIcs.content === 'string' ? movedIcs.content : new TextDecoder().decode(movedIcs.content);
		expect(movedText).toContain(`DTSTART:${newStart.toISOString().replace(/[-:]/g, '').replace('.000', '')}`);
	});

	it('are not sent to a patient who does not receive confirmation emails', async () => {
		const patient = await patientWith('Email');
		await db.em().nativeUpdate(Patient, { id: patient.id }, { receivesConfirmationEmails: false });
		const appointment = await book(patient);
		expect(await confirmationsFor(appointment.id)).toEqual([]);
	});
});

describe('reminders', () => {
	it('are scheduled at the configured times, by the patient’s reminder type', async () => {
		const slot = nextSlot();
		const patient = await patientWith('SMS & Email');
		const appointment = await book(patient, slot);
		const reminders = await remindersOf(appointment.id);
		expect(reminders.map((r) => [r.which, r.dueAt.toISOString()])).toEqual([
			[1, reminderDueAt(FIRST, slot, timeZone()).toISOString()],
			[2, new Date(slot.getTime() - 2 * 3_600_000).toISOString()]
		]);
		const queued = await jobs<{ scheduledReminderId: string }>(
			'reminder.send',
			'scheduledReminderId',
			reminders[0]!.id
		);
		expect(queued.map((j) => j.startAfter.toISOString())).toEqual([reminders[0]!.dueAt.toISOString()]);
	});

	it('go by SMS, by email, by both, or not at all, as the patient chose', async () => {
		const cases = [
			['SMS', ['sms']],
			['Email', ['email']],
			['SMS & Email', ['email', 'sms']],
			['None', []]
		] as const;
		for (const [type, channels] of cases) {
			const patient = await patientWith(type);
			const appointment = await book(patient);
			const reminders = await remindersOf(appointment.id);
			if (type === 'None') {
				expect(reminders).toEqual([]);
				continue;
			}
			// Run at a daytime due time, so quiet hours keep nothing back.
			expect(await runReminder(reminders[1]!, new Date(reminders[1]!.dueAt))).toBe('sent');
			const sent = await db.em().find(Notification, {
				purpose: { $like: `appt-reminder:${appointment.id}:%` }
			});
			expect(sent.map((n) => n.channel).sort()).toEqual(channels);
			await deliver(`appt-reminder:${appointment.id}:`);
			if (channels.includes('sms' as never)) {
				const text = await sms.waitFor((m) => m.to === patient.phoneNumbers[0]!.number);
				expect(text.body).toMatch(/^Hi Jo, see you .* with Physio .*Reply Y to confirm, N to cancel$/);
			}
			if (channels.includes('email' as never)) {
				const mail = await smtp.waitFor((m) => m.to.includes(patient.email!));
				expect(mail.subject).toMatch(/^Reminder: /);
			}
			// A duplicated job sends nothing more.
			expect(await runReminder(reminders[1]!)).toBe('done');
		}
	});

	it('hold an SMS due in quiet hours until they end; the email goes at once', async () => {
		const patient = await patientWith('SMS & Email');
		const appointment = await book(patient);
		const [reminder] = await remindersOf(appointment.id);
		// 23:00 in the clinic's zone on the day before the appointment (the reminder is due at 9:00).
		const quietNow = new Date(reminder!.dueAt.getTime() + 14 * 3_600_000);
		const quietEnd = afterQuietHours(quietNow, QUIET, timeZone());
		expect(quietEnd.getTime() - quietNow.getTime()).toBe(9 * 3_600_000);
		expect(await runReminder(reminder!, quietNow)).toBe('held');
		const queued = async () =>
			(await db.em().find(Notification, { purpose: { $like: `appt-reminder:${appointment.id}:%` } }))
				.map((n) => n.channel)
				.sort();
		expect(await queued()).toEqual(['email']);
		const again = await jobs<{ scheduledReminderId: string }>(
			'reminder.send',
			'scheduledReminderId',
			reminder!.id
		);
		expect(again.map((j) => j.startAfter.toISOString())).toEqual([
			reminder!.dueAt.toISOString(),
			quietEnd.toISOString()
		]);
		expect(await runReminder(reminder!, quietEnd)).toBe('sent');
		expect(await queued()).toEqual(['email', 'sms']);
	});

	it('a move retires the old reminders and schedules new ones; the old job then sends nothing', async () => {
		const patient = await patientWith('SMS');
		const appointment = await book(patient);
		const before = await remindersOf(appointment.id);
		const newStart = nextSlot();
		await staff().appointments.reschedule({
			id: appointment.id,
			version: appointment.version,
			startsAt: newStart,
			durationMinutes: 30
		});
		const after = await remindersOf(appointment.id);
		expect(after.filter((r) => r.status === 'retired').map((r) => r.id)).toEqual(before.map((r) => r.id));
		const live = after.filter((r) => r.status === 'scheduled');
		expect(live.map((r) => r.slot.toISOString())).toEqual([newStart.toISOString(), newStart.toISOString()]);
		expect(await runReminder(before[0]!)).toBe('done');
		const view = await listScheduledReminders(db.em(), appointment.id);
		expect(view.filter((r) => r.status === 'scheduled')).toHaveLength(2);
	});

	it('a failed SMS falls back to email when the patient has one', async () => {
		const patient = await patientWith('SMS');
		const mobile = patient.phoneNumbers[0]!.number;
		sms.failNumber(mobile, 21211, 400, 'Invalid To number');
		const appointment = await book(patient);
		const [, reminder] = await remindersOf(appointment.id);
		expect(await runReminder(reminder!)).toBe('sent');
		await deliver(`appt-reminder:${appointment.id}:`);
		const smsRow = await db
			.em()
			.findOneOrFail(Notification, { purpose: reminderPurpose(appointment.id, reminder!.slot, 2, 'sms') });
		expect(smsRow.status).toBe('failed');
		await deliver(`appt-reminder:${appointment.id}:`);
		const mail = await smtp.waitFor((m) => m.to.includes(patient.email!));
		expect(mail.subject).toMatch(/^Reminder: /);
		expect(
			await db.em().count(AuditEvent, { action: 'appointment.reminder_fallback', recordId: appointment.id })
		).toBe(1);
	});

	it('an archived patient and a cancelled appointment get nothing', async () => {
		const archived = await patientWith('SMS & Email');
		const a = await book(archived);
		await db.em().nativeUpdate(Patient, { id: archived.id }, { archivedAt: new Date() });
		const [ra] = await remindersOf(a.id);
		expect(await runReminder(ra!)).toBe('skipped');

		const patient = await patientWith('SMS & Email');
		const b = await book(patient);
		const [rb] = await remindersOf(b.id);
		const current = await db.em().findOneOrFail(Appointment, { id: b.id });
		await staff().appointments.cancel({ id: b.id, version: current.version });
		expect((await remindersOf(b.id)).map((r) => r.status)).toEqual(['retired', 'retired']);
		expect(await runReminder(rb!)).toBe('done');
		expect(await db.em().count(Notification, { purpose: { $like: `appt-reminder:${a.id}:%` } })).toBe(0);
		expect(await db.em().count(Notification, { purpose: { $like: `appt-reminder:${b.id}:%` } })).toBe(0);
	});
});

describe('replies', () => {
	async function remindedBySms() {
		const patient = await patientWith('SMS');
		const appointment = await book(patient);
		const [, reminder] = await remindersOf(appointment.id);
		expect(await runReminder(reminder!)).toBe('sent');
		return { patient, appointment, mobile: patient.phoneNumbers[0]!.number };
	}
	const reply = (from: string, body: string) => answerInboundSms(db.em(), { From: from, Body: body });

	it('Y confirms the appointment', async () => {
		const { appointment, mobile } = await remindedBySms();
		expect(await reply(mobile, 'y')).toMatch(/confirmed/);
		const row = await db.em().findOneOrFail(Appointment, { id: appointment.id });
		expect(row.confirmedByPatientAt).toBeInstanceOf(Date);
		const view = await staff().appointments.get({ id: appointment.id });
		expect(view.confirmedByPatientAt).toBeInstanceOf(Date);
	});

	it('N flags the appointment for a call when the clinic does not take cancellations by SMS', async () => {
		await setSettings({ allowCancelByReply: false });
		const { appointment, mobile } = await remindedBySms();
		expect(await reply(mobile, 'N')).toMatch(/call you/);
		expect((await db.em().findOneOrFail(Appointment, { id: appointment.id })).status).toBe('booked');
		const replies = await staff().reminders.replies();
		expect(replies.find((r) => r.appointment?.id === appointment.id)?.outcome).toBe('call_requested');
	});

	it('N cancels the appointment when the clinic allows it, and retires its reminders', async () => {
		await setSettings({ allowCancelByReply: true });
		const { appointment, mobile } = await remindedBySms();
		expect(await reply(mobile, 'no')).toMatch(/cancelled/);
		expect((await db.em().findOneOrFail(Appointment, { id: appointment.id })).status).toBe('cancelled');
		expect((await remindersOf(appointment.id)).filter((r) => r.status === 'scheduled')).toEqual([]);
		await setSettings({ allowCancelByReply: false });
	});

	it('anything else lands in the patient replies list, until someone handles it', async () => {
		const { patient, mobile } = await remindedBySms();
		await reply(mobile, 'Can I come at 3 instead?');
		const listed = (await staff().reminders.replies()).find((r) => r.patient.id === patient.id);
		expect(listed).toMatchObject({ outcome: 'other', body: 'Can I come at 3 instead?' });
		await staff().reminders.markReplyHandled({ id: listed!.id });
		expect((await staff().reminders.replies()).find((r) => r.patient.id === patient.id)).toBeUndefined();
		expect(await db.em().count(PatientReply, { patient: patient.id })).toBe(1);
	});

	it('a team member’s number still goes to case acknowledgement, an unknown one is told so', async () => {
		expect(await reply('+61400000001', 'Y')).toMatch(/not registered/);
	});
});

describe('communication history', () => {
	it('lists every message to the patient, newest first', async () => {
		const patient = await patientWith('SMS & Email');
		const appointment = await book(patient);
		const [, reminder] = await remindersOf(appointment.id);
		await runReminder(reminder!);
		const [booked] = await confirmationsFor(appointment.id);
		await sendConfirmation(db.em(), booked!.data);
		const history = await listPatientCommunications(db.em(), patient);
		expect(history.map((h) => h.kind).sort()).toEqual(['confirmation', 'reminder', 'reminder']);
		const viaRouter = await staff().reminders.forPatient({ patientId: patient.id });
		expect(viaRouter).toHaveLength(3);
	});
});
