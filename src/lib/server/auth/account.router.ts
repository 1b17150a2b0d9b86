// "My account": what every signed-in staff member may do for themselves.
import { z } from 'zod';
import { newPassword, totpCode } from '../../schemas/staff.ts';
import { AppError } from '../errors.ts';
import { router, staffProcedure } from '../trpc/init.ts';
import { changePassword, confirmTwoFactor, disableTwoFactor, startTwoFactor } from './auth.service.ts';
import { endSession, endUserSessions, listUserSessions } from './sessions.service.ts';
import { recordAuditNow } from '../audit/audit.service.ts';

// These stay usable while a required second factor is not yet set up: it is how you set it up.
const accountProcedure = staffProcedure.meta({ allowWithoutTwoFactor: true });

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
		.mutation(({ ctx, input }) => disableTwoFactor(ctx.em, ctx.actor, input))
});
