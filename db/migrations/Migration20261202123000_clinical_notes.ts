import { Migration } from '@mikro-orm/migrations';

// Issue 22: treatment note templates (versioned), notes on cases, goals and their values. A final
// note is immutable in the database itself: the trigger refuses any update or delete of a row whose
// status was 'final', so no procedure, API or script can change a signed note (only amend it).
export class Migration20261202123000_clinical_notes extends Migration {
	override name = 'Migration20261202123000_clinical_notes';

	override up(): void | Promise<void> {
		// Emails may carry files (the case summary PDF), kept with the message until it is sent.
		this.addSql(
			`create table "note_template" ("id" bigserial primary key, "name" varchar(120) not null, "is_active" boolean not null default true, "current_version" int not null default 1, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(
			`create unique index "note_template_active_name_unique" on "note_template" (lower("name")) where "is_active";`
		);

		this.addSql(
			`create table "case_template_note_template" ("case_template_id" bigint not null, "note_template_id" bigint not null, primary key ("case_template_id", "note_template_id"));`
		);

		this.addSql(
			`create table "note_template_version" ("id" bigserial primary key, "template_id" bigint not null, "number" int not null, "name" varchar(120) not null, "sections" jsonb not null, "created_by_id" bigint null, "created_at" timestamptz not null);`
		);
		this.addSql(
			`alter table "note_template_version" add constraint "note_template_version_template_id_number_unique" unique ("template_id", "number");`
		);

		this.addSql(
			`create table "case_goal" ("id" bigserial primary key, "case_id" bigint not null, "description" varchar(300) not null, "measure" text not null, "unit" varchar(40) null, "baseline" double precision not null, "target" double precision not null, "target_date" date null, "status" text not null default 'in_progress', "created_by_id" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(`create index "case_goal_case_id_index" on "case_goal" ("case_id");`);

		this.addSql(
			`create table "goal_event" ("id" bigserial primary key, "goal_id" bigint not null, "kind" text not null, "status" text null, "actor_name" varchar(200) null, "at" timestamptz not null);`
		);
		this.addSql(`create index "goal_event_goal_id_index" on "goal_event" ("goal_id");`);

		this.addSql(
			`create table "clinical_note" ("id" bigserial primary key, "case_id" bigint not null, "appointment_id" bigint null, "author_id" bigint not null, "template_version_id" bigint null, "title" varchar(200) not null, "answers" jsonb not null, "goal_links" jsonb not null, "status" text not null default 'draft', "revision" int not null default 1, "amends_id" bigint null, "signed_at" timestamptz null, "signed_by_name" varchar(200) null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`
		);
		this.addSql(`create index "clinical_note_case_id_index" on "clinical_note" ("case_id");`);
		this.addSql(
			`create index "clinical_note_author_id_status_index" on "clinical_note" ("author_id", "status");`
		);
		this.addSql(`create index "clinical_note_updated_at_index" on "clinical_note" ("updated_at");`);

		this.addSql(
			`create table "goal_value" ("id" bigserial primary key, "goal_id" bigint not null, "value" double precision not null, "recorded_at" timestamptz not null, "note_id" bigint null, "question_id" varchar(40) null);`
		);
		this.addSql(`create index "goal_value_goal_id_index" on "goal_value" ("goal_id");`);

		this.addSql(
			`alter table "case_template_note_template" add constraint "case_template_note_template_case_template_id_foreign" foreign key ("case_template_id") references "case_template" ("id") on update cascade on delete cascade;`
		);
		this.addSql(
			`alter table "case_template_note_template" add constraint "case_template_note_template_note_template_id_foreign" foreign key ("note_template_id") references "note_template" ("id") on update cascade on delete cascade;`
		);

		this.addSql(
			`alter table "note_template_version" add constraint "note_template_version_template_id_foreign" foreign key ("template_id") references "note_template" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "note_template_version" add constraint "note_template_version_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on delete set null;`
		);

		this.addSql(
			`alter table "case_goal" add constraint "case_goal_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "case_goal" add constraint "case_goal_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "case_goal" add constraint "case_goal_measure_check" check ("measure" in ('number', 'scale'));`
		);
		this.addSql(
			`alter table "case_goal" add constraint "case_goal_status_check" check ("status" in ('in_progress', 'met', 'partly_met', 'not_met', 'discontinued'));`
		);

		this.addSql(
			`alter table "goal_event" add constraint "goal_event_goal_id_foreign" foreign key ("goal_id") references "case_goal" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "goal_event" add constraint "goal_event_kind_check" check ("kind" in ('created', 'updated', 'status'));`
		);
		this.addSql(
			`alter table "goal_event" add constraint "goal_event_status_check" check ("status" in ('in_progress', 'met', 'partly_met', 'not_met', 'discontinued'));`
		);

		this.addSql(
			`alter table "clinical_note" add constraint "clinical_note_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "clinical_note" add constraint "clinical_note_appointment_id_foreign" foreign key ("appointment_id") references "appointment" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "clinical_note" add constraint "clinical_note_author_id_foreign" foreign key ("author_id") references "app_user" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "clinical_note" add constraint "clinical_note_template_version_id_foreign" foreign key ("template_version_id") references "note_template_version" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "clinical_note" add constraint "clinical_note_amends_id_foreign" foreign key ("amends_id") references "clinical_note" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "clinical_note" add constraint "clinical_note_status_check" check ("status" in ('draft', 'final'));`
		);

		this.addSql(
			`alter table "goal_value" add constraint "goal_value_goal_id_foreign" foreign key ("goal_id") references "case_goal" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "goal_value" add constraint "goal_value_note_id_foreign" foreign key ("note_id") references "clinical_note" ("id") on delete restrict;`
		);

		this.addSql(`create function clinical_note_final_is_immutable() returns trigger language plpgsql as $$
begin
  if old.status = 'final' then
    raise exception 'A final note cannot be changed: amend it instead' using errcode = 'CB001';
  end if;
  return case when tg_op = 'DELETE' then old else new end;
end $$;`);
		this.addSql(
			`create trigger clinical_note_final_is_immutable before update or delete on "clinical_note" for each row execute function clinical_note_final_is_immutable();`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop trigger if exists clinical_note_final_is_immutable on "clinical_note";`);
		this.addSql(`drop function if exists clinical_note_final_is_immutable();`);
		this.addSql(
			`alter table "case_template_note_template" drop constraint "case_template_note_template_note_template_id_foreign";`
		);
		this.addSql(
			`alter table "note_template_version" drop constraint "note_template_version_template_id_foreign";`
		);
		this.addSql(`alter table "clinical_note" drop constraint "clinical_note_template_version_id_foreign";`);
		this.addSql(`alter table "goal_event" drop constraint "goal_event_goal_id_foreign";`);
		this.addSql(`alter table "goal_value" drop constraint "goal_value_goal_id_foreign";`);
		this.addSql(`alter table "clinical_note" drop constraint "clinical_note_amends_id_foreign";`);
		this.addSql(`alter table "goal_value" drop constraint "goal_value_note_id_foreign";`);

		this.addSql(`drop table if exists "note_template" cascade;`);
		this.addSql(`drop table if exists "case_template_note_template" cascade;`);
		this.addSql(`drop table if exists "note_template_version" cascade;`);
		this.addSql(`drop table if exists "case_goal" cascade;`);
		this.addSql(`drop table if exists "goal_event" cascade;`);
		this.addSql(`drop table if exists "clinical_note" cascade;`);
		this.addSql(`drop table if exists "goal_value" cascade;`);
	}
}
