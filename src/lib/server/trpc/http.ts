import type { RequestEvent } from '@sveltejs/kit';
import { appRouter, createCaller } from './router.ts';
import type { Context } from './context.ts';

export function createContextFromEvent(event: RequestEvent): Context {
	return {
		em: event.locals.em,
		requestId: event.locals.requestId,
		ip: event.locals.ip,
		userAgent: event.request.headers.get('user-agent'),
		log: event.locals.log,
		responseHeaders: new Headers()
	};
}

/** The router, called in-process from a server load or action, as the signed-in user. */
export function serverCaller(event: RequestEvent) {
	return createCaller(createContextFromEvent(event));
}

export { appRouter };
