// Teams (issue 7): admins manage them; members see their own; anyone who may send a case sees
// which teams they can send to; every member of staff may browse them (the Teams page, issue 18).
import {
	createTeamInput,
	findTeamsInput,
	removeTeamMemberInput,
	teamIdInput,
	teamMemberInput,
	updatePolicyInput,
	updateTeamInput
} from '../../schemas/team.ts';
import { adminProcedure, router, senderProcedure, staffProcedure } from '../trpc/init.ts';
import {
	addTeamMember,
	createTeam,
	findSendableTeams,
	findTeams,
	getTeam,
	removeTeamMember,
	teamMemberCandidates,
	updateTeam,
	updateTeamPolicy
} from './teams.service.ts';
import { findTeamDirectory } from './teams.queries.ts';

export const teamsRouter = router({
	find: staffProcedure.input(findTeamsInput).query(({ ctx, input }) => findTeams(ctx.em, ctx.actor, input)),
	/** The Teams page: every active team, read-only, for any member of staff. */
	browse: staffProcedure.query(({ ctx }) => findTeamDirectory(ctx.em, ctx.actor)),
	get: staffProcedure.input(teamIdInput).query(({ ctx, input }) => getTeam(ctx.em, ctx.actor, input.id)),
	sendable: senderProcedure.query(({ ctx }) => findSendableTeams(ctx.em, ctx.actor)),
	memberCandidates: adminProcedure.query(({ ctx }) => teamMemberCandidates(ctx.em)),
	create: adminProcedure
		.input(createTeamInput)
		.mutation(({ ctx, input }) => createTeam(ctx.em, ctx.actor, input)),
	update: adminProcedure
		.input(updateTeamInput)
		.mutation(({ ctx, input }) => updateTeam(ctx.em, ctx.actor, input)),
	addMember: adminProcedure
		.input(teamMemberInput)
		.mutation(({ ctx, input }) => addTeamMember(ctx.em, ctx.actor, input)),
	removeMember: adminProcedure
		.input(removeTeamMemberInput)
		.mutation(({ ctx, input }) => removeTeamMember(ctx.em, ctx.actor, input)),
	updatePolicy: adminProcedure
		.input(updatePolicyInput)
		.mutation(({ ctx, input }) => updateTeamPolicy(ctx.em, ctx.actor, input))
});
