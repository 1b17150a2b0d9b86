import { Migration } from '@mikro-orm/migrations';

// Messages that carry a one-time link keep a redacted copy, which replaces the live text once a
// provider (SMTP, Twilio) has taken the message: the stored row never keeps a usable link.
export class Migration20261201090000_notification_redaction extends Migration {
	override name = 'Migration20261201090000_notification_redaction';

	override up(): void | Promise<void> {
		this.addSql(
			`alter table "notification" add column "redacted" jsonb null, add column "redacted_at" timestamptz null;`
		);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "notification" drop column "redacted", drop column "redacted_at";`);
	}
}
