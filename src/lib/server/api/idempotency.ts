// Idempotency-Key for REST writes (issue 21): the first answer to a key (per API key) is stored in
// the same transaction as the change it reports, so a retry after a timeout or a dropped
// connection answers the same thing instead of creating a second record (or paging a team twice).
//
// The key's row is inserted first in the transaction: a concurrent request with the same key waits
// on the unique index until the first commits (then replays its answer) or rolls back (then runs
// itself). The same key with a different request is refused (422): the client reused a key by
// mistake, and answering the old result would hide it.
import { createHash } from 'node:crypto';
import type { Em } from '../db/orm.ts';
import { ApiError, jsonResponse } from './http.ts';

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The header's value, or null when there is none; a 400 for one that cannot be a key. */
export function idempotencyKeyOf(request: Request): string | null {
	const raw = request.headers.get(IDEMPOTENCY_HEADER);
	if (raw === null) return null;
	const key = raw.trim().replace(/^"(.*)"$/, '$1');
	if (!KEY_PATTERN.test(key)) {
		const message = 'Idempotency-Key must be 1 to 255 visible ASCII characters, e.g. a UUID';
		throw new ApiError(400, message, { errors: { [IDEMPOTENCY_HEADER]: message } });
	}
	return key;
}

/** JSON with sorted keys, so the same request hashes the same however its fields were ordered. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value && typeof value === 'object') {
		const entries = Object.entries(value as Record<string, unknown>)
			.filter(([, v]) => v !== undefined)
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
		return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
	}
	return JSON.stringify(value ?? null);
}

export function requestHash(operation: string, request: unknown): string {
	return createHash('sha256').update(operation).update('\n').update(canonical(request)).digest('hex');
}

export interface StoredAnswer {
	status: number;
	body: unknown;
	location: string | null;
}

function replay(answer: StoredAnswer): Response {
	return jsonResponse(answer.body, answer.status, {
		'Idempotent-Replayed': 'true',
		...(answer.location ? { Location: answer.location } : {})
	});
}

/**
 * Runs `run` in one transaction with the key's record, or answers the stored first result. Without
 * a key, `run` simply runs in a transaction. `fingerprint` is what makes two requests "the same"
 * (the parsed body, with attachments by their hash).
 */
export async function withIdempotency(
	em: Em,
	options: { apiKeyId: string; key: string | null; operation: string; fingerprint: unknown },
	run: (tx: Em) => Promise<StoredAnswer>
): Promise<Response> {
	const hash = requestHash(options.operation, options.fingerprint);
	const answer = await em.transactional(async (tx): Promise<StoredAnswer & { replayed?: boolean }> => {
		if (options.key === null) return run(tx);
		const claimed = await tx.execute<{ id: string }[]>(
			`insert into api_idempotency_key (api_key_id, key, operation, request_hash, status, response)
			 values (?, ?, ?, ?, 0, 'null'::jsonb) on conflict (api_key_id, key) do nothing returning id`,
			[options.apiKeyId, options.key, options.operation, hash]
		);
		if (!claimed.length) {
			const [first] = await tx.execute<
				{
					operation: string;
					request_hash: string;
					status: number;
					response: unknown;
					location: string | null;
				}[]
			>(
				`select operation, request_hash, status, response, location from api_idempotency_key
				 where api_key_id = ? and key = ?`,
				[options.apiKeyId, options.key]
			);
			if (!first || first.operation !== options.operation || first.request_hash !== hash) {
				const message =
					'This Idempotency-Key was already used with a different request: use a new key for a new request.';
				throw new ApiError(422, message, { errors: { [IDEMPOTENCY_HEADER]: message } });
			}
			return { status: first.status, body: first.response, location: first.location, replayed: true };
		}
		const result = await run(tx);
		await tx.execute(
			`update api_idempotency_key set status = ?, response = ?::jsonb, location = ? where id = ?`,
			[result.status, JSON.stringify(result.body), result.location, claimed[0]!.id]
		);
		return result;
	});
	if (answer.replayed) return replay(answer);
	return jsonResponse(answer.body, answer.status, answer.location ? { Location: answer.location } : {});
}
