// A brief memory of the session rows read on every request (staff and portal). Under load the same
// sessions make most of the requests, and reading the row was one query in four. An entry lives at
// most SESSION_CACHE_MS; the idle and absolute time-outs are still checked against the clock on every
// request. Every way this process ends a session (sign-out, deactivation, password change) clears the
// cache, and so does every flush that changes a user, a session, a patient or a portal session (roles,
// two-factor, archive). Each of those also sends a NOTIFY on SESSIONS_CHANNEL, in the same
// transaction: every web process of a fleet listens (app/runtime.ts) and forgets its sessions when
// the change commits. A change made by hand in the database, or while a process's listener is
// reconnecting, takes effect within SESSION_CACHE_MS.
import type { EntityManager, EventSubscriber, FlushEventArgs } from '@mikro-orm/postgresql';

export const SESSION_CACHE_MS = 5_000;
/** A bound on memory: past it the cache starts over (a thousand sessions are many for a clinic). */
const MAX_ENTRIES = 10_000;

export class SessionCache<T> {
	#entries = new Map<string, { value: T; at: number }>();

	get(key: string): T | undefined {
		const entry = this.#entries.get(key);
		if (!entry) return undefined;
		if (Date.now() - entry.at > SESSION_CACHE_MS) {
			this.#entries.delete(key);
			return undefined;
		}
		return entry.value;
	}

	set(key: string, value: T): void {
		if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
		this.#entries.set(key, { value, at: Date.now() });
	}

	/** Replaces the value and keeps its age: an entry never outlives SESSION_CACHE_MS from its read. */
	update(key: string, value: T): void {
		const entry = this.#entries.get(key);
		if (entry) entry.value = value;
	}

	delete(key: string): void {
		this.#entries.delete(key);
	}

	clear(): void {
		this.#entries.clear();
	}
}

const caches = new Set<SessionCache<unknown>>();

export function sessionCache<T>(): SessionCache<T> {
	const cache = new SessionCache<T>();
	caches.add(cache as SessionCache<unknown>);
	return cache;
}

/** Forgets every remembered session, staff and portal, in this process only. */
export function forgetSessions(): void {
	for (const cache of caches) cache.clear();
}

/** The channel on which a process tells the others that sessions changed. */
export const SESSIONS_CHANNEL = 'casebook_sessions';

/**
 * Sessions changed (ended, a user deactivated…): forgets them here, and tells every other process
 * through a NOTIFY sent on `em`, so inside its transaction: delivered when it commits, never when it
 * rolls back.
 */
export async function sessionsChanged(em: EntityManager): Promise<void> {
	forgetSessions();
	// The payload names the process: a listener may skip its own announcements.
	await em.execute(`select pg_notify('${SESSIONS_CHANNEL}', ?)`, [String(process.pid)]);
}

const WATCHED = new Set(['User', 'Session', 'Patient', 'PortalSession']);

/** Clears the caches when a flush writes a user, a session, a patient or a portal session. */
export class SessionCacheInvalidator implements EventSubscriber {
	async afterFlush(args: FlushEventArgs): Promise<void> {
		const changesSessions = args.uow
			.getChangeSets()
			.some((changeSet) => WATCHED.has(changeSet.meta.className) || WATCHED.has(changeSet.meta.name ?? ''));
		// After an implicit transaction has committed, or inside the caller's (delivered at its commit).
		if (changesSessions) await sessionsChanged(args.em as EntityManager);
	}
}
