// A signed-in browser. The cookie holds a random token; only its SHA-256 is stored here.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { User } from './user.entity.ts';

const SessionSchema = defineEntity({
	name: 'Session',
	tableName: 'session',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		tokenHash: p.string().length(64).unique(),
		user: () => p.manyToOne(User).deleteRule('cascade').index(),
		createdAt: p.datetime(),
		lastSeenAt: p.datetime(),
		expiresAt: p.datetime(),
		ip: p.string().length(64).nullable(),
		userAgent: p.string().length(300).nullable(),
		endedAt: p.datetime().nullable(),
		endReason: p.string().length(40).nullable()
	},
	indexes: [
		{
			name: 'session_active_user_index',
			expression: 'create index "session_active_user_index" on "session" ("user_id") where "ended_at" is null'
		}
	]
});

export class Session extends SessionSchema.class {}
SessionSchema.setClass(Session);
export { SessionSchema };
