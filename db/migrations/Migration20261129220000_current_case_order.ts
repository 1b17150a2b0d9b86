import { Migration } from '@mikro-orm/migrations';

// The staff case lists leave out cases archived through the REST API (as Cliniko does): their order
// index covers the current cases only, so a page and its count still read the index alone.
export class Migration20261129220000_current_case_order extends Migration {
	override name = 'Migration20261129220000_current_case_order';

	override up(): void | Promise<void> {
		this.addSql(`drop index "clinic_case_status_issued_on_id_index";`);
		this.addSql(
			`create index "clinic_case_current_order" on "clinic_case" ("status", "issued_on", "id") where "archived_at" is null;`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop index "clinic_case_current_order";`);
		this.addSql(
			`create index "clinic_case_status_issued_on_id_index" on "clinic_case" ("status", "issued_on", "id");`
		);
	}
}
