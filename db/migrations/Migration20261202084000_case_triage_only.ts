import { Migration } from '@mikro-orm/migrations';

// Issue 18: a treatment case can now be sent to teams too, so "sent" no longer means "a triage
// case staff wrote for each other". The new flag marks the cases that were created by sending
// (every case sent until now): the portal hides those, and their missing template does not make
// them visible to every practitioner. A treatment case keeps both after it is sent.
export class Migration20261202084000_case_triage_only extends Migration {
	override name = 'Migration20261202084000_case_triage_only';

	override up(): void | Promise<void> {
		this.addSql(`alter table "clinic_case" add column "is_triage_only" boolean not null default false;`);
		this.addSql(`update "clinic_case" set "is_triage_only" = true where "sent_at" is not null;`);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "clinic_case" drop column "is_triage_only";`);
	}
}
