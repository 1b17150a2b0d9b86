// The REST API (Cliniko-compatible patients and patient cases): every /api/v1 request, whatever its
// method, goes to the framework-free handler. It authenticates by API key, never by session cookie.
import type { RequestHandler } from '@sveltejs/kit';
import { handleApiRequest } from '$lib/server/api/handler';
import { getConfig } from '$lib/server/config';

const handler: RequestHandler = (event) =>
	handleApiRequest(event.request, {
		em: event.locals.em,
		origin: getConfig().ORIGIN,
		requestId: event.locals.requestId,
		ip: event.locals.ip,
		log: event.locals.log
	});

export const GET = handler;
export const POST = handler;
export const PUT = handler;
export const PATCH = handler;
export const DELETE = handler;
export const fallback = handler;
