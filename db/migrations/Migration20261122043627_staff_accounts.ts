import { Migration } from '@mikro-orm/migrations';

export class Migration20261122043627_staff_accounts extends Migration {
	override name = 'Migration20261122043627_staff_accounts';

	override up(): void | Promise<void> {
		this.addSql(
			`create table "audit_event" ("id" bigserial primary key, "at" timestamptz not null, "actor_type" text not null, "actor_id" varchar(40) null, "actor_label" varchar(300) null, "action" varchar(80) not null, "record_type" varchar(60) null, "record_id" varchar(60) null, "changed_fields" text[] null, "details" jsonb null, "request_id" varchar(100) null, "ip" varchar(64) null);`
		);
		this.addSql(`create index "audit_event_at_index" on "audit_event" ("at");`);
		this.addSql(
			`create index "audit_event_actor_type_actor_id_at_index" on "audit_event" ("actor_type", "actor_id", "at");`
		);
		this.addSql(
			`create index "audit_event_record_type_record_id_at_index" on "audit_event" ("record_type", "record_id", "at");`
		);
		this.addSql(`create index "audit_event_action_at_index" on "audit_event" ("action", "at");`);

		this.addSql(
			`create table "clinic_settings" ("id" int not null, "clinic_name" varchar(120) not null default 'Casebook Clinic', "require_two_factor" boolean not null default false, "updated_at" timestamptz not null, "version" int not null default 1, primary key ("id"));`
		);

		this.addSql(
			`create table "app_user" ("id" bigserial primary key, "kind" text not null default 'staff', "name" varchar(120) not null, "email" varchar(254) not null, "mobile" varchar(20) null, "roles" text[] not null default '{}', "is_active" boolean not null default true, "password_hash" text null, "password_changed_at" timestamptz null, "totp_secret" varchar(64) null, "totp_enabled_at" timestamptz null, "totp_last_step" bigint null, "last_sign_in_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);

		this.addSql(
			`create table "session" ("id" bigserial primary key, "token_hash" varchar(64) not null, "user_id" bigint not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "ip" varchar(64) null, "user_agent" varchar(300) null, "ended_at" timestamptz null, "end_reason" varchar(40) null);`
		);
		this.addSql(`alter table "session" add constraint "session_token_hash_unique" unique ("token_hash");`);
		this.addSql(`create index "session_user_id_index" on "session" ("user_id");`);

		this.addSql(
			`create table "one_time_token" ("id" bigserial primary key, "purpose" varchar(40) not null, "token_hash" varchar(64) not null, "user_id" bigint null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null);`
		);
		this.addSql(
			`alter table "one_time_token" add constraint "one_time_token_token_hash_unique" unique ("token_hash");`
		);

		this.addSql(
			`alter table "audit_event" add constraint "audit_event_actor_type_check" check ("actor_type" in ('staff', 'referrer', 'patient', 'system', 'anonymous'));`
		);

		this.addSql(
			`alter table "app_user" add constraint "app_user_kind_check" check ("kind" in ('staff', 'referrer'));`
		);

		this.addSql(
			`alter table "session" add constraint "session_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`
		);

		this.addSql(
			`alter table "one_time_token" add constraint "one_time_token_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`
		);

		// Hand-written: the audit trail is append-only, enforced by the database itself.
		this.addSql(`create function audit_event_is_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
		this.addSql(
			`create trigger audit_event_no_update_delete before update or delete on "audit_event" for each row execute function audit_event_is_append_only();`
		);
		this.addSql(
			`create trigger audit_event_no_truncate before truncate on "audit_event" for each statement execute function audit_event_is_append_only();`
		);

		// Hand-written: fixed-window counters for rate limits (sign-in, password reset, portal links).
		this.addSql(
			`create table "rate_limit" ("key" varchar(300) primary key, "points" int not null, "reset_at" timestamptz not null);`
		);
		this.addSql(`create index "rate_limit_reset_at_index" on "rate_limit" ("reset_at");`);

		this.addSql(
			`create index "session_active_user_index" on "session" ("user_id") where "ended_at" is null;`
		);
		this.addSql(
			`create index "one_time_token_user_purpose_index" on "one_time_token" ("user_id", "purpose");`
		);
		this.addSql(`insert into "clinic_settings" ("id", "updated_at") values (1, now());`);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "session" drop constraint "session_user_id_foreign";`);
		this.addSql(`alter table "one_time_token" drop constraint "one_time_token_user_id_foreign";`);

		this.addSql(`drop table if exists "audit_event" cascade;`);
		this.addSql(`drop function if exists audit_event_is_append_only();`);
		this.addSql(`drop table if exists "rate_limit" cascade;`);
		this.addSql(`drop table if exists "clinic_settings" cascade;`);
		this.addSql(`drop table if exists "app_user" cascade;`);
		this.addSql(`drop table if exists "session" cascade;`);
		this.addSql(`drop table if exists "one_time_token" cascade;`);
	}
}
