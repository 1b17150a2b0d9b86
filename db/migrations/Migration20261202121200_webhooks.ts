import { Migration } from '@mikro-orm/migrations';

// Issue 21: signed outbound webhooks. An endpoint (an admin's https URL and the events it wants),
// one delivery per event per endpoint (enqueued in the event's transaction), and every attempt
// at it with its status, duration and the start of the answer.
export class Migration20261202121200_webhooks extends Migration {
	override name = 'Migration20261202121200_webhooks';

	override up(): void | Promise<void> {
		this.addSql(
			`create table "webhook_endpoint" ("id" bigserial primary key, "url" varchar(2000) not null, "description" varchar(200) null, "events" text[] not null, "secret" varchar(100) not null, "previous_secret" varchar(100) null, "previous_secret_expires_at" timestamptz null, "is_enabled" boolean not null default true, "disabled_at" timestamptz null, "disabled_reason" varchar(500) null, "failing_since" timestamptz null, "created_by_id" bigint null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`
		);
		this.addSql(
			`alter table "webhook_endpoint" add constraint "webhook_endpoint_created_by_id_foreign" foreign key ("created_by_id") references "app_user" ("id") on delete set null;`
		);
		this.addSql(
			`create table "webhook_delivery" ("id" bigserial primary key, "endpoint_id" bigint not null, "message_id" varchar(64) not null, "event_type" varchar(60) not null, "payload" text not null, "status" text not null default 'pending', "attempt_count" int not null default 0, "next_attempt_at" timestamptz null, "last_attempt_at" timestamptz null, "is_manual" boolean not null default false, "created_at" timestamptz not null);`
		);
		this.addSql(
			`alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on delete cascade;`
		);
		this.addSql(
			`create index "webhook_delivery_endpoint_id_created_at_index" on "webhook_delivery" ("endpoint_id", "created_at");`
		);
		this.addSql(
			`create table "webhook_attempt" ("id" bigserial primary key, "delivery_id" bigint not null, "attempt" int not null, "at" timestamptz not null, "status_code" int null, "duration_ms" int not null, "response_excerpt" varchar(1000) null, "error" varchar(500) null, "succeeded" boolean not null);`
		);
		this.addSql(
			`alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_foreign" foreign key ("delivery_id") references "webhook_delivery" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "webhook_attempt" add constraint "webhook_attempt_delivery_id_attempt_unique" unique ("delivery_id", "attempt");`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "webhook_attempt" cascade;`);
		this.addSql(`drop table if exists "webhook_delivery" cascade;`);
		this.addSql(`drop table if exists "webhook_endpoint" cascade;`);
	}
}
