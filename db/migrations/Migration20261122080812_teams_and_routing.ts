import { Migration } from '@mikro-orm/migrations';

export class Migration20261122080812_teams_and_routing extends Migration {
	override name = 'Migration20261122080812_teams_and_routing';

	override up(): void | Promise<void> {
		this.addSql(
			`create table "team" ("id" bigserial primary key, "name" varchar(120) not null, "description" text null, "accepts_external_cases" boolean not null default false, "is_active" boolean not null default true, "escalation_policy" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(`create unique index "team_active_name_unique" on "team" (lower("name")) where "is_active";`);

		this.addSql(
			`create table "team_member" ("team_id" bigint not null, "user_id" bigint not null, "is_lead" boolean not null default false, "added_at" timestamptz not null, primary key ("team_id", "user_id"));`
		);
		this.addSql(`create index "team_member_user_id_index" on "team_member" ("user_id");`);

		this.addSql(
			`create table "case_team" ("case_id" bigint not null, "team_id" bigint not null, "policy" jsonb not null, primary key ("case_id", "team_id"));`
		);
		this.addSql(`create index "case_team_team_id_index" on "case_team" ("team_id");`);

		this.addSql(
			`create table "case_event" ("id" bigserial primary key, "case_id" bigint not null, "kind" text not null, "actor_id" bigint null, "data" jsonb not null default '{}', "created_at" timestamptz not null);`
		);
		this.addSql(
			`create index "case_event_case_id_created_at_index" on "case_event" ("case_id", "created_at");`
		);

		this.addSql(
			`create table "case_escalation_step" ("case_id" bigint not null, "team_id" bigint not null, "generation" int not null, "round" int not null, "step_index" int not null, "due_at" timestamptz not null, "fired_at" timestamptz not null, primary key ("case_id", "team_id", "generation", "round", "step_index"));`
		);

		this.addSql(
			`create index "notification_recipient_created_at_index" on "notification" ("recipient", "created_at");`
		);

		this.addSql(
			`alter table "clinic_case" add "priority" text null, add "details" text null, add "sender_id" bigint null, add "sent_at" timestamptz null, add "escalation_started_at" timestamptz null, add "escalation_generation" int not null default 0, add "acknowledged_at" timestamptz null, add "acknowledged_by_id" bigint null;`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_sender_id_foreign" foreign key ("sender_id") references "app_user" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_acknowledged_by_id_foreign" foreign key ("acknowledged_by_id") references "app_user" ("id") on delete set null;`
		);
		this.addSql(
			`create index "clinic_case_sender_id_sent_at_index" on "clinic_case" ("sender_id", "sent_at");`
		);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_priority_check" check ("priority" in ('normal', 'high', 'urgent'));`
		);

		this.addSql(
			`alter table "team_member" add constraint "team_member_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete cascade;`
		);
		this.addSql(
			`alter table "team_member" add constraint "team_member_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`
		);

		this.addSql(
			`alter table "case_team" add constraint "case_team_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on update cascade on delete cascade;`
		);
		this.addSql(
			`alter table "case_team" add constraint "case_team_team_id_foreign" foreign key ("team_id") references "team" ("id") on update cascade on delete restrict;`
		);

		this.addSql(
			`alter table "case_event" add constraint "case_event_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "case_event" add constraint "case_event_actor_id_foreign" foreign key ("actor_id") references "app_user" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "case_event" add constraint "case_event_kind_check" check ("kind" in ('sent', 'escalated', 'delivery', 'acknowledged', 'taken_over', 'retriaged', 'comment', 'closed', 'reopened'));`
		);

		this.addSql(
			`alter table "case_escalation_step" add constraint "case_escalation_step_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "case_escalation_step" add constraint "case_escalation_step_team_id_foreign" foreign key ("team_id") references "team" ("id") on delete cascade;`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "team_member" drop constraint "team_member_team_id_foreign";`);
		this.addSql(`alter table "case_team" drop constraint "case_team_team_id_foreign";`);
		this.addSql(`alter table "case_escalation_step" drop constraint "case_escalation_step_team_id_foreign";`);

		this.addSql(`drop table if exists "team" cascade;`);
		this.addSql(`drop table if exists "team_member" cascade;`);
		this.addSql(`drop table if exists "case_team" cascade;`);
		this.addSql(`drop table if exists "case_event" cascade;`);
		this.addSql(`drop table if exists "case_escalation_step" cascade;`);

		this.addSql(`alter table "clinic_case" drop constraint "clinic_case_sender_id_foreign";`);
		this.addSql(`alter table "clinic_case" drop constraint "clinic_case_acknowledged_by_id_foreign";`);

		this.addSql(`drop index "clinic_case_sender_id_sent_at_index";`);
		this.addSql(`alter table "clinic_case" drop constraint "clinic_case_priority_check";`);
		this.addSql(
			`alter table "clinic_case" drop column "priority", drop column "details", drop column "sender_id", drop column "sent_at", drop column "escalation_started_at", drop column "escalation_generation", drop column "acknowledged_at", drop column "acknowledged_by_id";`
		);

		this.addSql(`drop index "notification_recipient_created_at_index";`);
	}
}
