import { Migration } from '@mikro-orm/migrations';

export class Migration20261122074520_cases_and_appointments extends Migration {
	override name = 'Migration20261122074520_cases_and_appointments';

	override up(): void | Promise<void> {
		// btree_gist lets one exclusion constraint combine "same practitioner" (=) with "overlapping
		// time" (&&): PostgreSQL then refuses the second of two concurrent overlapping bookings.
		this.addSql(`create extension if not exists btree_gist;`);
		this.addSql(
			`create table "body_part" ("id" bigserial primary key, "name" varchar(80) not null, "is_active" boolean not null default true, "created_at" timestamptz not null);`
		);
		this.addSql(
			`create unique index "body_part_active_name_unique" on "body_part" (lower("name")) where "is_active";`
		);

		this.addSql(
			`create table "clinic_case" ("id" bigserial primary key, "name" varchar(200) not null, "patient_id" bigint null, "template_id" bigint null, "limit_kind" text not null default 'unlimited', "max_appointments" int null, "max_amount_cents" int null, "counts_cancelled" boolean not null default false, "counts_did_not_arrive" boolean not null default false, "has_referral" boolean not null default false, "referring_doctor_id" bigint null, "referral_issued_on" date null, "referral_expires_on" date null, "notes" text null, "status" text not null default 'open', "issued_on" date not null, "closed_at" timestamptz null, "merged_into_id" bigint null, "created_by_id" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(`create index "clinic_case_patient_id_index" on "clinic_case" ("patient_id");`);
		this.addSql(`create index "clinic_case_template_id_index" on "clinic_case" ("template_id");`);
		this.addSql(
			`create index "clinic_case_status_issued_on_index" on "clinic_case" ("status", "issued_on");`
		);
		this.addSql(
			`create index "clinic_case_referral_expires_on_index" on "clinic_case" ("referral_expires_on");`
		);

		this.addSql(
			`create table "case_warning" ("case_id" bigint not null, "kind" text not null, "sent_at" timestamptz not null, primary key ("case_id", "kind"));`
		);

		this.addSql(
			`create table "case_attachment" ("id" bigserial primary key, "case_id" bigint not null, "file_name" varchar(255) not null, "content_type" varchar(100) not null, "size_bytes" int not null, "sha256" varchar(64) not null, "storage_key" varchar(100) not null, "uploaded_by_id" bigint null, "created_at" timestamptz not null);`
		);
		this.addSql(`create index "case_attachment_case_id_index" on "case_attachment" ("case_id");`);
		this.addSql(
			`alter table "case_attachment" add constraint "case_attachment_storage_key_unique" unique ("storage_key");`
		);

		this.addSql(
			`create table "case_body_part" ("case_id" bigint not null, "body_part_id" bigint not null, primary key ("case_id", "body_part_id"));`
		);

		this.addSql(
			`create table "appointment" ("id" bigserial primary key, "patient_id" bigint not null, "practitioner_id" bigint not null, "appointment_type_id" bigint not null, "starts_at" timestamptz not null, "ends_at" timestamptz not null, "status" text not null default 'booked', "case_id" bigint null, "notes" text null, "invoiced_amount_cents" int null, "invoiced_at" timestamptz null, "cancelled_at" timestamptz null, "cancellation_reason" text null, "reservation_expires_at" timestamptz null, "created_by_id" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(`create index "appointment_patient_id_index" on "appointment" ("patient_id");`);
		this.addSql(`create index "appointment_case_id_index" on "appointment" ("case_id");`);
		this.addSql(
			`create index "appointment_practitioner_id_starts_at_index" on "appointment" ("practitioner_id", "starts_at");`
		);
		this.addSql(`create index "appointment_starts_at_index" on "appointment" ("starts_at");`);

		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_template_id_foreign" foreign key ("template_id") references "case_template" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_referring_doctor_id_foreign" foreign key ("referring_doctor_id") references "contact" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_merged_into_id_foreign" foreign key ("merged_into_id") references "clinic_case" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_limit_check" check (((((limit_kind)::text = 'unlimited'::text) AND (max_appointments IS NULL) AND (max_amount_cents IS NULL)) OR (((limit_kind)::text = 'appointments'::text) AND (max_appointments >= 1) AND (max_appointments <= 200) AND (max_amount_cents IS NULL)) OR (((limit_kind)::text = 'amount'::text) AND (max_amount_cents > 0) AND (max_appointments IS NULL))));`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_referral_dates_check" check (((referral_expires_on IS NULL) OR (referral_issued_on IS NULL) OR (referral_expires_on >= referral_issued_on)));`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_limit_kind_check" check ("limit_kind" in ('unlimited', 'appointments', 'amount'));`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_status_check" check ("status" in ('open', 'closed'));`
		);

		this.addSql(
			`alter table "case_warning" add constraint "case_warning_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "case_warning" add constraint "case_warning_kind_check" check ("kind" in ('referral-30', 'referral-7', 'referral-0', 'appointments-1', 'appointments-0'));`
		);

		this.addSql(
			`alter table "case_attachment" add constraint "case_attachment_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "case_attachment" add constraint "case_attachment_uploaded_by_id_foreign" foreign key ("uploaded_by_id") references "app_user" ("id") on delete set null;`
		);

		this.addSql(
			`alter table "case_body_part" add constraint "case_body_part_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on update cascade on delete cascade;`
		);
		this.addSql(
			`alter table "case_body_part" add constraint "case_body_part_body_part_id_foreign" foreign key ("body_part_id") references "body_part" ("id") on update cascade on delete cascade;`
		);

		this.addSql(
			`alter table "appointment" add constraint "appointment_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "appointment" add constraint "appointment_practitioner_id_foreign" foreign key ("practitioner_id") references "app_user" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "appointment" add constraint "appointment_appointment_type_id_foreign" foreign key ("appointment_type_id") references "appointment_type" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "appointment" add constraint "appointment_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "appointment" add constraint "appointment_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "appointment" add constraint "appointment_time_check" check ((ends_at > starts_at));`
		);
		this.addSql(
			`alter table "appointment" add constraint "appointment_invoiced_amount_check" check (((invoiced_amount_cents IS NULL) OR (invoiced_amount_cents >= 0)));`
		);
		this.addSql(
			`alter table "appointment" add constraint "appointment_status_check" check ("status" in ('reserved', 'booked', 'arrived', 'completed', 'cancelled', 'did_not_arrive'));`
		);
		this.addSql(
			`alter table "appointment" add constraint "appointment_no_overlap" exclude using gist ("practitioner_id" with =, tstzrange("starts_at", "ends_at", '[)') with &&) where ("status" in ('reserved', 'booked', 'arrived', 'completed'));`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "case_body_part" drop constraint "case_body_part_body_part_id_foreign";`);
		this.addSql(`alter table "clinic_case" drop constraint "clinic_case_merged_into_id_foreign";`);
		this.addSql(`alter table "case_warning" drop constraint "case_warning_case_id_foreign";`);
		this.addSql(`alter table "case_attachment" drop constraint "case_attachment_case_id_foreign";`);
		this.addSql(`alter table "case_body_part" drop constraint "case_body_part_case_id_foreign";`);
		this.addSql(`alter table "appointment" drop constraint "appointment_case_id_foreign";`);

		this.addSql(`drop table if exists "body_part" cascade;`);
		this.addSql(`drop table if exists "clinic_case" cascade;`);
		this.addSql(`drop table if exists "case_warning" cascade;`);
		this.addSql(`drop table if exists "case_attachment" cascade;`);
		this.addSql(`drop table if exists "case_body_part" cascade;`);
		this.addSql(`drop table if exists "appointment" cascade;`);
	}
}
