import { Migration } from '@mikro-orm/migrations';

export class Migration20261122050423_patients extends Migration {
	override name = 'Migration20261122050423_patients';

	override up(): void | Promise<void> {
		this.addSql(
			`create table "concession_type" ("id" bigserial primary key, "name" varchar(120) not null, "archived_at" timestamptz null, "created_at" timestamptz not null);`
		);
		this.addSql(
			`alter table "concession_type" add constraint "concession_type_name_unique" unique ("name");`
		);

		this.addSql(
			`create table "contact" ("id" bigserial primary key, "type" text not null default 'gp', "title" varchar(40) null, "first_name" varchar(120) null, "last_name" varchar(120) not null, "company" varchar(200) null, "provider_number" varchar(40) null, "phone" varchar(20) null, "email" varchar(254) null, "notes" text null, "archived_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(
			`create index "contact_last_name_first_name_index" on "contact" ("last_name", "first_name");`
		);

		this.addSql(
			`create table "patient_custom_field_definition" ("id" int not null, "definition" jsonb not null, "updated_at" timestamptz not null, "version" int not null default 1, primary key ("id"));`
		);

		this.addSql(
			`create table "patient" ("id" bigserial primary key, "title" varchar(40) null, "first_name" varchar(120) not null, "last_name" varchar(120) not null, "preferred_first_name" varchar(120) null, "pronouns" varchar(60) null, "date_of_birth" date null, "sex" varchar(60) null, "gender_identity" varchar(120) null, "gender" varchar(60) null, "email" varchar(254) null, "phone_numbers" jsonb not null default '[]', "address1" varchar(200) null, "address2" varchar(200) null, "address3" varchar(200) null, "city" varchar(120) null, "state" varchar(120) null, "post_code" varchar(20) null, "country" varchar(120) null, "time_zone" varchar(60) null, "occupation" varchar(200) null, "emergency_contact" text null, "medicare" varchar(40) null, "medicare_reference_number" varchar(10) null, "dva_card_number" varchar(40) null, "notes" text null, "appointment_notes" text null, "old_reference_id" varchar(100) null, "referral_source" varchar(200) null, "reminder_type" text not null default 'SMS & Email', "receives_confirmation_emails" boolean not null default true, "accepted_privacy_policy" boolean null, "privacy_policy_answered_at" timestamptz null, "accepted_email_marketing" boolean not null default false, "accepted_sms_marketing" boolean not null default false, "invoice_default_to" varchar(200) null, "invoice_email" varchar(254) null, "invoice_extra_information" text null, "concession_type_id" bigint null, "referring_doctor_id" bigint null, "medical_alerts" jsonb not null default '[]', "custom_fields" jsonb null, "search_text" text not null default '', "archived_at" timestamptz null, "deleted_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(`create index "patient_referring_doctor_id_index" on "patient" ("referring_doctor_id");`);
		this.addSql(`create index "patient_search_trgm" on "patient" using gin ("search_text" gin_trgm_ops);`);
		this.addSql(`create index "patient_first_name_trgm" on "patient" using gin ("first_name" gin_trgm_ops);`);
		this.addSql(`create index "patient_last_name_trgm" on "patient" using gin ("last_name" gin_trgm_ops);`);
		this.addSql(
			`create index "patient_preferred_trgm" on "patient" using gin ("preferred_first_name" gin_trgm_ops);`
		);
		this.addSql(`create index "patient_email_trgm" on "patient" using gin ("email" gin_trgm_ops);`);
		this.addSql(
			`create index "patient_active_last_first" on "patient" ((lower("last_name") || ' ' || lower("first_name")), "id") where "deleted_at" is null and "archived_at" is null;`
		);
		this.addSql(
			`create index "patient_active_first_last" on "patient" ((lower("first_name") || ' ' || lower("last_name")), "id") where "deleted_at" is null and "archived_at" is null;`
		);
		this.addSql(
			`create index "patient_archived_last_first" on "patient" ((lower("last_name") || ' ' || lower("first_name")), "id") where "deleted_at" is null and "archived_at" is not null;`
		);
		this.addSql(
			`create index "patient_phone_numbers" on "patient" using gin ("phone_numbers" jsonb_path_ops);`
		);
		this.addSql(
			`create index "patient_archived_name" on "patient" ("archived_at", "id") where "deleted_at" is null and "archived_at" is not null;`
		);
		this.addSql(
			`create index "patient_deleted_at" on "patient" ("deleted_at", "id") where "deleted_at" is not null;`
		);
		this.addSql(
			`create index "patient_birthday" on "patient" ((extract(month from "date_of_birth")), (extract(day from "date_of_birth")));`
		);
		this.addSql(`create index "patient_date_of_birth_index" on "patient" ("date_of_birth");`);
		this.addSql(`create index "patient_created_at_index" on "patient" ("created_at");`);
		this.addSql(`create index "patient_updated_at_index" on "patient" ("updated_at");`);
		this.addSql(`create index "patient_email_index" on "patient" ("email");`);
		this.addSql(`create index "patient_old_reference_id_index" on "patient" ("old_reference_id");`);

		this.addSql(
			`alter table "contact" add constraint "contact_type_check" check ("type" in ('gp', 'specialist', 'other'));`
		);

		this.addSql(
			`alter table "patient" add constraint "patient_concession_type_id_foreign" foreign key ("concession_type_id") references "concession_type" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "patient" add constraint "patient_referring_doctor_id_foreign" foreign key ("referring_doctor_id") references "contact" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "patient" add constraint "patient_reminder_type_check" check ("reminder_type" in ('None', 'SMS', 'Email', 'SMS & Email'));`
		);

		this.addSql(
			`insert into "patient_custom_field_definition" ("id", "definition", "updated_at") values (1, '{"sections": []}', now());`
		);

		// Hand-written: live counts of the active and archived lists, kept by a trigger, so an
		// unfiltered list's total is one row read instead of a count over every patient.
		this.addSql(`create table "patient_list_count" ("status" text primary key, "n" bigint not null);`);
		this.addSql(`insert into "patient_list_count" values ('active', 0), ('archived', 0);`);
		this.addSql(`create function patient_list_status(archived timestamptz, deleted timestamptz) returns text
			language sql immutable as $$
				select case when deleted is not null then null when archived is null then 'active' else 'archived' end
			$$;`);
		this.addSql(`create function patient_list_count_maintain() returns trigger language plpgsql as $$
			declare
				old_status text := case when tg_op in ('UPDATE', 'DELETE') then patient_list_status(old.archived_at, old.deleted_at) end;
				new_status text := case when tg_op in ('INSERT', 'UPDATE') then patient_list_status(new.archived_at, new.deleted_at) end;
			begin
				if old_status is distinct from new_status then
					if old_status is not null then update patient_list_count set n = n - 1 where status = old_status; end if;
					if new_status is not null then update patient_list_count set n = n + 1 where status = new_status; end if;
				end if;
				return null;
			end $$;`);
		this.addSql(
			`create trigger patient_list_count_maintain after insert or update of archived_at, deleted_at or delete on "patient" for each row execute function patient_list_count_maintain();`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "patient" drop constraint "patient_concession_type_id_foreign";`);
		this.addSql(`alter table "patient" drop constraint "patient_referring_doctor_id_foreign";`);

		this.addSql(`drop table if exists "concession_type" cascade;`);
		this.addSql(`drop table if exists "contact" cascade;`);
		this.addSql(`drop table if exists "patient_custom_field_definition" cascade;`);
		this.addSql(`drop table if exists "patient" cascade;`);
		this.addSql(`drop table if exists "patient_list_count" cascade;`);
		this.addSql(`drop function if exists patient_list_count_maintain();`);
		this.addSql(`drop function if exists patient_list_status(timestamptz, timestamptz);`);
	}
}
