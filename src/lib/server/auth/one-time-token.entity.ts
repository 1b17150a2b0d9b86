// Single-use secrets sent by link or held between sign-in steps: first-admin setup, password reset,
// the second step of a two-factor sign-in. Only the token's SHA-256 is stored.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { User } from './user.entity.ts';

export const TOKEN_PURPOSES = ['first_admin', 'password_reset', 'two_factor'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

const OneTimeTokenSchema = defineEntity({
	name: 'OneTimeToken',
	tableName: 'one_time_token',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		purpose: p.string().length(40),
		tokenHash: p.string().length(64).unique(),
		user: () => p.manyToOne(User).nullable().deleteRule('cascade'),
		createdAt: p.datetime(),
		expiresAt: p.datetime(),
		usedAt: p.datetime().nullable()
	},
	indexes: [{ name: 'one_time_token_user_purpose_index', properties: ['user', 'purpose'] }]
});

export class OneTimeToken extends OneTimeTokenSchema.class {}
OneTimeTokenSchema.setClass(OneTimeToken);
export { OneTimeTokenSchema };
