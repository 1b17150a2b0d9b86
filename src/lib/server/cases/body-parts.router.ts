// The body-part vocabulary: any staff member reads it (case and booking forms offer it); only
// admins change it.
import { adminProcedure, router, staffProcedure } from '../trpc/init.ts';
import {
	bodyPartIdInput,
	createBodyPartInput,
	findBodyPartsInput,
	renameBodyPartInput
} from './body-parts.schemas.ts';
import {
	archiveBodyPart,
	createBodyPart,
	findBodyParts,
	renameBodyPart,
	unarchiveBodyPart
} from './body-parts.service.ts';

export const bodyPartsRouter = router({
	find: staffProcedure.input(findBodyPartsInput).query(({ ctx, input }) => findBodyParts(ctx.em, input)),
	create: adminProcedure
		.input(createBodyPartInput)
		.mutation(({ ctx, input }) => createBodyPart(ctx.em, ctx.actor, input)),
	rename: adminProcedure
		.input(renameBodyPartInput)
		.mutation(({ ctx, input }) => renameBodyPart(ctx.em, ctx.actor, input)),
	archive: adminProcedure
		.input(bodyPartIdInput)
		.mutation(({ ctx, input }) => archiveBodyPart(ctx.em, ctx.actor, input)),
	unarchive: adminProcedure
		.input(bodyPartIdInput)
		.mutation(({ ctx, input }) => unarchiveBodyPart(ctx.em, ctx.actor, input))
});
