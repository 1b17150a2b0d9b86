// Concession types: any staff member reads them (the patient form offers them); only admins change
// them.
import { adminProcedure, router, staffProcedure } from '../trpc/init.ts';
import {
	concessionTypeIdInput,
	createConcessionTypeInput,
	findConcessionTypesInput,
	renameConcessionTypeInput
} from './concession-types.schemas.ts';
import {
	archiveConcessionType,
	createConcessionType,
	findConcessionTypes,
	renameConcessionType,
	unarchiveConcessionType
} from './concession-types.service.ts';

export const concessionTypesRouter = router({
	find: staffProcedure
		.input(findConcessionTypesInput)
		.query(({ ctx, input }) => findConcessionTypes(ctx.em, input)),
	create: adminProcedure
		.input(createConcessionTypeInput)
		.mutation(({ ctx, input }) => createConcessionType(ctx.em, ctx.actor, input)),
	rename: adminProcedure
		.input(renameConcessionTypeInput)
		.mutation(({ ctx, input }) => renameConcessionType(ctx.em, ctx.actor, input)),
	archive: adminProcedure
		.input(concessionTypeIdInput)
		.mutation(({ ctx, input }) => archiveConcessionType(ctx.em, ctx.actor, input)),
	unarchive: adminProcedure
		.input(concessionTypeIdInput)
		.mutation(({ ctx, input }) => unarchiveConcessionType(ctx.em, ctx.actor, input))
});
