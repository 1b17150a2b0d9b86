import { Migration } from '@mikro-orm/migrations';

// A case that came without a patient and is linked to one records it on the case's own trail (the
// routing panel and the case timeline), not only in the audit trail.
export class Migration20261202160000_case_event_patient_linked extends Migration {
	override name = 'Migration20261202160000_case_event_patient_linked';

	override up(): void | Promise<void> {
		this.addSql(`alter table "case_event" drop constraint if exists "case_event_kind_check";`);
		this.addSql(
			`alter table "case_event" add constraint "case_event_kind_check" check ("kind" in ('sent', 'escalated', 'delivery', 'acknowledged', 'taken_over', 'retriaged', 'comment', 'closed', 'reopened', 'patient_linked'));`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`delete from "case_event" where "kind" = 'patient_linked';`);
		this.addSql(`alter table "case_event" drop constraint if exists "case_event_kind_check";`);
		this.addSql(
			`alter table "case_event" add constraint "case_event_kind_check" check ("kind" in ('sent', 'escalated', 'delivery', 'acknowledged', 'taken_over', 'retriaged', 'comment', 'closed', 'reopened'));`
		);
	}
}
