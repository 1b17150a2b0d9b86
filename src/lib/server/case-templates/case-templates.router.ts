// admin.caseTemplates: anyone on staff may read (practitioners only the templates of their
// services); only admins may change.
import { adminProcedure, router, staffProcedure } from '../trpc/init.ts';
import {
	caseTemplateIdInput,
	createCaseTemplateInput,
	findCaseTemplatesInput,
	updateCaseTemplateInput
} from './case-templates.schemas.ts';
import {
	archiveCaseTemplate,
	caseTemplateFormOptions,
	createCaseTemplate,
	deleteCaseTemplate,
	findCaseTemplates,
	getCaseTemplate,
	updateCaseTemplate
} from './case-templates.service.ts';

export const caseTemplatesRouter = router({
	find: staffProcedure
		.input(findCaseTemplatesInput)
		.query(({ ctx, input }) => findCaseTemplates(ctx.em, ctx.actor, input)),
	get: staffProcedure
		.input(caseTemplateIdInput)
		.query(({ ctx, input }) => getCaseTemplate(ctx.em, ctx.actor, input.id)),
	formOptions: adminProcedure.query(({ ctx }) => caseTemplateFormOptions(ctx.em)),
	create: adminProcedure
		.input(createCaseTemplateInput)
		.mutation(({ ctx, input }) => createCaseTemplate(ctx.em, ctx.actor, input)),
	update: adminProcedure
		.input(updateCaseTemplateInput)
		.mutation(({ ctx, input }) => updateCaseTemplate(ctx.em, ctx.actor, input)),
	archive: adminProcedure
		.input(caseTemplateIdInput)
		.mutation(({ ctx, input }) => archiveCaseTemplate(ctx.em, ctx.actor, input.id)),
	delete: adminProcedure
		.input(caseTemplateIdInput)
		.mutation(({ ctx, input }) => deleteCaseTemplate(ctx.em, ctx.actor, input.id))
});
