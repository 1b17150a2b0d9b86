import { Migration } from '@mikro-orm/migrations';

// The clinic's clock (issue 18): every page, email and SMS writes times on it, "2:30 pm" or "14:30".
export class Migration20261202082000_clinic_clock extends Migration {
	override name = 'Migration20261202082000_clinic_clock';

	override up(): void | Promise<void> {
		this.addSql(`alter table "clinic_settings" add column "clock" text not null default '12h';`);
		this.addSql(
			`alter table "clinic_settings" add constraint "clinic_settings_clock_check" check ("clock" in ('12h', '24h'));`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "clinic_settings" drop constraint "clinic_settings_clock_check";`);
		this.addSql(`alter table "clinic_settings" drop column "clock";`);
	}
}
