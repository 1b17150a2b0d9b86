// Cases sent to teams (issue 7): send, acknowledge, take over, re-triage, comment, the inbox and a
// case's routing. Served under the `cases` path beside the treatment-case procedures (app/router.ts).
import {
	caseRoutingIdInput,
	commentCaseInput,
	inboxInput,
	retriageCaseInput,
	sendCaseInput
} from '../../schemas/team.ts';
import { router, senderProcedure, staffProcedure } from '../trpc/init.ts';
import {
	acknowledgeCase,
	commentOnCase,
	countInbox,
	findInbox,
	getCaseRouting,
	retriageCase,
	sendCase,
	takeOverCase
} from './routing.service.ts';

export const routingRouter = router({
	send: senderProcedure.input(sendCaseInput).mutation(({ ctx, input }) => sendCase(ctx.em, ctx.actor, input)),
	acknowledge: staffProcedure
		.input(caseRoutingIdInput)
		.mutation(({ ctx, input }) => acknowledgeCase(ctx.em, ctx.actor, input)),
	takeOver: staffProcedure
		.input(caseRoutingIdInput)
		.mutation(({ ctx, input }) => takeOverCase(ctx.em, ctx.actor, input)),
	retriage: staffProcedure
		.input(retriageCaseInput)
		.mutation(({ ctx, input }) => retriageCase(ctx.em, ctx.actor, input)),
	comment: staffProcedure
		.input(commentCaseInput)
		.mutation(({ ctx, input }) => commentOnCase(ctx.em, ctx.actor, input)),
	inbox: staffProcedure.input(inboxInput).query(({ ctx, input }) => findInbox(ctx.em, ctx.actor, input)),
	inboxCount: staffProcedure.query(({ ctx }) => countInbox(ctx.em, ctx.actor)),
	routing: staffProcedure
		.input(caseRoutingIdInput)
		.query(({ ctx, input }) => getCaseRouting(ctx.em, ctx.actor, input))
});
