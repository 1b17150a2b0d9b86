// Staff sessions: created at sign-in, checked on every request, ended by sign-out, by an admin, by
// deactivation, or by the idle (default 30 min) and absolute (default 12 h) time-outs.
import type { InferKyselyDB } from '@mikro-orm/postgresql';
import type { Em } from '../db/orm.ts';
import { getConfig } from '../config.ts';
import type { SessionUser } from './actor.ts';
import { sessionCache, sessionsChanged } from './session-cache.ts';
import { Session, type SessionSchema } from './session.entity.ts';
import { hashToken, newToken } from './tokens.ts';
import { User, type UserSchema } from './user.entity.ts';

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
	sessionId: string;
	user: SessionUser;
}

/** The tables the per-request session read joins, typed from their entities. */
type SessionDb = InferKyselyDB<typeof SessionSchema | typeof UserSchema>;

/** One plain read of a session and its user (see readSession): the row type is the compiler's. */
function sessionQuery(em: Em, tokenHash: string) {
	return em
		.getKysely<SessionDb>()
		.selectFrom('session as s')
		.innerJoin('app_user as u', 'u.id', 's.user_id')
		.select([
			's.id',
			's.last_seen_at',
			's.expires_at',
			's.ended_at',
			'u.id as user_id',
			'u.kind',
			'u.name',
			'u.email',
			'u.roles',
			'u.is_active',
			'u.totp_enabled_at'
		])
		.where('s.token_hash', '=', tokenHash);
}

type SessionRow = NonNullable<Awaited<ReturnType<ReturnType<typeof sessionQuery>['executeTakeFirst']>>>;

const rememberedSessions = sessionCache<SessionRow>();

/**
 * The live session for a cookie token, or null (unknown, ended, idle, expired, or user inactive).
 * Runs on every request: one plain query (or none, for a session read in the last few seconds, see
 * session-cache.ts), no entity hydration, and a write only when the session ends or its lastSeenAt
 * is more than a minute old.
 */
export async function validateSession(
	em: Em,
	token: string,
	options: { now?: Date; policy?: SessionPolicy; touch?: boolean } = {}
): Promise<ValidSession | null> {
	if (!token || token.length > 100) return null;
	const now = options.now ?? new Date();
	const policy = options.policy ?? sessionPolicy();
	const tokenHash = hashToken(token);
	let row = rememberedSessions.get(tokenHash);
	if (!row) {
		row = await sessionQuery(em, tokenHash).executeTakeFirst();
		if (!row || row.ended_at) return null;
		rememberedSessions.set(tokenHash, row);
	}
	const lastSeenAt = new Date(row.last_seen_at);
	const idleLimit = lastSeenAt.getTime() + policy.idleMinutes * 60_000;
	const reason = !row.is_active
		? 'deactivated'
		: now.getTime() >= new Date(row.expires_at).getTime()
			? 'expired'
			: now.getTime() >= idleLimit
				? 'idle'
				: null;
	if (reason) {
		rememberedSessions.delete(tokenHash);
		await em.nativeUpdate(Session, { id: row.id, endedAt: null }, { endedAt: now, endReason: reason });
		return null;
	}
	// A check made for the person rather than by them (the live inbox's stream) is no activity.
	if (options.touch !== false && now.getTime() - lastSeenAt.getTime() > TOUCH_AFTER_MS) {
		await em.nativeUpdate(Session, { id: row.id }, { lastSeenAt: now });
		rememberedSessions.update(tokenHash, { ...row, last_seen_at: now });
	}
	return {
		sessionId: row.id,
		user: {
			id: row.user_id,
			kind: row.kind,
			name: row.name,
			email: row.email,
			roles: [...row.roles],
			hasTwoFactor: Boolean(row.totp_enabled_at)
		}
	};
}

export async function endSession(em: Em, sessionId: string, reason: string, now = new Date()): Promise<void> {
	await em.nativeUpdate(Session, { id: sessionId, endedAt: null }, { endedAt: now, endReason: reason });
	await sessionsChanged(em);
}

/** Ends every live session of a user (optionally keeping one); returns how many ended. */
export async function endUserSessions(
	em: Em,
	userId: string,
	reason: string,
	options: { except?: string | null; now?: Date } = {}
): Promise<number> {
	const ended = await em.nativeUpdate(
		Session,
		{ user: userId, endedAt: null, ...(options.except ? { id: { $ne: options.except } } : {}) },
		{ endedAt: options.now ?? new Date(), endReason: reason }
	);
	await sessionsChanged(em);
	return ended;
}

export async function listUserSessions(em: Em, userId: string, now = new Date()) {
	return em.find(
		Session,
		{ user: userId, endedAt: null, expiresAt: { $gt: now } },
		{ orderBy: { lastSeenAt: 'desc' } }
	);
}
