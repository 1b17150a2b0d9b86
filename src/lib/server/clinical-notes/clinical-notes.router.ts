// clinicalNotes.*: treatment notes, goals and the case summary (issue 22), for clinic staff who may
// see the case (referrers never); noteTemplates.*: read by staff, changed by admins.
import { adminProcedure, router, staffProcedure } from '../trpc/init.ts';
import { buildCaseSummary, emailCaseSummary } from './case-summary.service.ts';
import {
	amendNote,
	caseClinical,
	createGoal,
	createNote,
	discardDraft,
	finaliseNote,
	getNote,
	saveDraft,
	updateGoal
} from './clinical-notes.service.ts';
import {
	amendNoteInput,
	caseIdInput,
	createGoalInput,
	createNoteInput,
	createNoteTemplateInput,
	finaliseNoteInput,
	findNoteTemplatesInput,
	idInput,
	saveDraftInput,
	summaryInput,
	updateGoalInput,
	updateNoteTemplateInput
} from './clinical-notes.schemas.ts';
import {
	createNoteTemplate,
	findNoteTemplates,
	getNoteTemplate,
	noteTemplateFormOptions,
	setNoteTemplateArchived,
	updateNoteTemplate
} from './note-templates.service.ts';

export const clinicalNotesRouter = router({
	forCase: staffProcedure
		.input(caseIdInput)
		.query(({ ctx, input }) => caseClinical(ctx.em, ctx.actor, input)),
	get: staffProcedure.input(idInput).query(({ ctx, input }) => getNote(ctx.em, ctx.actor, input)),
	create: staffProcedure
		.input(createNoteInput)
		.mutation(({ ctx, input }) => createNote(ctx.em, ctx.actor, input)),
	saveDraft: staffProcedure
		.input(saveDraftInput)
		.mutation(({ ctx, input }) => saveDraft(ctx.em, ctx.actor, input)),
	finalise: staffProcedure
		.input(finaliseNoteInput)
		.mutation(({ ctx, input }) => finaliseNote(ctx.em, ctx.actor, input)),
	discard: staffProcedure.input(idInput).mutation(({ ctx, input }) => discardDraft(ctx.em, ctx.actor, input)),
	amend: staffProcedure
		.input(amendNoteInput)
		.mutation(({ ctx, input }) => amendNote(ctx.em, ctx.actor, input)),
	createGoal: staffProcedure
		.input(createGoalInput)
		.mutation(({ ctx, input }) => createGoal(ctx.em, ctx.actor, input)),
	updateGoal: staffProcedure
		.input(updateGoalInput)
		.mutation(({ ctx, input }) => updateGoal(ctx.em, ctx.actor, input)),
	summaryPdf: staffProcedure
		.input(summaryInput)
		.query(({ ctx, input }) => buildCaseSummary(ctx.em, ctx.actor, input)),
	emailSummary: staffProcedure
		.input(summaryInput)
		.mutation(({ ctx, input }) => emailCaseSummary(ctx.em, ctx.actor, input))
});

export const noteTemplatesRouter = router({
	find: staffProcedure
		.input(findNoteTemplatesInput)
		.query(({ ctx, input }) => findNoteTemplates(ctx.em, ctx.actor, input)),
	get: staffProcedure.input(idInput).query(({ ctx, input }) => getNoteTemplate(ctx.em, ctx.actor, input.id)),
	formOptions: adminProcedure.query(({ ctx }) => noteTemplateFormOptions(ctx.em)),
	create: adminProcedure
		.input(createNoteTemplateInput)
		.mutation(({ ctx, input }) => createNoteTemplate(ctx.em, ctx.actor, input)),
	update: adminProcedure
		.input(updateNoteTemplateInput)
		.mutation(({ ctx, input }) => updateNoteTemplate(ctx.em, ctx.actor, input)),
	archive: adminProcedure
		.input(idInput)
		.mutation(({ ctx, input }) => setNoteTemplateArchived(ctx.em, ctx.actor, input.id, true)),
	unarchive: adminProcedure
		.input(idInput)
		.mutation(({ ctx, input }) => setNoteTemplateArchived(ctx.em, ctx.actor, input.id, false))
});
