// A staff member's key for the REST API (/api/v1). The key itself is shown once, at creation; only
// its SHA-256 is stored (like session tokens), with a short prefix so a person can tell keys apart.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { User } from './user.entity.ts';

const ApiKeySchema = defineEntity({
	name: 'ApiKey',
	tableName: 'api_key',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		user: () => p.manyToOne(User).deleteRule('cascade').index(),
		name: p.string().length(100),
		tokenHash: p.string().length(64).unique(),
		/** The first characters of the key ("cbk_AbC123"), shown in lists; not enough to use it. */
		prefix: p.string().length(16),
		createdAt: p.datetime().onCreate(() => new Date()),
		/** Updated at most once a minute (see TOUCH_AFTER_MS). */
		lastUsedAt: p.datetime().nullable(),
		revokedAt: p.datetime().nullable(),
		/** What the key may do: ['*'] (everything its user may) or scopes such as team_cases:write. */
		scopes: p.array().default(['*'])
	}
});

export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);
export { ApiKeySchema };
