// Cases sent to teams (issue 7): send (a new case, or one that exists: issue 18), acknowledge, take
// over, re-triage, comment, the inbox and a case's routing, and linking a case that came without a
// patient to one. Served under the `cases` path beside the treatment-case procedures (app/router.ts).
import {
	caseRoutingIdInput,
	commentCaseInput,
	inboxInput,
	linkCaseNewPatientInput,
	linkCasePatientInput,
	retriageCaseInput,
	sendCaseInput,
	sendExistingCaseInput
} from '../../schemas/team.ts';
import { getConfig } from '../config.ts';
import { router, senderProcedure, staffProcedure } from '../trpc/init.ts';
import {
	acknowledgeCase,
	commentOnCase,
	countInbox,
	findInbox,
	getCaseRouting,
	linkCaseToNewPatient,
	linkCaseToPatient,
	retriageCase,
	sendCase,
	sendExistingCase,
	takeOverCase
} from './routing.service.ts';

const linkNewPatientInput = linkCaseNewPatientInput(() => getConfig().CASEBOOK_DEFAULT_COUNTRY);

export const routingRouter = router({
	send: senderProcedure.input(sendCaseInput).mutation(({ ctx, input }) => sendCase(ctx.em, ctx.actor, input)),
	// Staff who may edit the case (visibility decides) send it, or link it to a patient.
	sendExisting: staffProcedure
		.input(sendExistingCaseInput)
		.mutation(({ ctx, input }) => sendExistingCase(ctx.em, ctx.actor, input)),
	linkPatient: staffProcedure
		.input(linkCasePatientInput)
		.mutation(({ ctx, input }) => linkCaseToPatient(ctx.em, ctx.actor, input)),
	linkNewPatient: staffProcedure
		.input(linkNewPatientInput)
		.mutation(({ ctx, input }) => linkCaseToNewPatient(ctx.em, ctx.actor, input)),
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
