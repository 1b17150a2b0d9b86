import { Migration } from '@mikro-orm/migrations';

// Patient communications (issue 20): the clinic's reminder settings (one row), each appointment's
// scheduled reminders, patients' SMS replies, an appointment's confirmation by the patient, and
// email attachments (a confirmation's .ics) on notifications. The SMS send rate is shared by every
// worker through one row (`next_at`: the earliest instant the next SMS may leave).
export class Migration20261202120100_patient_communications extends Migration {
	override name = 'Migration20261202120100_patient_communications';

	override up(): void | Promise<void> {
		this.addSql(`alter table "appointment" add column "confirmed_by_patient_at" timestamptz null;`);
		this.addSql(`alter table "notification" add column "attachments" jsonb null;`);
		this.addSql(`create table "reminder_settings" (
			"id" int not null primary key,
			"first_reminder" jsonb null,
			"second_reminder" jsonb null,
			"quiet_start_minute" int null,
			"quiet_end_minute" int null,
			"sms_template" text not null,
			"email_subject" varchar(200) not null,
			"email_template" text not null,
			"clinic_phone" varchar(40) null,
			"sms_per_second" numeric(6,2) not null default 1,
			"allow_cancel_by_reply" boolean not null default false,
			"sms_next_at" timestamptz not null default now(),
			"updated_at" timestamptz not null,
			"version" int not null default 1,
			constraint "reminder_settings_one_row" check ("id" = 1),
			constraint "reminder_settings_rate" check ("sms_per_second" > 0 and "sms_per_second" <= 1000)
		);`);
		this
			.addSql(`insert into "reminder_settings" ("id", "first_reminder", "quiet_start_minute", "quiet_end_minute",
			"sms_template", "email_subject", "email_template", "updated_at") values (1,
			'{"kind":"days_before","days":1,"hour":9}', 1260, 480,
			'Hi {first_name}, a reminder of your appointment with {practitioner} at {clinic_name} on {date} at {time}.',
			'Your appointment on {date}',
			E'Hi {first_name},\\n\\nThis is a reminder of your appointment with {practitioner} at {clinic_name} on {date} at {time}.\\n\\nIf you need to change it, call us on {clinic_phone} or visit {portal_link}.',
			now());`);
		this.addSql(`create table "scheduled_reminder" (
			"id" bigserial primary key,
			"appointment_id" bigint not null references "appointment" ("id") on delete cascade,
			"which" smallint not null,
			"slot" timestamptz not null,
			"due_at" timestamptz not null,
			"status" varchar(20) not null default 'scheduled',
			"outcome" text null,
			"created_at" timestamptz not null,
			"updated_at" timestamptz not null,
			constraint "scheduled_reminder_which" check ("which" in (1, 2))
		);`);
		this.addSql(
			`create unique index "scheduled_reminder_slot" on "scheduled_reminder" ("appointment_id", "slot", "which");`
		);
		this.addSql(
			`create index "scheduled_reminder_live" on "scheduled_reminder" ("appointment_id") where "status" = 'scheduled';`
		);
		this.addSql(`create table "patient_reply" (
			"id" bigserial primary key,
			"patient_id" bigint not null references "patient" ("id") on delete cascade,
			"appointment_id" bigint null references "appointment" ("id") on delete set null,
			"from_number" varchar(32) not null,
			"body" text not null,
			"outcome" varchar(20) not null,
			"received_at" timestamptz not null,
			"handled_at" timestamptz null,
			"handled_by_id" bigint null references "app_user" ("id") on delete set null
		);`);
		this.addSql(
			`create index "patient_reply_open" on "patient_reply" ("received_at" desc) where "handled_at" is null;`
		);
		this.addSql(`create index "patient_reply_patient" on "patient_reply" ("patient_id");`);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "patient_reply";`);
		this.addSql(`drop table if exists "scheduled_reminder";`);
		this.addSql(`drop table if exists "reminder_settings";`);
		this.addSql(`alter table "notification" drop column "attachments";`);
		this.addSql(`alter table "appointment" drop column "confirmed_by_patient_at";`);
	}
}
