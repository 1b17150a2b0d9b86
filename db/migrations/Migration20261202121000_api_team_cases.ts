import { Migration } from '@mikro-orm/migrations';

// Issue 21: team cases sent by another system through the REST API. `api_team_case` remembers which
// key sent a case and the sender's own reference for it; `api_idempotency_key` holds the first
// answer to each Idempotency-Key of each API key, so a retried request answers the same.
export class Migration20261202121000_api_team_cases extends Migration {
	override name = 'Migration20261202121000_api_team_cases';

	override up(): void | Promise<void> {
		this.addSql(
			`create table "api_team_case" ("case_id" bigint not null primary key, "api_key_id" bigint null, "external_reference" varchar(255) null, "created_at" timestamptz not null default now());`
		);
		this.addSql(
			`alter table "api_team_case" add constraint "api_team_case_case_id_foreign" foreign key ("case_id") references "clinic_case" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "api_team_case" add constraint "api_team_case_api_key_id_foreign" foreign key ("api_key_id") references "api_key" ("id") on delete set null;`
		);
		this.addSql(
			`create index "api_team_case_external_reference_index" on "api_team_case" ("external_reference") where "external_reference" is not null;`
		);
		this.addSql(
			`create table "api_idempotency_key" ("id" bigserial primary key, "api_key_id" bigint not null, "key" varchar(255) not null, "operation" varchar(100) not null, "request_hash" varchar(64) not null, "status" integer not null, "response" jsonb not null, "location" varchar(500) null, "created_at" timestamptz not null default now());`
		);
		this.addSql(
			`alter table "api_idempotency_key" add constraint "api_idempotency_key_api_key_id_key_unique" unique ("api_key_id", "key");`
		);
		this.addSql(
			`alter table "api_idempotency_key" add constraint "api_idempotency_key_api_key_id_foreign" foreign key ("api_key_id") references "api_key" ("id") on delete cascade;`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "api_idempotency_key" cascade;`);
		this.addSql(`drop table if exists "api_team_case" cascade;`);
	}
}
