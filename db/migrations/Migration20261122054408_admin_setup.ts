import { Migration } from '@mikro-orm/migrations';

export class Migration20261122054408_admin_setup extends Migration {
	override name = 'Migration20261122054408_admin_setup';

	override up(): void | Promise<void> {
		this.addSql(
			`create table "appointment_type" ("id" bigserial primary key, "name" varchar(120) not null, "duration_minutes" int not null, "price_cents" int not null default 0, "colour" varchar(7) not null default '#0284c7', "is_active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);

		this.addSql(
			`create table "case_template" ("id" bigserial primary key, "name" varchar(120) not null, "description" text null, "is_active" boolean not null default true, "allows_requests" boolean not null default false, "archived_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(
			`create unique index "case_template_active_name_unique" on "case_template" (lower("name")) where "is_active";`
		);

		this.addSql(
			`create table "case_template_request_type" ("template_id" bigint not null, "appointment_type_id" bigint not null, "duration_minutes" int not null, primary key ("template_id", "appointment_type_id"));`
		);

		this.addSql(
			`create table "service" ("id" bigserial primary key, "name" varchar(120) not null, "colour" varchar(7) not null default '#0f766e', "is_active" boolean not null default true, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1);`
		);
		this.addSql(
			`create unique index "service_active_name_unique" on "service" (lower("name")) where "is_active";`
		);

		this.addSql(
			`create table "case_template_service" ("case_template_id" bigint not null, "service_id" bigint not null, primary key ("case_template_id", "service_id"));`
		);

		this.addSql(
			`create table "appointment_type_service" ("appointment_type_id" bigint not null, "service_id" bigint not null, primary key ("appointment_type_id", "service_id"));`
		);

		this.addSql(
			`create table "practitioner_service" ("service_id" bigint not null, "user_id" bigint not null, primary key ("service_id", "user_id"));`
		);

		this.addSql(
			`alter table "appointment_type" add constraint "appointment_type_duration_minutes_check" check (((duration_minutes >= 5) AND (duration_minutes <= 480)));`
		);
		this.addSql(
			`alter table "appointment_type" add constraint "appointment_type_price_cents_check" check ((price_cents >= 0));`
		);

		this.addSql(
			`alter table "case_template_request_type" add constraint "case_template_request_type_template_id_foreign" foreign key ("template_id") references "case_template" ("id") on update cascade on delete cascade;`
		);
		this.addSql(
			`alter table "case_template_request_type" add constraint "case_template_request_type_appointment_type_id_foreign" foreign key ("appointment_type_id") references "appointment_type" ("id") on update cascade on delete cascade;`
		);
		this.addSql(
			`alter table "case_template_request_type" add constraint "case_template_request_type_duration_minutes_check" check ((((duration_minutes >= 5) AND (duration_minutes <= 480)) AND ((duration_minutes % 5) = 0)));`
		);

		this.addSql(
			`alter table "case_template_service" add constraint "case_template_service_case_template_id_foreign" foreign key ("case_template_id") references "case_template" ("id") on update cascade on delete cascade;`
		);
		this.addSql(
			`alter table "case_template_service" add constraint "case_template_service_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade on delete cascade;`
		);

		this.addSql(
			`alter table "appointment_type_service" add constraint "appointment_type_service_appointment_type_id_foreign" foreign key ("appointment_type_id") references "appointment_type" ("id") on update cascade on delete cascade;`
		);
		this.addSql(
			`alter table "appointment_type_service" add constraint "appointment_type_service_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade on delete cascade;`
		);

		this.addSql(
			`alter table "practitioner_service" add constraint "practitioner_service_service_id_foreign" foreign key ("service_id") references "service" ("id") on update cascade on delete cascade;`
		);
		this.addSql(
			`alter table "practitioner_service" add constraint "practitioner_service_user_id_foreign" foreign key ("user_id") references "app_user" ("id") on update cascade on delete cascade;`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(
			`alter table "case_template_request_type" drop constraint "case_template_request_type_appointment_type_id_foreign";`
		);
		this.addSql(
			`alter table "appointment_type_service" drop constraint "appointment_type_service_appointment_type_id_foreign";`
		);
		this.addSql(
			`alter table "case_template_request_type" drop constraint "case_template_request_type_template_id_foreign";`
		);
		this.addSql(
			`alter table "case_template_service" drop constraint "case_template_service_case_template_id_foreign";`
		);
		this.addSql(
			`alter table "case_template_service" drop constraint "case_template_service_service_id_foreign";`
		);
		this.addSql(
			`alter table "appointment_type_service" drop constraint "appointment_type_service_service_id_foreign";`
		);
		this.addSql(
			`alter table "practitioner_service" drop constraint "practitioner_service_service_id_foreign";`
		);

		this.addSql(`drop table if exists "appointment_type" cascade;`);
		this.addSql(`drop table if exists "case_template" cascade;`);
		this.addSql(`drop table if exists "case_template_request_type" cascade;`);
		this.addSql(`drop table if exists "service" cascade;`);
		this.addSql(`drop table if exists "case_template_service" cascade;`);
		this.addSql(`drop table if exists "appointment_type_service" cascade;`);
		this.addSql(`drop table if exists "practitioner_service" cascade;`);
	}
}
