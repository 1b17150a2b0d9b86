// tRPC set-up: superjson, an error formatter that exposes field errors (and hides internals), and
// the procedure builders every router uses. Access is always decided here, on the server, and every
// procedure declares it in its meta (the router-walk test checks that none is left out).
import { initTRPC, TRPCError } from '@trpc/server';
import type { Role } from '../../schemas/staff.ts';
import superjson from 'superjson';
import { ZodError } from 'zod';
import { pathOfUnstorableText, UNSTORABLE_TEXT } from '../db/storable-text.ts';
import { AppError, fieldError, toTRPCError, type FieldErrors } from '../errors.ts';
import { logger } from '../logger.ts';
import { getClinicSettings } from '../settings/settings.service.ts';
import type { Context } from './context.ts';
import { refusalFor, type Access } from './access-rules.ts';

export type Meta = Access;

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
					requestId: ctx?.actor.requestId ?? undefined,
					fieldErrors,
					retryAfter,
					details: cause instanceof AppError ? cause.details : undefined
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
			(ctx?.log ?? logger).error({ err: error.cause ?? error, path, type }, 'procedure failed');
		} else if (mapped.cause instanceof AppError && mapped.cause.retryAfter) {
			ctx.responseHeaders.set('Retry-After', String(mapped.cause.retryAfter));
		}
		throw mapped;
	}
	return result;
});

/**
 * No procedure takes text the database cannot store or compare (the query would fail with a 500):
 * refused before the input is parsed, naming the field.
 */
const refuseUnstorableText = t.middleware(async ({ getRawInput, next }) => {
	const path = pathOfUnstorableText(await getRawInput());
	if (path !== null) throw fieldError(path, UNSTORABLE_TEXT);
	return next();
});

export const router = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;
const baseProcedure = t.procedure.use(errorMapping).use(refuseUnstorableText);

/** Anyone may call. Every use must be on the public allow-list of the router-walk test. */
export const publicProcedure = baseProcedure.meta({ access: 'public' });

/** Public, but only for pages through the server caller: /api/trpc answers NOT_FOUND. */
export const pageOnlyProcedure = publicProcedure.meta({ pageOnly: true });

/** Refuses a caller that `meta` (the procedure's whole, merged meta) does not admit. */
async function refuseUnlessAllowed(ctx: Context, meta: Meta | undefined, access: Access['access']) {
	const refusal = await refusalFor(
		{ ...meta, access: meta?.access ?? access },
		ctx.actor,
		async () => (await getClinicSettings(ctx.em)).requireTwoFactor
	);
	if (refusal) throw new TRPCError({ code: refusal.code, message: refusal.message });
}

/** A signed-in, active clinic staff member (any role, unless the meta names roles). */
export const staffProcedure = baseProcedure.meta({ access: 'staff' }).use(async ({ ctx, meta, next }) => {
	await refuseUnlessAllowed(ctx, meta, 'staff');
	return next({ ctx: { ...ctx, user: ctx.actor.user! } });
});

/** Staff holding at least one of `roles` (admin holds them all). */
export function roleProcedure(...roles: Role[]) {
	return staffProcedure.meta({ roles });
}

export const adminProcedure = roleProcedure('admin');

/** A signed-in referrer: someone outside the clinic who sends cases and sees only those. */
export const referrerProcedure = baseProcedure
	.meta({ access: 'referrer' })
	.use(async ({ ctx, meta, next }) => {
		await refuseUnlessAllowed(ctx, meta, 'referrer');
		return next({ ctx: { ...ctx, user: ctx.actor.user! } });
	});

/** Staff or a referrer: anyone who may send a case to teams. */
export const senderProcedure = baseProcedure.meta({ access: 'sender' }).use(async ({ ctx, meta, next }) => {
	await refuseUnlessAllowed(ctx, meta, 'sender');
	return next({ ctx: { ...ctx, user: ctx.actor.user! } });
});

/** A patient signed in to the portal: every portal procedure scopes by this patient. */
export const patientProcedure = baseProcedure.meta({ access: 'patient' }).use(async ({ ctx, meta, next }) => {
	await refuseUnlessAllowed(ctx, meta, 'patient');
	const patient = ctx.actor.patient!;
	// A browser may also hold a staff session: portal calls act as the patient alone.
	return next({ ctx: { ...ctx, actor: { ...ctx.actor, user: null, sessionId: null }, patient } });
});
