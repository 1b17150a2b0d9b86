// Patient communications' records: the clinic's reminder settings (one row, id 1), each
// appointment's scheduled reminders (one per appointment slot and reminder), and what patients
// reply by SMS.
import { defineEntity, p } from '@mikro-orm/postgresql';
import type { ReminderRule } from '../../schemas/reminders.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { User } from '../auth/user.entity.ts';
import { Patient } from '../patients/patient.entity.ts';

const ReminderSettingsSchema = defineEntity({
	name: 'ReminderSettings',
	tableName: 'reminder_settings',
	properties: {
		id: p.integer().primary().autoincrement(false),
		firstReminder: p.json<ReminderRule>().nullable(),
		secondReminder: p.json<ReminderRule>().nullable(),
		/** Minutes after local midnight; the window may span midnight (21:00–08:00). No SMS inside. */
		quietStartMinute: p.integer().nullable(),
		quietEndMinute: p.integer().nullable(),
		smsTemplate: p.text(),
		emailSubject: p.string().length(200),
		emailTemplate: p.text(),
		clinicPhone: p.string().length(40).nullable(),
		smsPerSecond: p.decimal('number').precision(6).scale(2).default(1),
		/** A patient's "N" cancels the appointment; otherwise it is flagged for a call. */
		allowCancelByReply: p.boolean().default(false),
		/** The shared SMS token bucket: the earliest instant the next SMS may leave (any worker). */
		smsNextAt: p.datetime().defaultRaw('now()').hidden(),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	},
	checks: [
		{ name: 'reminder_settings_one_row', expression: '(id = 1)' },
		{
			name: 'reminder_settings_rate',
			expression: '((sms_per_second > (0)::numeric) AND (sms_per_second <= (1000)::numeric))'
		}
	]
});
export class ReminderSettings extends ReminderSettingsSchema.class {}
ReminderSettingsSchema.setClass(ReminderSettings);
export { ReminderSettingsSchema };

export const SCHEDULED_REMINDER_STATUSES = ['scheduled', 'sent', 'skipped', 'retired'] as const;
export type ScheduledReminderStatus = (typeof SCHEDULED_REMINDER_STATUSES)[number];

const ScheduledReminderSchema = defineEntity({
	name: 'ScheduledReminder',
	tableName: 'scheduled_reminder',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		appointment: () => p.manyToOne(Appointment).deleteRule('cascade'),
		/** The first or second reminder of the clinic's settings. */
		which: p.smallint(),
		/** The appointment's start when this was scheduled: a move leaves it stale. */
		slot: p.datetime(),
		dueAt: p.datetime(),
		status: p.enum(SCHEDULED_REMINDER_STATUSES).default('scheduled'),
		/** Why it was skipped or retired, or which channels it went by. */
		outcome: p.text().nullable(),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date())
	},
	checks: [{ name: 'scheduled_reminder_which', expression: '(which = ANY (ARRAY[1, 2]))' }],
	indexes: [
		{
			// One reminder per appointment slot and reminder: a repeated booking event schedules nothing twice.
			name: 'scheduled_reminder_slot',
			expression:
				'create unique index "scheduled_reminder_slot" on "scheduled_reminder" ("appointment_id", "slot", "which")'
		},
		{
			// The reminders a move or cancellation retires.
			name: 'scheduled_reminder_live',
			expression: `create index "scheduled_reminder_live" on "scheduled_reminder" ("appointment_id") where "status" = 'scheduled'`
		}
	]
});
export class ScheduledReminder extends ScheduledReminderSchema.class {}
ScheduledReminderSchema.setClass(ScheduledReminder);
export { ScheduledReminderSchema };

export const PATIENT_REPLY_OUTCOMES = ['confirmed', 'cancelled', 'call_requested', 'other'] as const;
export type PatientReplyOutcome = (typeof PATIENT_REPLY_OUTCOMES)[number];

const PatientReplySchema = defineEntity({
	name: 'PatientReply',
	tableName: 'patient_reply',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		patient: () => p.manyToOne(Patient).deleteRule('cascade'),
		appointment: () => p.manyToOne(Appointment).nullable().deleteRule('set null'),
		fromNumber: p.string().length(32),
		body: p.text(),
		outcome: p.enum(PATIENT_REPLY_OUTCOMES),
		receivedAt: p.datetime(),
		handledAt: p.datetime().nullable(),
		handledBy: () => p.manyToOne(User).nullable().deleteRule('set null')
	},
	indexes: [
		{
			// The staff's "Patient replies" list: the unhandled ones, newest first.
			name: 'patient_reply_open',
			expression:
				'create index "patient_reply_open" on "patient_reply" ("received_at" desc) where "handled_at" is null'
		},
		{ name: 'patient_reply_patient', properties: ['patient'] }
	]
});
export class PatientReply extends PatientReplySchema.class {}
PatientReplySchema.setClass(PatientReply);
export { PatientReplySchema };
