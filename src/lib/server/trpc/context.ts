// What every tRPC procedure knows about its caller. Built per request in hooks.server.ts (HTTP) or
// directly by tests and server loads (createCaller).
import type { Actor } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../logger.ts';

export interface Context {
	em: Em;
	actor: Actor;
	userAgent: string | null;
	log: Logger;
	/** Response headers a procedure wants set (e.g. Retry-After); applied by the HTTP handler. */
	responseHeaders: Headers;
}
