// Inputs of the clinical-notes procedures (issue 22), parsed again by the services.
import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';
import { answersSchema, GOAL_MEASURES, GOAL_STATUSES, sectionsSchema } from '../../schemas/clinical-notes.ts';

const name = z.string().trim().min(1, 'Enter a name').max(120, 'Use at most 120 characters');

export const noteTemplateFields = z.object({
	name,
	sections: sectionsSchema,
	/** Case templates whose cases offer this note template first. */
	caseTemplateIds: z
		.array(recordId)
		.max(200)
		.default([])
		.transform((ids) => [...new Set(ids)])
});
export const createNoteTemplateInput = noteTemplateFields;
export const updateNoteTemplateInput = noteTemplateFields.extend({
	id: recordId,
	version: z.number().int().min(1, 'Missing version')
});
export const findNoteTemplatesInput = z.object({ includeArchived: z.boolean().default(false) });
export const idInput = z.object({ id: recordId });
export const caseIdInput = z.object({ caseId: recordId });

export const createNoteInput = z.object({
	caseId: recordId,
	/** Omitted: a blank note. */
	templateId: recordId.nullable().optional(),
	appointmentId: recordId.nullable().optional()
});
export const amendNoteInput = z.object({ id: recordId });

const goalLinks = z
	.record(z.string().max(40), recordId)
	.refine((r) => Object.keys(r).length <= 100, 'Too many goal links');

export const saveDraftInput = z.object({
	id: recordId,
	/** The revision the editor last saved (or loaded). */
	revision: z.number().int().min(1),
	title: z.string().trim().min(1, 'Enter a title').max(200, 'Use at most 200 characters'),
	answers: answersSchema,
	goalLinks: goalLinks.default({})
});
export const finaliseNoteInput = z.object({ id: recordId, revision: z.number().int().min(1) });

const goalNumber = z.number({ error: 'Enter a number' }).finite().min(-1_000_000).max(1_000_000);
const dateOnly = z.iso.date({ error: 'Enter a date' });

export const goalFields = z
	.object({
		description: z.string().trim().min(1, 'Say what the goal is').max(300, 'Use at most 300 characters'),
		measure: z.enum(GOAL_MEASURES, { error: 'Choose how it is measured' }),
		unit: z
			.string()
			.trim()
			.max(40, 'Use at most 40 characters')
			.nullable()
			.optional()
			.transform((v) => (v ? v : null)),
		baseline: goalNumber,
		target: goalNumber,
		targetDate: dateOnly
			.nullable()
			.optional()
			.transform((v) => v ?? null)
	})
	.superRefine((g, ctx) => {
		if (g.measure === 'scale') {
			for (const key of ['baseline', 'target'] as const)
				if (g[key] < 0 || g[key] > 10)
					ctx.addIssue({ code: 'custom', path: [key], message: 'On a 0–10 scale: from 0 to 10' });
		} else if (!g.unit) {
			ctx.addIssue({ code: 'custom', path: ['unit'], message: 'Enter the unit (e.g. degrees, kg, metres)' });
		}
	});
export const createGoalInput = z.intersection(z.object({ caseId: recordId }), goalFields);
export const updateGoalInput = z.object({
	id: recordId,
	version: z.number().int().min(1),
	status: z.enum(GOAL_STATUSES, { error: 'Choose a status' }),
	target: goalNumber.optional(),
	targetDate: dateOnly.nullable().optional()
});

export const summaryInput = z.object({
	caseId: recordId,
	/** The final notes the practitioner ticked; nothing else goes in. */
	noteIds: z
		.array(recordId)
		.max(200)
		.default([])
		.transform((ids) => [...new Set(ids)])
});

export type CreateNoteTemplateInput = z.input<typeof createNoteTemplateInput>;
export type UpdateNoteTemplateInput = z.input<typeof updateNoteTemplateInput>;
export type SaveDraftInput = z.input<typeof saveDraftInput>;
export type CreateGoalInput = z.input<typeof createGoalInput>;
