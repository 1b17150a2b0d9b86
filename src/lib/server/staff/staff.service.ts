// Managing staff accounts (admin). Deactivating someone ends their sessions at once; the clinic
// can never lose its last active admin.
import type { FilterQuery } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import type { Role } from '../../schemas/staff.ts';
import { changedFields, recordAudit, recordAuditNow } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { findLiveApiKeysOf, revokeApiKeysOf } from '../auth/api-keys.service.ts';
import { endPasswordLinks, sendPasswordLink } from '../auth/auth.service.ts';
import { hashPassword } from '../auth/passwords.ts';
import { endUserSessions, listUserSessions } from '../auth/sessions.service.ts';
import { User } from '../auth/user.entity.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError, notFound } from '../errors.ts';
import type {
	createStaffInput,
	findReferrersInput,
	findStaffInput,
	inviteReferrerInput,
	setReferrerActiveInput,
	updateStaffInput
} from './staff.schemas.ts';
import { escapeLike } from '../db/like.ts';

export interface StaffView {
	id: string;
	name: string;
	email: string;
	mobile: string | null;
	roles: Role[];
	isActive: boolean;
	hasTwoFactor: boolean;
	hasPassword: boolean;
	lastSignInAt: Date | null;
	createdAt: Date;
	version: number;
}

function toView(user: User, hasPassword: boolean): StaffView {
	return {
		id: user.id,
		name: user.name,
		email: user.email,
		mobile: user.mobile ?? null,
		roles: [...user.roles],
		isActive: user.isActive,
		hasTwoFactor: Boolean(user.totpEnabledAt),
		hasPassword,
		lastSignInAt: user.lastSignInAt ?? null,
		createdAt: user.createdAt,
		version: user.version
	};
}

export async function findStaff(em: Em, input: z.output<typeof findStaffInput>) {
	const where: FilterQuery<User> = { kind: 'staff' };
	if (input.status !== 'all') where.isActive = input.status === 'active';
	if (input.role) where.roles = { $contains: [input.role] };
	if (input.search) {
		const like = `%${escapeLike(input.search)}%`;
		where.$or = [{ name: { $ilike: like } }, { email: { $ilike: like } }, { mobile: { $ilike: like } }];
	}
	const [users, total] = await em.findAndCount(User, where, {
		orderBy: { name: 'asc', id: 'asc' },
		limit: input.perPage,
		offset: (input.page - 1) * input.perPage,
		populate: ['passwordHash']
	});
	return {
		items: users.map((u) => toView(u, Boolean(u.passwordHash))),
		total,
		page: input.page,
		perPage: input.perPage,
		pageCount: Math.max(1, Math.ceil(total / input.perPage))
	};
}

async function loadStaff(em: Em, id: string): Promise<User> {
	const user = await em.findOne(User, { id, kind: 'staff' }, { populate: ['passwordHash'] });
	if (!user) throw notFound('Staff member');
	return user;
}

export async function getStaff(em: Em, id: string) {
	const user = await loadStaff(em, id);
	const sessions = await listUserSessions(em, id);
	return {
		...toView(user, Boolean(user.passwordHash)),
		activeSessions: sessions.map((s) => ({
			id: s.id,
			createdAt: s.createdAt,
			lastSeenAt: s.lastSeenAt,
			ip: s.ip,
			userAgent: s.userAgent
		}))
	};
}

async function assertEmailFree(em: Em, email: string, exceptId?: string) {
	const taken = await em.count(User, { email, ...(exceptId ? { id: { $ne: exceptId } } : {}) });
	if (taken) {
		throw new AppError('CONFLICT', 'That email already has an account.', {
			fieldErrors: { email: ['That email already has an account'] }
		});
	}
}

export async function createStaff(
	em: Em,
	actor: Actor,
	input: z.output<ReturnType<typeof createStaffInput>>
) {
	return em.transactional(async (tx) => {
		await assertEmailFree(tx, input.email);
		const user = tx.create(User, {
			kind: 'staff',
			name: input.name,
			email: input.email,
			mobile: input.mobile ?? null,
			roles: input.roles,
			passwordHash: input.password ? await hashPassword(input.password) : null,
			passwordChangedAt: input.password ? new Date() : null
		});
		await tx.flush();
		if (!input.password) await sendPasswordLink(tx, user, 'welcome');
		recordAudit(tx, actor, {
			action: 'staff.create',
			recordType: 'user',
			recordId: user.id,
			changedFields: ['name', 'email', 'mobile', 'roles', ...(input.password ? ['password'] : [])],
			details: { invited: !input.password }
		});
		return toView(user, Boolean(input.password));
	});
}

async function assertAnotherAdminRemains(em: Em, userId: string) {
	const others = await em.count(User, {
		kind: 'staff',
		isActive: true,
		roles: { $contains: ['admin'] },
		id: { $ne: userId }
	});
	if (others === 0) {
		throw new AppError(
			'CONFLICT',
			'Casebook needs at least one active admin. Make someone else an admin first.'
		);
	}
}

