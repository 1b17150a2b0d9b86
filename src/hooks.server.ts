// Per request: a request id, one EntityManager fork, the client's IP, a logger, security headers.
import { randomUUID } from 'node:crypto';
import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit';
import { clearSessionCookie, sessionCookieName } from '$lib/server/auth/cookies';
import { validateSession } from '$lib/server/auth/sessions.service';
import { getConfig } from '$lib/server/config';
import { getOrm } from '$lib/server/db/orm';
import { clearPortalCookie, portalCookieName } from '$lib/server/portal/portal-cookie';
import { validatePortalSession } from '$lib/server/portal/portal-auth.service';
import { logger } from '$lib/server/logger';
import { startWebRuntime, trackRequest } from '$lib/server/app/runtime';
import { getClinicSettings } from '$lib/server/settings/settings.service';
import { guardRoute } from '$lib/server/web/route-guard';

export const init: ServerInit = async () => {
	await startWebRuntime();
};

const SECURITY_HEADERS: Record<string, string> = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'X-Frame-Options': 'DENY',
	'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
	'Cross-Origin-Opener-Policy': 'same-origin'
};

// Counted, so that shutdown closes the database only after the requests in hand have finished.
export const handle: Handle = (input) => trackRequest(() => handleRequest(input));

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];
const SAFE_METHODS = ['GET', 'HEAD', 'OPTIONS'];

/**
 * Kit's cross-site form check, widened to every unsafe request whatever its content type (a
 * cross-site `fetch` with no body and no Content-Type is a POST too), minus the webhook paths
 * (which verify Twilio's signature instead) and the REST API (API keys, never cookies). A request
 * that says it comes from another origin is refused; one that says nothing is refused only for
 * form content types, which a browser always sends with an Origin.
 */
function isCrossSitePost(event: Parameters<Handle>[0]['event']): boolean {
	if (SAFE_METHODS.includes(event.request.method)) return false;
	if (event.url.pathname.startsWith('/webhooks/')) return false;
	if (/^\/api\/v1(\/|$)/.test(event.url.pathname)) return false;
	// tRPC checks Origin and content type itself, and answers in JSON (routes/api/trpc).
	if (event.url.pathname.startsWith('/api/trpc/')) return false;
	const origin = event.request.headers.get('origin');
	if (origin !== null) return origin !== event.url.origin && origin !== getConfig().ORIGIN;
	const type = (event.request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
	return FORM_TYPES.includes(type);
}

async function handleRequest({ event, resolve }: Parameters<Handle>[0]): Promise<Response> {
	// SvelteKit reserves `?/default` and answers it with a 500; it is nobody's action.
	if (event.request.method === 'POST' && event.url.searchParams.has('/default')) {
		return new Response('No such action', { status: 404, headers: { 'Content-Type': 'text/plain' } });
	}
	if (isCrossSitePost(event)) {
		return new Response(`Cross-site ${event.request.method} requests are forbidden`, {
			status: 403,
			headers: { 'Content-Type': 'text/plain' }
		});
	}
	// Our own id always (it goes into the audit trail); a caller's id is only logged beside it.
	const requestId = randomUUID();
	const incoming = event.request.headers.get('x-request-id');
	const clientRequestId = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : undefined;
	event.locals.requestId = requestId;
	event.locals.em = getOrm().em.fork();
	event.locals.log = logger.child(clientRequestId ? { requestId, clientRequestId } : { requestId });
	event.locals.ip = event.getClientAddress();
	event.locals.user = null;
	event.locals.sessionId = null;
	event.locals.patient = null;
	event.locals.portalSessionId = null;

	const token = event.cookies.get(sessionCookieName());
	if (token) {
		const valid = await validateSession(event.locals.em, token);
		if (valid) {
			event.locals.user = valid.user;
			event.locals.sessionId = valid.sessionId;
			event.locals.log = event.locals.log.child({ userId: valid.user.id });
		} else {
			clearSessionCookie(event.cookies);
		}
	}

	const portalToken = event.cookies.get(portalCookieName());
	if (portalToken) {
		const portal = await validatePortalSession(event.locals.em, portalToken, {
			clinicTimeZone: getConfig().CASEBOOK_TIME_ZONE
		});
		if (portal) {
			event.locals.patient = portal.patient;
			event.locals.portalSessionId = portal.sessionId;
		} else {
			clearPortalCookie(event.cookies);
		}
	}

	// Thrown redirects and errors are answered by SvelteKit, before any load or action runs.
	const access = await guardRoute(
		event,
		async () => (await getClinicSettings(event.locals.em)).requireTwoFactor
	);

	const response = await resolve(event);
	response.headers.set('X-Request-Id', requestId);
	// Nothing signed-in (pages with patient data, the APIs) is kept by a browser or a proxy.
	const isPersonal =
		(access !== null && access.access !== 'public') ||
		event.locals.user !== null ||
		event.locals.patient !== null;
	if (isPersonal) response.headers.set('Cache-Control', 'no-store');
	else if (/^\/(api|portal)(\/|$)/.test(event.url.pathname) && !response.headers.has('Cache-Control')) {
		response.headers.set('Cache-Control', 'no-store');
	}
	for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
		if (!response.headers.has(name)) response.headers.set(name, value);
	}
	// Pages carry Kit's CSP; API and file responses get a strict one of their own.
	if (!response.headers.has('Content-Security-Policy')) {
		response.headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
	}
	return response;
}

export const handleError: HandleServerError = ({ error, event, status }) => {
	const requestId = event.locals.requestId;
	if (status >= 500)
		(event.locals.log ?? logger).error({ err: error, path: event.url.pathname }, 'request failed');
	return {
		message: status === 404 ? 'Page not found' : 'Something went wrong. Please try again.',
		requestId
	};
};

// Started by the launcher with an IPC channel: if the launcher dies, shut down like on SIGTERM.
// The channel itself must not keep the process alive once the server has closed.
if (process.send) {
	process.channel?.unref();
	process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
