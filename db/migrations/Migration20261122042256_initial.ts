import { Migration } from '@mikro-orm/migrations';

export class Migration20261122042256_initial extends Migration {
	override name = 'Migration20261122042256_initial';

	override up(): void | Promise<void> {
		// Trigram search over names and the no-overlap constraint on appointments need these.
		this.addSql(`create extension if not exists pg_trgm;`);
		this.addSql(`create extension if not exists btree_gist;`);
		this.addSql(
			`create table "notification" ("id" bigserial primary key, "channel" text not null, "recipient" varchar(320) not null, "purpose" varchar(300) not null, "subject" text null, "body" text not null, "html" text null, "related_type" varchar(50) null, "related_id" varchar(50) null, "status" text not null default 'queued', "transport" text null, "provider_id" varchar(200) null, "error" text null, "attempts" int not null default 0, "created_at" timestamptz not null, "updated_at" timestamptz not null, "sent_at" timestamptz null, "delivered_at" timestamptz null, "failed_at" timestamptz null);`
		);
		this.addSql(
			`alter table "notification" add constraint "notification_purpose_unique" unique ("purpose");`
		);
		this.addSql(`create index "notification_provider_id_index" on "notification" ("provider_id");`);
		this.addSql(
			`create index "notification_related_type_related_id_index" on "notification" ("related_type", "related_id");`
		);
		this.addSql(`create index "notification_created_at_index" on "notification" ("created_at");`);

		this.addSql(
			`create table "worker_heartbeat" ("id" varchar(200) not null, "started_at" timestamptz not null, "last_seen_at" timestamptz not null, primary key ("id"));`
		);
		this.addSql(`create index "worker_heartbeat_last_seen_at_index" on "worker_heartbeat" ("last_seen_at");`);

		this.addSql(
			`alter table "notification" add constraint "notification_channel_check" check ("channel" in ('email', 'sms'));`
		);
		this.addSql(
			`alter table "notification" add constraint "notification_status_check" check ("status" in ('queued', 'sending', 'sent', 'delivered', 'failed', 'undelivered'));`
		);
		this.addSql(
			`alter table "notification" add constraint "notification_transport_check" check ("transport" in ('smtp', 'twilio', 'outbox'));`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "notification" cascade;`);
		this.addSql(`drop table if exists "worker_heartbeat" cascade;`);
	}
}
