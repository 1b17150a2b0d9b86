// 200 requests a minute per API key (Cliniko's limit). Counted in PostgreSQL's rate_limit table
// (the same fixed-window counters as sign-in), so the limit holds across web instances and
// restarts; one upsert per request.
import { hitLimit, type Limit } from '../auth/rate-limit.ts';
import type { Em } from '../db/orm.ts';
import { ApiError } from './http.ts';

export const API_RATE_LIMIT: Limit = { points: 200, windowSeconds: 60 };

/** Counts one request for the key; the headers every response of that key carries, or a 429. */
export async function checkRateLimit(
	em: Em,
	keyId: string,
	limit: Limit,
	now: Date
): Promise<Record<string, string>> {
	const state = await hitLimit(em, `api:key:${keyId}`, limit, now);
	const headers = {
		'X-RateLimit-Limit': String(limit.points),
		'X-RateLimit-Remaining': String(Math.max(0, limit.points - state.count)),
		'X-RateLimit-Reset': String(Math.ceil(state.resetAt.getTime() / 1000))
	};
	if (state.isOver) {
		throw new ApiError(
			429,
			`Too many requests: this key may make ${limit.points} requests every ${limit.windowSeconds} seconds. Try again in ${state.retryAfter} seconds.`,
			{ headers: { ...headers, 'Retry-After': String(state.retryAfter) } }
		);
	}
	return headers;
}
