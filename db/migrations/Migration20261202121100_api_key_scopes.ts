import { Migration } from '@mikro-orm/migrations';

// Issue 21: an API key can be limited to scopes (team_cases:write…). Existing keys keep full
// access ('*'), as they had.
export class Migration20261202121100_api_key_scopes extends Migration {
	override name = 'Migration20261202121100_api_key_scopes';

	override up(): void | Promise<void> {
		this.addSql(`alter table "api_key" add "scopes" text[] not null default '{*}';`);
	}

	override down(): void | Promise<void> {
		this.addSql(`alter table "api_key" drop column "scopes";`);
	}
}
