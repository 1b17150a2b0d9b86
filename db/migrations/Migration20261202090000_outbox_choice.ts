import { Migration } from '@mikro-orm/migrations';

// An admin may keep the built-in outbox as the clinic's way of delivering email and SMS (no SMTP or
// Twilio): the home's set-up checklist counts that choice as done (issue 19).
export class Migration20261202090000_outbox_choice extends Migration {
	override name = 'Migration20261202090000_outbox_choice';

	override up(): void | Promise<void> {
		this.addSql(`alter table "clinic_settings" add column "outbox_chosen_at" timestamptz null;`);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "clinic_settings" drop column "outbox_chosen_at";`);
	}
}
