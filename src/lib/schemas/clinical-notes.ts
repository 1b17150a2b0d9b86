// Treatment note templates, notes and goals (issue 22): the shapes the browser's editors and the
// server share. A template's sections hold questions; a note's answers are keyed by question id.
import { z } from 'zod';

export const QUESTION_KINDS = ['text', 'paragraph', 'checkboxes', 'radio', 'date', 'number', 'scale'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];
export const QUESTION_KIND_LABELS: Record<QuestionKind, string> = {
	text: 'Short text',
	paragraph: 'Paragraph',
	checkboxes: 'Checkboxes',
	radio: 'Radio buttons',
	date: 'Date',
	number: 'Number with unit',
	scale: '0–10 scale'
};
/** Kinds whose answer is a number that can be recorded as a goal's progress. */
export const MEASURED_KINDS: readonly QuestionKind[] = ['number', 'scale'];

export const GOAL_STATUSES = ['in_progress', 'met', 'partly_met', 'not_met', 'discontinued'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];
export const GOAL_STATUS_LABELS: Record<GoalStatus, string> = {
	in_progress: 'In progress',
	met: 'Met',
	partly_met: 'Partly met',
	not_met: 'Not met',
	discontinued: 'Discontinued'
};
export const GOAL_MEASURES = ['number', 'scale'] as const;
export type GoalMeasure = (typeof GOAL_MEASURES)[number];

const label = z.string().trim().min(1, 'Enter the question').max(300, 'Use at most 300 characters');
const questionId = z.string().regex(/^[a-z0-9_-]{1,40}$/i, 'Not a valid question id');

export const questionSchema = z
	.object({
		id: questionId,
		kind: z.enum(QUESTION_KINDS, { error: 'Choose a kind of question' }),
		label,
		/** checkboxes and radio: the choices offered. */
		options: z.array(z.string().trim().min(1, 'Enter the option').max(200)).max(50).default([]),
		/** radio: an "Other" choice with its own text. */
		allowOther: z.boolean().default(false),
		/** number: its unit (e.g. "degrees", "kg"). */
		unit: z.string().trim().max(40).nullable().default(null)
	})
	.superRefine((q, ctx) => {
		if ((q.kind === 'checkboxes' || q.kind === 'radio') && q.options.length === 0) {
			ctx.addIssue({ code: 'custom', path: ['options'], message: 'Give at least one option' });
		}
	});
export type Question = z.output<typeof questionSchema>;

export const sectionSchema = z.object({
	title: z.string().trim().min(1, 'Enter the section title').max(200, 'Use at most 200 characters'),
	questions: z.array(questionSchema).min(1, 'Add at least one question').max(100)
});
export type Section = z.output<typeof sectionSchema>;

export const sectionsSchema = z
	.array(sectionSchema)
	.min(1, 'Add at least one section')
	.max(30)
	.superRefine((sections, ctx) => {
		const seen = new Set<string>();
		sections.forEach((s, si) =>
			s.questions.forEach((q, qi) => {
				if (seen.has(q.id))
					ctx.addIssue({ code: 'custom', path: [si, 'questions', qi, 'id'], message: 'Question ids must differ' });
				seen.add(q.id);
			})
		);
	});

/** One answer: text (text, paragraph, date as YYYY-MM-DD), a number, or chosen options. */
export const answerSchema = z.union([
	z.string().max(20_000, 'Use at most 20000 characters'),
	z.number().finite(),
	z.object({
		selected: z.array(z.string().max(200)).max(50),
		other: z.string().max(500).nullable().default(null)
	}),
	z.null()
]);
export type Answer = z.output<typeof answerSchema>;
export const answersSchema = z
	.record(questionId, answerSchema)
	.refine((r) => Object.keys(r).length <= 500, 'Too many answers');
export type Answers = z.output<typeof answersSchema>;

/** The one section of a blank note (no template). */
export const BLANK_SECTIONS: Section[] = [
	{
		title: 'Note',
		questions: [{ id: 'body', kind: 'paragraph', label: 'Note', options: [], allowOther: false, unit: null }]
	}
];
