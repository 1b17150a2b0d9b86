// Patient custom fields: every staff member reads the definition (patient forms need it); only
// admins change it.
import { z } from 'zod';
import { adminProcedure, router, staffProcedure } from '../trpc/init.ts';
import { customFieldsDefinitionInput } from './custom-fields.rules.ts';
import { getCustomFieldDefinition, updateCustomFieldDefinition } from './custom-fields.service.ts';

export const updateCustomFieldDefinitionInput = z.object({
	definition: customFieldsDefinitionInput,
	version: z.number().int().min(1)
});

export const customFieldsRouter = router({
	get: staffProcedure.query(({ ctx }) => getCustomFieldDefinition(ctx.em)),
	update: adminProcedure
		.input(updateCustomFieldDefinitionInput)
		// The service parses the definition again (form actions call it directly): parsing is
		// idempotent, and the tokens given to new items here are kept.
		.mutation(({ ctx, input }) => updateCustomFieldDefinition(ctx.em, ctx.actor, input))
});
