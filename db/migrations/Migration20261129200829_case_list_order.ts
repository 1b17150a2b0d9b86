import { Migration } from '@mikro-orm/migrations';

// The case list reads open cases first, newest first, by (status desc, issued_on desc, id desc):
// this index, read backwards, answers a page without sorting every case.
export class Migration20261129200829_case_list_order extends Migration {
	override name = 'Migration20261129200829_case_list_order';

	override up(): void | Promise<void> {
		this.addSql(`drop index "clinic_case_status_issued_on_index";`);
		this.addSql(
			`create index "clinic_case_status_issued_on_id_index" on "clinic_case" ("status", "issued_on", "id");`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop index "clinic_case_status_issued_on_id_index";`);
		this.addSql(
			`create index "clinic_case_status_issued_on_index" on "clinic_case" ("status", "issued_on");`
		);
	}
}
