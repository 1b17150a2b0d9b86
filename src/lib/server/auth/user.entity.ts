// A person who signs in with a password: clinic staff (with roles) or, later, an outside referrer.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { ROLES, type Role } from '../../schemas/staff.ts';

export const USER_KINDS = ['staff', 'referrer'] as const;
export type UserKind = (typeof USER_KINDS)[number];

const UserSchema = defineEntity({
	name: 'User',
	tableName: 'app_user',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		kind: p.enum(USER_KINDS).default('staff'),
		name: p.string().length(120),
		// Always stored lower-case: unique regardless of how it was typed.
		email: p.string().length(254).unique(),
		mobile: p.string().length(20).nullable(),
		roles: p.array().$type<Role[]>().default([]),
		isActive: p.boolean().default(true),
		passwordHash: p.text().nullable().hidden().lazy(),
		passwordChangedAt: p.datetime().nullable(),
		totpSecret: p.string().length(64).nullable().hidden().lazy(),
		totpEnabledAt: p.datetime().nullable(),
		// The last accepted TOTP time step: a code is never accepted twice.
		totpLastStep: p.bigint('number').nullable().hidden(),
		lastSignInAt: p.datetime().nullable(),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	}
});

export class User extends UserSchema.class {
	hasRole(role: Role): boolean {
		// An admin can do everything a scheduler or practitioner can.
		return this.roles.includes('admin') || this.roles.includes(role);
	}
}
UserSchema.setClass(User);
export { UserSchema };
export { ROLES };
