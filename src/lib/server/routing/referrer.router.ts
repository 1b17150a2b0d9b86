// What a referrer can do besides sending (cases.send): list and read the cases they sent.
import { z } from 'zod';
import { caseRoutingIdInput } from '../../schemas/team.ts';
import { referrerProcedure, router } from '../trpc/init.ts';
import { findSentCases, getSentCase } from './routing.service.ts';

export const referrerRouter = router({
	cases: referrerProcedure
		.input(z.object({ page: z.number().int().min(1).max(10_000).default(1) }))
		.query(({ ctx, input }) => findSentCases(ctx.em, ctx.actor, input)),
	case: referrerProcedure
		.input(caseRoutingIdInput)
		.query(({ ctx, input }) => getSentCase(ctx.em, ctx.actor, input))
});
