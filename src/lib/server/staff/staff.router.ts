import { adminProcedure, router } from '../trpc/init.ts';
import {
	createStaffInput,
	findReferrersInput,
	findStaffInput,
	inviteReferrerInput,
	setReferrerActiveInput,
	staffIdInput,
	updateStaffInput
} from './staff.schemas.ts';

const createInput = createStaffInput();
const updateInput = updateStaffInput();
import {
	createStaff,
	findReferrers,
	inviteReferrer,
	setReferrerActive,
	endStaffSessions,
	findStaff,
	findStaffApiKeys,
	getStaff,
	revokeStaffApiKeys,
	sendStaffPasswordReset,
	updateStaff
} from './staff.service.ts';

export const staffRouter = router({
	find: adminProcedure.input(findStaffInput).query(({ ctx, input }) => findStaff(ctx.em, input)),
	get: adminProcedure.input(staffIdInput).query(({ ctx, input }) => getStaff(ctx.em, input.id)),
	create: adminProcedure
		.input(createInput)
		.mutation(({ ctx, input }) => createStaff(ctx.em, ctx.actor, input)),
	update: adminProcedure
		.input(updateInput)
		.mutation(({ ctx, input }) => updateStaff(ctx.em, ctx.actor, input)),
	endSessions: adminProcedure
		.input(staffIdInput)
		.mutation(({ ctx, input }) => endStaffSessions(ctx.em, ctx.actor, input.id)),
	sendPasswordReset: adminProcedure
		.input(staffIdInput)
		.mutation(({ ctx, input }) => sendStaffPasswordReset(ctx.em, ctx.actor, input.id)),
	findApiKeys: adminProcedure
		.input(staffIdInput)
		.query(({ ctx, input }) => findStaffApiKeys(ctx.em, ctx.actor, input.id)),
	revokeApiKeys: adminProcedure
		.input(staffIdInput)
		.mutation(({ ctx, input }) => revokeStaffApiKeys(ctx.em, ctx.actor, input.id)),
	findReferrers: adminProcedure
		.input(findReferrersInput)
		.query(({ ctx, input }) => findReferrers(ctx.em, input)),
	inviteReferrer: adminProcedure
		.input(inviteReferrerInput)
		.mutation(({ ctx, input }) => inviteReferrer(ctx.em, ctx.actor, input)),
	setReferrerActive: adminProcedure
		.input(setReferrerActiveInput)
		.mutation(({ ctx, input }) => setReferrerActive(ctx.em, ctx.actor, input))
});
