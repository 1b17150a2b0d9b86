import { Migration } from '@mikro-orm/migrations';

// The schema as the entities declare it, so that `npm run db:migration:create` proposes nothing:
// session 7's hand-written migrations named foreign keys as PostgreSQL does (`_fkey`, MikroORM
// expects `_foreign`) and left three enum columns without their check. Same rules, new names; the
// checks hold for every stored value (each column was only ever written from its enum).
const RENAMED_FOREIGN_KEYS = [
	['scheduled_reminder', 'appointment_id'],
	['patient_reply', 'patient_id'],
	['patient_reply', 'appointment_id'],
	['patient_reply', 'handled_by_id']
] as const;

export class Migration20261202170000_schema_matches_entities extends Migration {
	override name = 'Migration20261202170000_schema_matches_entities';

	override up(): void | Promise<void> {
		for (const [table, column] of RENAMED_FOREIGN_KEYS)
			this.addSql(
				`alter table "${table}" rename constraint "${table}_${column}_fkey" to "${table}_${column}_foreign";`
			);
		this.addSql(`alter table "scheduled_reminder" alter column "status" type text using ("status"::text);`);
		this.addSql(
			`alter table "scheduled_reminder" add constraint "scheduled_reminder_status_check" check ("status" in ('scheduled', 'sent', 'skipped', 'retired'));`
		);
		this.addSql(`alter table "patient_reply" alter column "outcome" type text using ("outcome"::text);`);
		this.addSql(
			`alter table "patient_reply" add constraint "patient_reply_outcome_check" check ("outcome" in ('confirmed', 'cancelled', 'call_requested', 'other'));`
		);
		this.addSql(
			`alter table "webhook_delivery" add constraint "webhook_delivery_status_check" check ("status" in ('pending', 'succeeded', 'failed'));`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "webhook_delivery" drop constraint "webhook_delivery_status_check";`);
		this.addSql(`alter table "patient_reply" drop constraint "patient_reply_outcome_check";`);
		this.addSql(
			`alter table "patient_reply" alter column "outcome" type varchar(20) using ("outcome"::varchar(20));`
		);
		this.addSql(`alter table "scheduled_reminder" drop constraint "scheduled_reminder_status_check";`);
		this.addSql(
			`alter table "scheduled_reminder" alter column "status" type varchar(20) using ("status"::varchar(20));`
		);
		for (const [table, column] of RENAMED_FOREIGN_KEYS)
			this.addSql(
				`alter table "${table}" rename constraint "${table}_${column}_foreign" to "${table}_${column}_fkey";`
			);
	}
}
