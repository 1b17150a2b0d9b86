// The REST API (/api/v1), framework-free: a Request in, a Response out. The SvelteKit endpoint
// hands every /api/v1 request here; tests call it directly. Order of checks: the key (401, or 429
// for an address that keeps failing), the key's rate limit (429), the route (404 / 405), the
// user's permission (403), the body (400), then the endpoint, which calls the same services as
// the tRPC routers, as the key's user.
import { hitLimit, type Limit } from '../auth/rate-limit.ts';
import { hasRole, type Actor, type SessionUser } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import { getClinicSettings } from '../settings/settings.service.ts';
import { authenticate } from './auth.ts';
import { scopeFor, scopesAllow } from '../../schemas/api-scopes.ts';
import { isStorableText, pathOfUnstorableText, UNSTORABLE_TEXT } from '../db/storable-text.ts';
import { ApiError, jsonResponse, snakeCase, toApiError, validationFailed } from './http.ts';
import { openApiDocument } from './openapi.ts';
import { API_RATE_LIMIT, checkRateLimit } from './rate-limit.ts';
import type { ApiRoute } from './route.ts';
import { matchRoute } from './routes.ts';
import { assertShallowJson, BodyRefused, JSON_BODY_LIMIT, readLimitedText } from '../request-body.ts';

export const API_BASE_PATH = '/api/v1';

export interface ApiDeps {
	/** This request's EntityManager (a fork). */
	em: Em;
	/** The public origin (ORIGIN): links and Location headers start with it. */
	origin: string;
	requestId: string;
	ip: string | null;
	log: Logger;
	/** Tests inject a clock and a smaller limit. */
	now?: () => Date;
	rateLimit?: Limit;
}

async function readJsonBody(request: Request): Promise<unknown> {
	let text: string;
	try {
		// The same limits as /api/trpc: 1 MB, 32 levels, checked before anything parses the body.
		text = await readLimitedText(request, JSON_BODY_LIMIT);
		assertShallowJson(text);
	} catch (error) {
		if (error instanceof BodyRefused) throw new ApiError(error.status, error.message);
		// The web server refuses bodies over BODY_SIZE_LIMIT by failing the stream with a 413.
		if ((error as { status?: number } | null)?.status === 413) {
			throw new ApiError(413, 'The request body is too large');
		}
		throw error;
	}
	if (text.trim() === '') return undefined;
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch (error) {
		const detail = error instanceof Error ? error.message : 'not JSON';
		throw new ApiError(400, `Malformed JSON in the request body: ${detail}`);
	}
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		throw new ApiError(400, 'The request body must be a JSON object');
	}
	return body;
}

async function checkAccess(em: Em, route: ApiRoute, user: SessionUser): Promise<void> {
	if (route.access === 'public') return;
	if (user.kind !== 'staff') throw new ApiError(403, 'API keys are for clinic staff only.');
	const roles = route.access.roles;
	if (roles !== 'any' && !roles.some((role) => hasRole(user, role))) {
		throw new ApiError(403, 'The user of this API key does not have permission to do that.');
	}
	if (!user.hasTwoFactor && (await getClinicSettings(em)).requireTwoFactor) {
		throw new ApiError(
			403,
			'Your clinic requires two-factor authentication: set it up in My account, then use this key again.'
		);
	}
}

/** A key limited to scopes reaches only the resources they name (issue 21). */
function checkScope(route: ApiRoute, method: string, scopes: readonly string[]): void {
	if (route.access === 'public') return;
	const needed = route.scope ?? scopeFor(route.tag, method);
	if (!scopesAllow(scopes, needed)) {
		throw new ApiError(
			403,
			`This API key is limited to ${scopes.join(', ')}: this request needs the scope ${needed}. Create a key with that scope in My account → API keys.`
		);
	}
}

/** Requests without a valid key, per client address, before it gets 429s instead of 401s. */
export const AUTH_FAILURE_LIMIT: Limit = { points: 30, windowSeconds: 60 };