export async function updateStaff(
	em: Em,
	actor: Actor,
	input: z.output<ReturnType<typeof updateStaffInput>>
) {
	return em.transactional(async (tx) => {
		const user = await loadStaff(tx, input.id);
		assertVersion(user, input.version, 'account');
		const before = {
			name: user.name,
			email: user.email,
			mobile: user.mobile ?? null,
			roles: [...user.roles],
			isActive: user.isActive
		};
		const after = {
			name: input.name,
			email: input.email,
			mobile: input.mobile,
			roles: input.roles,
			isActive: input.isActive
		};
		const fields = changedFields(before, after);
		if (fields.length === 0) return toView(user, Boolean(user.passwordHash));
		if (
			before.roles.includes('admin') &&
			before.isActive &&
			(!after.roles.includes('admin') || !after.isActive)
		) {
			await assertAnotherAdminRemains(tx, user.id);
		}
		if (after.email !== before.email) await assertEmailFree(tx, after.email, user.id);
		Object.assign(user, after);
		await tx.flush();
		let sessionsEnded = 0;
		if (!after.isActive && before.isActive) sessionsEnded = await endUserSessions(tx, user.id, 'deactivated');
		recordAudit(tx, actor, {
			action:
				after.isActive === before.isActive
					? 'staff.update'
					: after.isActive
						? 'staff.reactivate'
						: 'staff.deactivate',
			recordType: 'user',
			recordId: user.id,
			changedFields: fields,
			details: sessionsEnded ? { sessionsEnded } : undefined
		});
		return toView(user, Boolean(user.passwordHash));
	});
}

export async function endStaffSessions(em: Em, actor: Actor, id: string) {
	return em.transactional(async (tx) => {
		const user = await loadStaff(tx, id);
		const ended = await endUserSessions(tx, user.id, 'ended_by_admin', {
			except: actor.user?.id === user.id ? actor.sessionId : null
		});
		recordAudit(tx, actor, {
			action: 'staff.end_sessions',
			recordType: 'user',
			recordId: user.id,
			details: { ended }
		});
		return { ended };
	});
}

export async function sendStaffPasswordReset(em: Em, actor: Actor, id: string) {
	await em.transactional(async (tx) => {
		const user = await loadStaff(tx, id);
		if (!user.isActive)
			throw new AppError('CONFLICT', 'Reactivate this account before sending a reset link.');
		await sendPasswordLink(tx, user, user.passwordHash ? 'reset' : 'welcome');
		recordAudit(tx, actor, { action: 'staff.password_reset_sent', recordType: 'user', recordId: user.id });
	});
}

/**
 * A staff member's live API keys, for the admin's page: a deactivation or a reset link does not stop
 * a key for good (reactivating brings it back), so the page offers to revoke them.
 */
export async function findStaffApiKeys(em: Em, actor: Actor, id: string) {
	const user = await loadStaff(em, id);
	const keys = await findLiveApiKeysOf(em, user.id);
	await recordAuditNow(em, actor, { action: 'api_key.list', recordType: 'user', recordId: user.id });
	return keys;
}

export async function revokeStaffApiKeys(em: Em, actor: Actor, id: string) {
	const user = await loadStaff(em, id);
	return revokeApiKeysOf(em, actor, user.id);
}

/** For the CLI: set a password directly (ends the user's sessions and outstanding reset links). */
export async function setStaffPassword(em: Em, actor: Actor, email: string, password: string) {
	return em.transactional(async (tx) => {
		const user = await tx.findOne(User, { email: email.toLowerCase() }, { populate: ['passwordHash'] });
		if (!user) throw notFound('Account');
		user.passwordHash = await hashPassword(password);
		user.passwordChangedAt = new Date();
		await tx.flush();
		await endUserSessions(tx, user.id, 'password_reset');
		await endPasswordLinks(tx, user.id);
		recordAudit(tx, actor, {
			action: 'auth.password_reset',
			recordType: 'user',
			recordId: user.id,
			changedFields: ['password'],
			details: { via: 'cli' }
		});
		return user;
	});
}

// ---------------------------------------------------------------------------------------------
// Referrers (issue 7): outside senders. An admin invites one; the invitation email carries a link
// to choose a password (72 hours). They see only the cases they sent.

export async function findReferrers(em: Em, input: z.output<typeof findReferrersInput>) {
	const where: FilterQuery<User> = { kind: 'referrer' };
	if (input.status !== 'all') where.isActive = input.status === 'active';
	if (input.search) {
		const like = `%${escapeLike(input.search)}%`;
		where.$or = [{ name: { $ilike: like } }, { email: { $ilike: like } }];
	}
	const users = await em.find(User, where, {
		orderBy: { name: 'asc', id: 'asc' },
		limit: 500,
		populate: ['passwordHash']
	});
	return users.map((u) => ({
		id: u.id,
		name: u.name,
		email: u.email,
		isActive: u.isActive,
		hasPassword: Boolean(u.passwordHash),
		lastSignInAt: u.lastSignInAt ?? null
	}));
}

export async function inviteReferrer(em: Em, actor: Actor, input: z.output<typeof inviteReferrerInput>) {
	return em.transactional(async (tx) => {
		await assertEmailFree(tx, input.email);
		const user = tx.create(User, { kind: 'referrer', name: input.name, email: input.email, roles: [] });
		await tx.flush();
		await sendPasswordLink(tx, user, 'welcome');
		recordAudit(tx, actor, {
			action: 'referrer.invite',
			recordType: 'user',
			recordId: user.id,
			changedFields: ['name', 'email']
		});
		return { id: user.id, name: user.name, email: user.email };
	});
}

export async function setReferrerActive(
	em: Em,
	actor: Actor,
	input: z.output<typeof setReferrerActiveInput>
) {
	return em.transactional(async (tx) => {
		const user = await tx.findOne(User, { id: input.id, kind: 'referrer' });
		if (!user) throw new AppError('NOT_FOUND', 'Referrer not found');
		user.isActive = input.isActive;
		await tx.flush();
		if (!input.isActive) await endUserSessions(tx, user.id, 'deactivated');
		recordAudit(tx, actor, {
			action: input.isActive ? 'referrer.activate' : 'referrer.deactivate',
			recordType: 'user',
			recordId: user.id,
			changedFields: ['isActive']
		});
		return { id: user.id, isActive: user.isActive };
	});
}
