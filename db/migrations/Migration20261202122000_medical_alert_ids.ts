import { Migration } from '@mikro-orm/migrations';

// Medical alerts get whole-number ids from one sequence (issue 21): Cliniko's /medical_alerts/:id
// addresses an alert by an integer, and the REST API's paths take only digits. Alerts stay a small
// document on the patient row; existing alerts are renumbered here, and a GIN index finds the
// patient that holds an alert id.
export class Migration20261202122000_medical_alert_ids extends Migration {
	override name = 'Migration20261202122000_medical_alert_ids';

	override up(): void | Promise<void> {
		this.addSql(`create sequence "medical_alert_id_seq";`);
		this.addSql(
			`update "patient" p set "medical_alerts" = (
				select coalesce(jsonb_agg(jsonb_set(t.alert, '{id}', to_jsonb(nextval('medical_alert_id_seq')::text)) order by t.ord), '[]'::jsonb)
				from jsonb_array_elements(p."medical_alerts") with ordinality as t(alert, ord)
			) where jsonb_array_length(p."medical_alerts") > 0;`
		);
		this.addSql(
			`create index "patient_medical_alerts_index" on "patient" using gin ("medical_alerts" jsonb_path_ops);`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`drop index "patient_medical_alerts_index";`);
		this.addSql(`drop sequence "medical_alert_id_seq";`);
	}
}
