import { Migration } from '@mikro-orm/migrations';

export class Migration20261129173043_portal_and_requests extends Migration {
	override name = 'Migration20261129173043_portal_and_requests';

	override up(): void | Promise<void> {
		this.addSql(
			`create table "portal_session" ("id" bigserial primary key, "token_hash" varchar(64) not null, "patient_id" bigint not null, "created_at" timestamptz not null, "last_seen_at" timestamptz not null, "expires_at" timestamptz not null, "ip" varchar(64) null, "user_agent" varchar(300) null, "ended_at" timestamptz null, "end_reason" varchar(40) null);`
		);
		this.addSql(
			`alter table "portal_session" add constraint "portal_session_token_hash_unique" unique ("token_hash");`
		);
		this.addSql(`create index "portal_session_patient_id_index" on "portal_session" ("patient_id");`);

		this.addSql(
			`create table "portal_link" ("id" bigserial primary key, "token_hash" varchar(64) not null, "patient_id" bigint not null, "purpose" text not null, "appointment_id" bigint null, "channel" varchar(10) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null);`
		);
		this.addSql(
			`alter table "portal_link" add constraint "portal_link_token_hash_unique" unique ("token_hash");`
		);
		this.addSql(`create index "portal_link_patient_id_index" on "portal_link" ("patient_id");`);

		this.addSql(
			`create table "appointment_request" ("id" bigserial primary key, "patient_id" bigint not null, "case_id" bigint not null, "appointment_type_id" bigint not null, "duration_minutes" int not null, "windows" jsonb not null, "note" text null, "status" text not null default 'pending', "created_at" timestamptz not null, "decided_at" timestamptz null, "decided_by_id" bigint null, "decline_reason" text null, "appointment_id" bigint null);`
		);
		this.addSql(
			`create index "appointment_request_patient_id_index" on "appointment_request" ("patient_id");`
		);
		this.addSql(`create index "appointment_request_case_id_index" on "appointment_request" ("case_id");`);
		this.addSql(
			`create index "appointment_request_status_created_index" on "appointment_request" ("status", "created_at");`
		);
		this.addSql(
			`create unique index "appointment_request_pending_unique" on "appointment_request" ("case_id", "appointment_type_id") where "status" = 'pending';`
		);

		this.addSql(
			`alter table "appointment" add "reservation_outcome" text null, add "reservation_answered_at" timestamptz null;`
		);
		this.addSql(
			`alter table "appointment" add constraint "appointment_reservation_outcome_check" check ("reservation_outcome" in ('confirmed', 'declined', 'expired'));`
		);

		this.addSql(
			`alter table "portal_session" add constraint "portal_session_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on delete cascade;`
		);

		this.addSql(
			`alter table "portal_link" add constraint "portal_link_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "portal_link" add constraint "portal_link_appointment_id_foreign" foreign key ("appointment_id") references "appointment" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "portal_link" add constraint "portal_link_purpose_check" check ("purpose" in ('sign_in', 'reservation'));`
		);

		this.addSql(
			`alter table "appointment_request" add constraint "appointment_request_patient_id_foreign" foreign key ("patient_id") references "patient" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "appointment_request" add constraint "appointment_request_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "appointment_request" add constraint "appointment_request_appointment_type_id_foreign" foreign key ("appointment_type_id") references "appointment_type" ("id") on delete restrict;`
		);
		this.addSql(
			`alter table "appointment_request" add constraint "appointment_request_decided_by_id_foreign" foreign key ("decided_by_id") references "app_user" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "appointment_request" add constraint "appointment_request_appointment_id_foreign" foreign key ("appointment_id") references "appointment" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "appointment_request" add constraint "appointment_request_status_check" check ("status" in ('pending', 'approved', 'declined', 'withdrawn'));`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "portal_session" cascade;`);
		this.addSql(`drop table if exists "portal_link" cascade;`);
		this.addSql(`drop table if exists "appointment_request" cascade;`);

		this.addSql(`alter table "appointment" drop constraint "appointment_reservation_outcome_check";`);
		this.addSql(
			`alter table "appointment" drop column "reservation_outcome", drop column "reservation_answered_at";`
		);
	}
}
