import { adminProcedure, router, staffProcedure } from '../trpc/init.ts';
import {
	createServiceInput,
	findServicesInput,
	serviceIdInput,
	setPractitionersInput,
	updateServiceInput
} from './services.schemas.ts';
import {
	createService,
	findServices,
	getService,
	listPractitionerCandidates,
	setServicePractitioners,
	updateService
} from './services.service.ts';

export const servicesRouter = router({
	find: staffProcedure.input(findServicesInput).query(({ ctx, input }) => findServices(ctx.em, input)),
	get: staffProcedure.input(serviceIdInput).query(({ ctx, input }) => getService(ctx.em, input.id)),
	practitionerCandidates: adminProcedure.query(({ ctx }) => listPractitionerCandidates(ctx.em)),
	create: adminProcedure
		.input(createServiceInput)
		.mutation(({ ctx, input }) => createService(ctx.em, ctx.actor, input)),
	update: adminProcedure
		.input(updateServiceInput)
		.mutation(({ ctx, input }) => updateService(ctx.em, ctx.actor, input)),
	setPractitioners: adminProcedure
		.input(setPractitionersInput)
		.mutation(({ ctx, input }) => setServicePractitioners(ctx.em, ctx.actor, input))
});
