// Fixed-window counters in PostgreSQL, shared by every web instance: sign-in, password reset and
// portal-link requests are limited per account and per IP.
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

export async function clearLimit(em: Em, key: string): Promise<void> {
	await em.getConnection().execute(`delete from rate_limit where key = ?`, [key]);
}
