import { Migration } from '@mikro-orm/migrations';

// The Reports page (issue 19) reads cases by when they were sent, created and closed, and portal
// requests by when they were made and decided: each range reads an index, not the whole table. A
// case's practitioner (whoever has its latest appointment) is one ordered pass over an index.
export class Migration20261202091000_report_indexes extends Migration {
	override name = 'Migration20261202091000_report_indexes';

	override up(): void | Promise<void> {
		this.addSql(
			`create index "appointment_case_latest_index" on "appointment" ("case_id", "starts_at" desc, "id" desc) include ("practitioner_id") where "case_id" is not null;`
		);
		this.addSql(
			`create index "clinic_case_sent_at_index" on "clinic_case" ("sent_at") where "sent_at" is not null;`
		);
		this.addSql(`create index "clinic_case_created_at_index" on "clinic_case" ("created_at");`);
		this.addSql(
			`create index "clinic_case_closed_at_index" on "clinic_case" ("closed_at") where "closed_at" is not null;`
		);
		this.addSql(
			`create index "appointment_request_created_at_index" on "appointment_request" ("created_at");`
		);
		this.addSql(
			`create index "appointment_request_decided_at_index" on "appointment_request" ("decided_at") where "decided_at" is not null;`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop index "appointment_request_decided_at_index";`);
		this.addSql(`drop index "appointment_request_created_at_index";`);
		this.addSql(`drop index "clinic_case_closed_at_index";`);
		this.addSql(`drop index "clinic_case_created_at_index";`);
		this.addSql(`drop index "clinic_case_sent_at_index";`);
		this.addSql(`drop index "appointment_case_latest_index";`);
	}
}