/** A 401 also counts against the client's address, so key guessing cannot flood the database. */
async function authenticateOrThrottle(request: Request, deps: ApiDeps, now: Date) {
	try {
		return await authenticate(deps.em, request, now);
	} catch (error) {
		if (error instanceof ApiError && error.status === 401 && deps.ip) {
			const state = await hitLimit(deps.em, `api:ip:${deps.ip}`, AUTH_FAILURE_LIMIT, now);
			if (state.isOver) {
				throw new ApiError(
					429,
					`Too many requests without a valid API key from this address. Try again in ${state.retryAfter} seconds.`,
					{
						headers: {
							'Retry-After': String(state.retryAfter),
							'X-RateLimit-Reset': String(Math.ceil(state.resetAt.getTime() / 1000))
						}
					}
				);
			}
		}
		throw error;
	}
}

export async function handleApiRequest(request: Request, deps: ApiDeps): Promise<Response> {
	const started = performance.now();
	const url = new URL(request.url);
	const path = url.pathname.startsWith(API_BASE_PATH)
		? url.pathname.slice(API_BASE_PATH.length) || '/'
		: url.pathname;
	const now = deps.now?.() ?? new Date();
	let route: ApiRoute | undefined;
	let keyId: string | null = null;
	let rateHeaders: Record<string, string> = {};
	let response: Response;
	try {
		if (path === '/openapi.json' && (request.method === 'GET' || request.method === 'HEAD')) {
			return jsonResponse(openApiDocument(deps.origin), 200, { 'Cache-Control': 'public, max-age=300' });
		}
		const identity = await authenticateOrThrottle(request, deps, now);
		keyId = identity.keyId;
		rateHeaders = await checkRateLimit(deps.em, identity.keyId, deps.rateLimit ?? API_RATE_LIMIT, now);
		const match = matchRoute(request.method, path);
		if (match.kind === 'not-found')
			throw new ApiError(404, `No such endpoint: ${request.method} ${url.pathname}`);
		if (match.kind === 'method-not-allowed') {
			throw new ApiError(405, `${request.method} is not allowed here: use ${match.allow.join(', ')}`, {
				headers: { Allow: match.allow.join(', ') }
			});
		}
		route = match.route;
		checkScope(route, request.method, identity.scopes);
		await checkAccess(deps.em, route, identity.user);
		const actor: Actor = { user: identity.user, sessionId: null, requestId: deps.requestId, ip: deps.ip };
		for (const [name, value] of url.searchParams)
			if (!isStorableText(name) || !isStorableText(value))
				throw new ApiError(400, 'The query holds text that cannot be stored (U+0000)');
		const isMultipart =
			Boolean(route.body?.multipart) &&
			/^multipart\/form-data\b/i.test(request.headers.get('content-type') ?? '');
		const body = route.body && !isMultipart ? await readJsonBody(request) : undefined;
		const unstorable = pathOfUnstorableText(body);
		if (unstorable !== null) throw validationFailed({ [unstorable]: UNSTORABLE_TEXT });
		response = await route.handle({
			em: deps.em,
			actor,
			url,
			params: match.params,
			body,
			origin: deps.origin,
			now,
			request,
			apiKeyId: identity.keyId
		});
	} catch (error) {
		const apiError = toApiError(error, {
			isWrite: route?.isWrite ?? false,
			rename: route?.rename ?? snakeCase
		});
		if (apiError) {
			response = jsonResponse(apiError.body(), apiError.status, apiError.headers);
		} else {
			deps.log.error({ err: error, path: url.pathname, method: request.method, keyId }, 'api request failed');
			response = jsonResponse({ message: 'Something went wrong. Please try again.' }, 500);
		}
	}
	for (const [name, value] of Object.entries(rateHeaders)) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	deps.log.info(
		{
			api: { method: request.method, path: url.pathname, status: response.status, keyId },
			ms: Math.round(performance.now() - started)
		},
		'api request'
	);
	return response;
}
