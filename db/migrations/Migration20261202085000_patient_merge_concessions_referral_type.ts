import { Migration } from '@mikro-orm/migrations';

// Issue 18: a case's referral type (Cliniko's `referral_type`, one of `medicare`); concession types
// that admins rename and archive (an archived name may be used again, like body parts); patient
// merge (Cliniko's `merged_at` / `merged_with_patient`) with the record of what moved, for undo.
export class Migration20261202085000_patient_merge_concessions_referral_type extends Migration {
	override name = 'Migration20261202085000_patient_merge_concessions_referral_type';

	override up(): void | Promise<void> {
		this.addSql(`alter table "clinic_case" add column "referral_type" text null;`);
		this.addSql(
			`alter table "clinic_case" add constraint "clinic_case_referral_type_check" check ("referral_type" in ('medicare'));`
		);

		this.addSql(`alter table "concession_type" drop constraint "concession_type_name_unique";`);
		this.addSql(
			`create unique index "concession_type_active_name_unique" on "concession_type" (lower("name")) where "archived_at" is null;`
		);
		this.addSql(`alter table "concession_type" add column "updated_at" timestamptz not null default now();`);
		this.addSql(`alter table "concession_type" alter column "updated_at" drop default;`);

		this.addSql(
			`alter table "patient" add column "merged_at" timestamptz null, add column "merged_with_patient_id" bigint null;`
		);
		this.addSql(
			`alter table "patient" add constraint "patient_merged_with_patient_id_foreign" foreign key ("merged_with_patient_id") references "patient" ("id") on delete set null;`
		);
		this.addSql(
			`create index "patient_merged_with_patient_id_index" on "patient" ("merged_with_patient_id");`
		);

		this.addSql(
			`create table "patient_merge" ("id" bigserial primary key, "kept_patient_id" bigint not null, "merged_patient_id" bigint not null, "merged_at" timestamptz not null, "merged_by_id" bigint null, "moved" jsonb not null, "undone_at" timestamptz null, "undone_by_id" bigint null);`
		);
		this.addSql(`create index "patient_merge_kept_patient_id_index" on "patient_merge" ("kept_patient_id");`);
		this.addSql(
			`create index "patient_merge_merged_patient_id_index" on "patient_merge" ("merged_patient_id");`
		);
		this.addSql(`create index "patient_merge_merged_at_index" on "patient_merge" ("merged_at");`);
		this.addSql(
			`alter table "patient_merge" add constraint "patient_merge_kept_patient_id_foreign" foreign key ("kept_patient_id") references "patient" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "patient_merge" add constraint "patient_merge_merged_patient_id_foreign" foreign key ("merged_patient_id") references "patient" ("id") on delete cascade;`
		);
		this.addSql(
			`alter table "patient_merge" add constraint "patient_merge_merged_by_id_foreign" foreign key ("merged_by_id") references "app_user" ("id") on delete set null;`
		);
		this.addSql(
			`alter table "patient_merge" add constraint "patient_merge_undone_by_id_foreign" foreign key ("undone_by_id") references "app_user" ("id") on delete set null;`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop table if exists "patient_merge" cascade;`);
		this.addSql(`alter table "patient" drop constraint "patient_merged_with_patient_id_foreign";`);
		this.addSql(`drop index "patient_merged_with_patient_id_index";`);
		this.addSql(`alter table "patient" drop column "merged_at", drop column "merged_with_patient_id";`);
		this.addSql(`alter table "concession_type" drop column "updated_at";`);
		this.addSql(`drop index "concession_type_active_name_unique";`);
		this.addSql(
			`alter table "concession_type" add constraint "concession_type_name_unique" unique ("name");`
		);
		this.addSql(`alter table "clinic_case" drop constraint "clinic_case_referral_type_check";`);
		this.addSql(`alter table "clinic_case" drop column "referral_type";`);
	}
}
