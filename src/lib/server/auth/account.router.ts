// "My account": what every signed-in staff member may do for themselves; and the public doors to it
// (signing in, a forgotten password, the first admin's setup), which the (auth) pages call.
import { z } from 'zod';
import { email, newPassword, personName, totpCode } from '../../schemas/staff.ts';
import { revokeApiKeysOf } from './api-keys.service.ts';
import { AppError } from '../errors.ts';
import { pageOnlyProcedure, router, staffProcedure } from '../trpc/init.ts';
import {
	changePassword,
	completePasswordReset,
	completeTwoFactor,
	confirmTwoFactor,
	disableTwoFactor,
	hasActiveAdmin,
	isTokenUsable,
	requestPasswordReset,
	setUpFirstAdmin,
	signIn,
	startTwoFactor,
	type SignInResult
} from './auth.service.ts';
import { endSession, endUserSessions, listUserSessions } from './sessions.service.ts';
import { recordAuditNow } from '../audit/audit.service.ts';
import { USER_KINDS } from './user.entity.ts';

// These stay usable while a required second factor is not yet set up: it is how you set it up.
const accountProcedure = staffProcedure.meta({ allowWithoutTwoFactor: true });

/** A new session's cookie value goes back to the page that sets the cookie; nothing else of the user. */
const signedInSession = z.object({ token: z.string(), kind: z.enum(USER_KINDS) });
const signInAnswer = z.discriminatedUnion('status', [
	signedInSession.extend({ status: z.literal('signed_in') }),
	z.object({ status: z.literal('needs_two_factor'), challenge: z.string() })
]);

function toSignInAnswer(result: SignInResult): z.infer<typeof signInAnswer> {
	return result.status === 'signed_in'
		? { status: 'signed_in', token: result.token, kind: result.user.kind }
		: result;
}

const oneTimeToken = z.string().min(1).max(100);

export const accountRouter = router({
	me: accountProcedure.query(({ ctx }) => ctx.user),
	sessions: accountProcedure.query(async ({ ctx }) => {
		const sessions = await listUserSessions(ctx.em, ctx.user.id);
		return sessions.map((s) => ({
			id: s.id,
			createdAt: s.createdAt,
			lastSeenAt: s.lastSeenAt,
			ip: s.ip,
			userAgent: s.userAgent,
			isCurrent: s.id === ctx.actor.sessionId
		}));
	}),
	endSession: accountProcedure
		.input(z.object({ id: z.string().regex(/^\d{1,18}$/) }))
		.mutation(async ({ ctx, input }) => {
			const sessions = await listUserSessions(ctx.em, ctx.user.id);
			if (!sessions.some((s) => s.id === input.id)) throw new AppError('NOT_FOUND', 'Session not found');
			await endSession(ctx.em, input.id, 'signed_out_elsewhere');
			await recordAuditNow(ctx.em, ctx.actor, {
				action: 'auth.session_ended',
				recordType: 'session',
				recordId: input.id
			});
		}),
	endOtherSessions: accountProcedure.mutation(async ({ ctx }) => {
		const ended = await endUserSessions(ctx.em, ctx.user.id, 'signed_out_elsewhere', {
			except: ctx.actor.sessionId
		});
		await recordAuditNow(ctx.em, ctx.actor, {
			action: 'auth.sessions_ended',
			recordType: 'user',
			recordId: ctx.user.id,
			details: { ended }
		});
		return { ended };
	}),
	changePassword: accountProcedure
		.input(
			z
				.object({ currentPassword: z.string().min(1, 'Enter your current password').max(200), newPassword })
				.refine((v) => v.currentPassword !== v.newPassword, {
					path: ['newPassword'],
					message: 'Choose a password different from your current one'
				})
		)
		.mutation(({ ctx, input }) => changePassword(ctx.em, ctx.actor, input)),
	startTwoFactor: accountProcedure.mutation(({ ctx }) => startTwoFactor(ctx.em, ctx.actor)),
	confirmTwoFactor: accountProcedure
		.input(z.object({ code: totpCode }))
		.mutation(({ ctx, input }) => confirmTwoFactor(ctx.em, ctx.actor, input)),
	disableTwoFactor: accountProcedure
		.input(z.object({ password: z.string().min(1, 'Enter your password').max(200) }))
		.mutation(({ ctx, input }) => disableTwoFactor(ctx.em, ctx.actor, input)),
	/** Every live API key of the caller, at once (offered after a password reset). */
	revokeApiKeys: accountProcedure.mutation(({ ctx }) => revokeApiKeysOf(ctx.em, ctx.actor, ctx.user.id)),

	// Public, for the sign-in, forgotten-password and setup pages only (never over /api/trpc: they
	// answer with session tokens). Each is on the router walk's allow-list.
	signIn: pageOnlyProcedure
		.input(
			z.object({
				email: z.string().trim().min(1, 'Enter your email').max(254),
				password: z.string().min(1, 'Enter your password').max(200)
			})
		)
		.output(signInAnswer)
		.mutation(async ({ ctx, input }) =>
			toSignInAnswer(await signIn(ctx.em, ctx.actor, { ...input, userAgent: ctx.userAgent }))
		),
	completeTwoFactor: pageOnlyProcedure
		.input(z.object({ challenge: z.string().min(10).max(100), code: totpCode }))
		.output(signInAnswer)
		.mutation(async ({ ctx, input }) =>
			toSignInAnswer(await completeTwoFactor(ctx.em, ctx.actor, { ...input, userAgent: ctx.userAgent }))
		),
	requestPasswordReset: pageOnlyProcedure
		.input(z.object({ email }))
		.output(z.void())
		.mutation(({ ctx, input }) => requestPasswordReset(ctx.em, ctx.actor, input)),
	checkLink: pageOnlyProcedure
		.input(z.object({ token: z.string().max(200), purpose: z.enum(['password_reset', 'first_admin']) }))
		.output(z.object({ isUsable: z.boolean() }))
		.query(async ({ ctx, input }) => ({
			isUsable: await isTokenUsable(ctx.em, input.token, input.purpose)
		})),
	resetPassword: pageOnlyProcedure
		.input(z.object({ token: oneTimeToken, password: newPassword }))
		.output(z.object({ session: signedInSession.nullable(), liveApiKeys: z.number().int() }))
		.mutation(({ ctx, input }) =>
			completePasswordReset(ctx.em, ctx.actor, { ...input, userAgent: ctx.userAgent })
		),
	setupStatus: pageOnlyProcedure
		.output(z.object({ hasAdmin: z.boolean() }))
		.query(async ({ ctx }) => ({ hasAdmin: await hasActiveAdmin(ctx.em) })),
	setUp: pageOnlyProcedure
		.input(z.object({ token: oneTimeToken, name: personName, email, password: newPassword }))
		.output(signedInSession)
		.mutation(({ ctx, input }) => setUpFirstAdmin(ctx.em, ctx.actor, { ...input, userAgent: ctx.userAgent }))
});
