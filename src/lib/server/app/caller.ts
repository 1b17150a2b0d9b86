import type { RequestEvent } from '@sveltejs/kit';
import type { Actor } from '../auth/actor.ts';
import { appRouter, createCaller } from './router.ts';
import type { Context } from '../trpc/context.ts';

export function actorFromEvent(event: RequestEvent): Actor {
	return {
		user: event.locals.user,
		patient: event.locals.patient,
		sessionId: event.locals.sessionId,
		requestId: event.locals.requestId,
		ip: event.locals.ip
	};
}

export function createContextFromEvent(event: RequestEvent): Context {
	return {
		em: event.locals.em,
		actor: actorFromEvent(event),
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
