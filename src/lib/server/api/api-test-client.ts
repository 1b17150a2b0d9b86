// For the REST API's integration tests: a staff member with a key, and requests sent straight to
// handleApiRequest (the same function the SvelteKit endpoint calls) on the test database.
import type { Role } from '../../schemas/staff.ts';
import { createApiKey } from '../auth/api-keys.service.ts';
import type { Limit } from '../auth/rate-limit.ts';
import type { User } from '../auth/user.entity.ts';
import { logger } from '../logger.ts';
import { actorFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import type { TestDb } from '../testing/harness.ts';
import { handleApiRequest } from './handler.ts';

export const ORIGIN = 'http://casebook.test';

export interface ApiCall {
	status: number;
	headers: Headers;
	/** The parsed JSON body; null for an empty one (or a file). */
	body: unknown;
	text: string;
}

export interface ApiClient {
	user: User;
	key: string;
	call(
		method: string,
		path: string,
		options?: {
			body?: unknown;
			rawBody?: string;
			key?: string | null;
			headers?: Record<string, string>;
			rateLimit?: Limit;
			now?: Date;
			ip?: string;
		}
	): Promise<ApiCall>;
}

export function basicAuth(key: string): string {
	return `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
}

export async function apiClient(
	db: TestDb,
	roles: Role[] = ['scheduler'],
	options: { scopes?: string[] } = {}
): Promise<ApiClient> {
	const user = await createTestUser(db.em(), { roles });
	const { secret } = await createApiKey(db.em(), actorFor(user), {
		name: 'Tests',
		userId: user.id,
		...(options.scopes ? { scopes: options.scopes } : {})
	});
	return {
		user,
		key: secret,
		async call(method, path, options = {}) {
			const key = options.key === undefined ? secret : options.key;
			const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
			if (key !== null) headers.Authorization = basicAuth(key);
			let payload: string | undefined = options.rawBody;
			if (options.body !== undefined) {
				payload = JSON.stringify(options.body);
				headers['Content-Type'] = 'application/json';
			}
			const request = new Request(`${ORIGIN}${path.startsWith('/api/') ? path : `/api/v1${path}`}`, {
				method,
				headers,
				body: payload
			});
			const response = await handleApiRequest(request, {
				em: db.em(),
				origin: ORIGIN,
				requestId: `test-${uniqueSuffix()}`,
				ip: options.ip ?? '10.0.0.1',
				log: logger,
				...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
				...(options.now ? { now: () => options.now! } : {})
			});
			const text = await response.text();
			return {
				status: response.status,
				headers: response.headers,
				body: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : null,
				text
			};
		}
	};
}
