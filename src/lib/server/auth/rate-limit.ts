// Fixed-window counters in PostgreSQL, shared by every web instance: sign-in failures, password
// checks, password reset and portal-link requests are limited per account, per source and per IP.
import type { Em } from '../db/orm.ts';

export interface Limit {
	points: number;
	windowSeconds: number;
}

export interface LimitState {
	count: number;
	resetAt: Date;
	/** Seconds until the window resets (at least 1). */
	retryAfter: number;
	isOver: boolean;
}

function state(count: number, resetAt: Date, limit: Limit, now: Date): LimitState {
	return {
		count,
		resetAt,
		retryAfter: Math.max(1, Math.ceil((resetAt.getTime() - now.getTime()) / 1000)),
		isOver: count > limit.points
	};
}

/** Counts one hit against `key` and returns the state after it. */
export async function hitLimit(em: Em, key: string, limit: Limit, now = new Date()): Promise<LimitState> {
	const rows = await em.getConnection().execute<{ points: number; reset_at: Date }[]>(
		`insert into rate_limit (key, points, reset_at) values (?, 1, ?)
		 on conflict (key) do update set
		   points = case when rate_limit.reset_at <= ? then 1 else rate_limit.points + 1 end,
		   reset_at = case when rate_limit.reset_at <= ? then excluded.reset_at else rate_limit.reset_at end
		 returning points, reset_at`,
		[key, new Date(now.getTime() + limit.windowSeconds * 1000), now, now]
	);
	const row = rows[0]!;
	return state(row.points, new Date(row.reset_at), limit, now);
}

/** The state of `key` without counting a hit. */
export async function peekLimit(em: Em, key: string, limit: Limit, now = new Date()): Promise<LimitState> {
	const rows = await em
		.getConnection()
		.execute<{ points: number; reset_at: Date }[]>(
			`select points, reset_at from rate_limit where key = ? and reset_at > ?`,
			[key, now]
		);
	const row = rows[0];
	return row ? state(row.points, new Date(row.reset_at), limit, now) : state(0, now, limit, now);
}

/** The state of several keys in one query, in the order given. */
export async function peekLimits(
	em: Em,
	entries: readonly { key: string; limit: Limit }[],
	now = new Date()
): Promise<LimitState[]> {
	const rows = await em
		.getConnection()
		.execute<{ key: string; points: number; reset_at: Date }[]>(
			`select key, points, reset_at from rate_limit where key in (${entries.map(() => '?').join(', ')}) and reset_at > ?`,
			[...entries.map((e) => e.key), now]
		);
	const byKey = new Map(rows.map((row) => [row.key, row]));
	return entries.map(({ key, limit }) => {
		const row = byKey.get(key);
		return row ? state(row.points, new Date(row.reset_at), limit, now) : state(0, now, limit, now);
	});
}

// Clearing runs in the caller's transaction (em.execute): a reset that rolls back clears nothing.
export async function clearLimit(em: Em, key: string): Promise<void> {
	await em.execute(`delete from rate_limit where key = ?`, [key]);
}

/** Clears every key that starts with `prefix` (e.g. one account's counters for each source). */
export async function clearLimitsStartingWith(em: Em, prefix: string): Promise<void> {
	await em.execute(`delete from rate_limit where starts_with(key, ?)`, [prefix]);
}
