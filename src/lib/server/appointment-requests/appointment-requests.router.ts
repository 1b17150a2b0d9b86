// The scheduler's queue of portal requests: schedulers and admins only.
import {
	approveRequestInput,
	declineRequestInput,
	findRequestsInput,
	requestIdInput
} from '../../schemas/portal.ts';
import { roleProcedure, router } from '../trpc/init.ts';
import {
	approveRequest,
	countPendingRequests,
	declineRequest,
	findRequests,
	getRequest
} from './appointment-requests.service.ts';

const schedulerProcedure = roleProcedure('scheduler');

export const appointmentRequestsRouter = router({
	find: schedulerProcedure
		.input(findRequestsInput)
		.query(({ ctx, input }) => findRequests(ctx.em, ctx.actor, input)),
	count: schedulerProcedure.query(({ ctx }) => countPendingRequests(ctx.em)),
	get: schedulerProcedure
		.input(requestIdInput)
		.query(({ ctx, input }) => getRequest(ctx.em, ctx.actor, input.id)),
	approve: schedulerProcedure
		.input(approveRequestInput)
		.mutation(({ ctx, input }) => approveRequest(ctx.em, ctx.actor, input)),
	decline: schedulerProcedure
		.input(declineRequestInput)
		.mutation(({ ctx, input }) => declineRequest(ctx.em, ctx.actor, input))
});
