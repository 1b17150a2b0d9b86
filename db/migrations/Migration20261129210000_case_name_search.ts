import { Migration } from '@mikro-orm/migrations';

// Indexes the load benchmark asked for: case search matches names anywhere (ILIKE '%…%'), which a
// trigram index answers instead of reading every case; the case page lists the cases merged into
// it; the patient list sorts by created, updated and birth date as it does by name, so each page
// is an index range scan instead of a sort of every patient.
export class Migration20261129210000_case_name_search extends Migration {
	override name = 'Migration20261129210000_case_name_search';

	override up(): void | Promise<void> {
		this.addSql(`create index "clinic_case_name_trgm" on "clinic_case" using gin ("name" gin_trgm_ops);`);
		this.addSql(`create index "clinic_case_merged_into_id_index" on "clinic_case" ("merged_into_id");`);
		this.addSql(
			`create index "patient_active_created" on "patient" ("created_at", "id") where "deleted_at" is null and "archived_at" is null;`
		);
		this.addSql(
			`create index "patient_active_updated" on "patient" ("updated_at", "id") where "deleted_at" is null and "archived_at" is null;`
		);
		this.addSql(
			`create index "patient_active_birth" on "patient" ((coalesce("date_of_birth", 'infinity'::date)), "id") where "deleted_at" is null and "archived_at" is null;`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop index "patient_active_birth";`);
		this.addSql(`drop index "patient_active_updated";`);
		this.addSql(`drop index "patient_active_created";`);
		this.addSql(`drop index "clinic_case_merged_into_id_index";`);
		this.addSql(`drop index "clinic_case_name_trgm";`);
	}
}
