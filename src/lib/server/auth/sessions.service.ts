// Staff sessions: created at sign-in, checked on every request, ended by sign-out, by an admin, by
// deactivation, or by the idle (default 30 min) and absolute (default 12 h) time-outs.
import type { Em } from '../db/orm.ts';
import { getConfig } from '../config.ts';
import type { SessionUser } from './actor.ts';
import { Session } from './session.entity.ts';
import { hashToken, newToken } from './tokens.ts';
import { User } from './user.entity.ts';

export interface SessionPolicy {
	idleMinutes: number;
	absoluteHours: number;
}

export function sessionPolicy(): SessionPolicy {
	const config = getConfig();
	return { idleMinutes: config.SESSION_IDLE_MINUTES, absoluteHours: config.SESSION_ABSOLUTE_HOURS };
}

/** How stale lastSeenAt may get before a request refreshes it (saves a write per request). */
const TOUCH_AFTER_MS = 60_000;

export function toSessionUser(user: User): SessionUser {
	return {
		id: user.id,
		kind: user.kind,
		name: user.name,
		email: user.email,
		roles: [...user.roles],
		hasTwoFactor: Boolean(user.totpEnabledAt)
	};
}

export async function createSession(
	em: Em,
	options: { user: User; ip?: string | null; userAgent?: string | null; now?: Date; policy?: SessionPolicy }
): Promise<{ token: string; session: Session }> {
	const now = options.now ?? new Date();
	const policy = options.policy ?? sessionPolicy();
	const token = newToken();
	const session = em.create(Session, {
		tokenHash: hashToken(token),
		user: options.user,
		createdAt: now,
		lastSeenAt: now,
		expiresAt: new Date(now.getTime() + policy.absoluteHours * 3_600_000),
		ip: options.ip ?? null,
		userAgent: options.userAgent?.slice(0, 300) ?? null
	});
	await em.flush();
	return { token, session };
}

export interface ValidSession {
	session: Session;
	user: User;
}

/** The live session for a cookie token, or null (unknown, ended, idle, expired, or user inactive). */
export async function validateSession(
	em: Em,
	token: string,
	options: { now?: Date; policy?: SessionPolicy } = {}
): Promise<ValidSession | null> {
	if (!token || token.length > 100) return null;
	const now = options.now ?? new Date();
	const policy = options.policy ?? sessionPolicy();
	const session = await em.findOne(Session, { tokenHash: hashToken(token) }, { populate: ['user'] });
	if (!session || session.endedAt) return null;
	const user = session.user as User;
	const idleLimit = session.lastSeenAt.getTime() + policy.idleMinutes * 60_000;
	const reason = !user.isActive
		? 'deactivated'
		: now.getTime() >= session.expiresAt.getTime()
			? 'expired'
			: now.getTime() >= idleLimit
				? 'idle'
				: null;
	if (reason) {
		session.endedAt = now;
		session.endReason = reason;
		await em.flush();
		return null;
	}
	if (now.getTime() - session.lastSeenAt.getTime() > TOUCH_AFTER_MS) {
		session.lastSeenAt = now;
		await em.flush();
	}
	return { session, user };
}

export async function endSession(em: Em, sessionId: string, reason: string, now = new Date()): Promise<void> {
	await em.nativeUpdate(Session, { id: sessionId, endedAt: null }, { endedAt: now, endReason: reason });
}

/** Ends every live session of a user (optionally keeping one); returns how many ended. */
export async function endUserSessions(
	em: Em,
	userId: string,
	reason: string,
	options: { except?: string | null; now?: Date } = {}
): Promise<number> {
	return em.nativeUpdate(
		Session,
		{ user: userId, endedAt: null, ...(options.except ? { id: { $ne: options.except } } : {}) },
		{ endedAt: options.now ?? new Date(), endReason: reason }
	);
}

export async function listUserSessions(em: Em, userId: string, now = new Date()) {
	return em.find(
		Session,
		{ user: userId, endedAt: null, expiresAt: { $gt: now } },
		{ orderBy: { lastSeenAt: 'desc' } }
	);
}
