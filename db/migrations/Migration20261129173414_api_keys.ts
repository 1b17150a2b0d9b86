import { Migration } from '@mikro-orm/migrations';

export class Migration20261129173414_api_keys extends Migration {
	override name = 'Migration20261129173414_api_keys';

	override up(): void | Promise<void> {
		this.addSql(
			`create table "api_key" ("id" bigserial primary key, "user_id" bigint not null, "name" varchar(100) not null, "token_hash" varchar(64) not null, "prefix" varchar(16) not null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "revoked_at" timestamptz null);`
		);
		this.addSql(`create index "api_key_user_id_index" on "api_key" ("user_id");`);
		this.addSql(`alter table "api_key" add constraint "api_key_token_hash_unique" unique ("token_hash");`);
		this.addSql(
			`alter table "api_key" add constraint "api_key_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on delete cascade;`
		);

		// Cliniko's patient-case archive (REST API).
		this.addSql(`alter table "clinic_case" add "archived_at" timestamptz null;`);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "clinic_case" drop column "archived_at";`);
		this.addSql(`drop table if exists "api_key" cascade;`);
	}
}
