// tRPC set-up: superjson, an error formatter that exposes field errors (and hides internals), and
// the procedure builders every router uses. Access is always decided here, on the server.
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { AppError, toTRPCError, type FieldErrors } from '../errors.ts';
import { logger } from '../logger.ts';
import type { Context } from './context.ts';

export interface Meta {
	/** Who may call: checked by the router-walk test, enforced by the procedure builders. */
	access?: 'public';
}

const t = initTRPC
	.context<Context>()
	.meta<Meta>()
	.create({
		transformer: superjson,
		errorFormatter({ shape, error, ctx }) {
			const cause = error.cause;
			const fieldErrors: FieldErrors | undefined = cause instanceof AppError ? cause.fieldErrors : undefined;
			const retryAfter = cause instanceof AppError ? cause.retryAfter : undefined;
			const isInternal = error.code === 'INTERNAL_SERVER_ERROR';
			return {
				...shape,
				message: isInternal ? 'Something went wrong. Please try again.' : shape.message,
				data: {
					code: shape.data.code,
					httpStatus: shape.data.httpStatus,
					path: shape.data.path,
					requestId: ctx?.requestId,
					fieldErrors,
					retryAfter
				}
			};
		}
	});

/** Turns service errors (AppError, zod, ORM conflicts) into the matching tRPC error, and logs bugs. */
const errorMapping = t.middleware(async ({ next, ctx, path, type }) => {
	const result = await next();
	if (!result.ok) {
		const error = result.error;
		// Service errors arrive wrapped as INTERNAL_SERVER_ERROR; input errors as BAD_REQUEST + ZodError.
		const mapped =
			error.code === 'INTERNAL_SERVER_ERROR' || error.cause instanceof ZodError
				? toTRPCError(error.cause ?? error)
				: error;
		if (mapped.code === 'INTERNAL_SERVER_ERROR') {
			(ctx?.log ?? logger).error({ err: result.error.cause ?? result.error, path, type }, 'procedure failed');
		} else if (mapped.cause instanceof AppError && mapped.cause.retryAfter) {
			ctx.responseHeaders.set('Retry-After', String(mapped.cause.retryAfter));
		}
		throw mapped;
	}
	return result;
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
export const baseProcedure = t.procedure.use(errorMapping);
/** Anyone may call. Every use must be on the public allow-list of the router-walk test. */
export const publicProcedure = baseProcedure.meta({ access: 'public' });
