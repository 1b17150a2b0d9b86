// What one REST endpoint declares: its method and path, who may call it, the zod schemas of its
// body and responses (the OpenAPI document is generated from these), and its handler.
import type { z } from 'zod';
import type { Role } from '../../schemas/staff.ts';
import type { Actor } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiContext {
	em: Em;
	actor: Actor;
	/** The request URL (for its query and for page links). */
	url: URL;
	/** Path parameters, e.g. `{ id: '12' }`. */
	params: Record<string, string>;
	/** The parsed JSON body (undefined when there is none). */
	body: unknown;
	/** The public origin (ORIGIN): every link in a response starts with it. */
	origin: string;
	now: Date;
	/** The request itself: its headers (Idempotency-Key) and, for a multipart body, its parts. */
	request: Request;
	/** The API key the request came with (idempotency keys are kept per API key). */
	apiKeyId: string;
}

export interface ApiResponseSpec {
	description: string;
	/** A component name in the OpenAPI document (see openapi.ts). */
	schema?: string;
	headers?: Record<string, string>;
}

export interface ListDoc {
	filters: Record<string, string>;
	sorts: string[];
	defaultSort: string;
}

export interface ApiRoute {
	method: HttpMethod;
	/** Under /api/v1, OpenAPI style: `/patients/{id}`. */
	path: string;
	operationId: string;
	summary: string;
	description?: string;
	tag: string;
	/** `public`: no key needed. Otherwise a key whose user is staff holding one of `roles` ('any': any role). */
	access: 'public' | { roles: Role[] | 'any' };
	/** A create or update: errors naming fields answer 422. */
	isWrite?: boolean;
	/** Service field names → API names, for field errors. */
	rename?: (field: string) => string;
	list?: ListDoc;
	/**
	 * `multipart`: the component name of a multipart/form-data alternative; such a body is not read
	 * as JSON by the handler, the endpoint reads it from `ctx.request`.
	 */
	body?: { schema: string; zod: z.ZodType; multipart?: string };
	/** The key scope this endpoint needs; by default `<resource>:read` / `<resource>:write` (scopes.ts). */
	scope?: string;
	responses: Record<number, ApiResponseSpec>;
	handle(ctx: ApiContext): Promise<Response>;
}
