// Cliniko's Treatment Notes and Treatment Note Templates resources (treatment_notes.md,
// treatment_note_templates.md), read-only: final notes only (drafts never appear), for cases the
// key's user may see; each note returned is audited as read. Content is in Cliniko's shape
// (sections of questions; choices as `answers` with `selected`); Casebook's extra kinds (date,
// number, scale) keep their own `type` and give their answer as text.
import { z } from 'zod';
import type { Answer, Question, Section } from '../../schemas/clinical-notes.ts';
import {
	findNoteRecords,
	type NoteFilterField,
	type NoteRecord,
	type NoteSortField
} from '../clinical-notes/clinical-notes.queries.ts';
import { findNoteTemplates, getNoteTemplate } from '../clinical-notes/note-templates.service.ts';
import { ApiError, jsonResponse } from './http.ts';
import { pageLinks, parseListParams, withFilterErrors, type ListSpec } from './list-params.ts';
import { apiTime, patientUrl } from './patients.resource.ts';
import type { ApiContext, ApiRoute } from './route.ts';

const link = z.object({ links: z.object({ self: z.url() }) });
const questionShape = z.object({
	name: z.string(),
	type: z.string().describe('text, paragraph, checkboxes, radiobuttons; Casebook adds date, number, scale'),
	answer: z.string().optional(),
	answers: z.array(z.object({ value: z.string(), selected: z.literal(true).optional() })).optional()
});
const contentShape = z.object({
	sections: z.array(z.object({ name: z.string(), questions: z.array(questionShape) }))
});

export const treatmentNoteResponse = z.object({
	id: z.number().int(),
	title: z.string(),
	draft: z.literal(false),
	content: contentShape,
	author_name: z.string(),
	signed_at: z.string().nullable().describe('Casebook: when it was finalised and signed'),
	created_at: z.string(),
	updated_at: z.string(),
	deleted_at: z.null(),
	patient: link.nullable(),
	patient_case: link.describe('Casebook: the case the note belongs to'),
	practitioner: z.object({ id: z.number().int(), name: z.string() }).describe('Casebook: the author'),
	treatment_note_template: link.nullable(),
	booking: z.object({ id: z.number().int() }).nullable(),
	amends: link.nullable().describe('Casebook: the note this one corrects'),
	links: z.object({ self: z.url() })
});

export const treatmentNoteTemplateResponse = z.object({
	id: z.number().int(),
	name: z.string(),
	version: z.number().int().describe('Casebook: the current version (editing makes a new one)'),
	archived_at: z.null().or(z.string()),
	content: contentShape,
	links: z.object({ self: z.url() })
});

const noteUrl = (origin: string, id: string) => `${origin}/api/v1/treatment_notes/${id}`;
const templateUrl = (origin: string, id: string) => `${origin}/api/v1/treatment_note_templates/${id}`;

const TYPE: Record<Question['kind'], string> = {
	text: 'text',
	paragraph: 'paragraph',
	checkboxes: 'checkboxes',
	radio: 'radiobuttons',
	date: 'date',
	number: 'number',
	scale: 'scale'
};

function questionToApi(q: Question, answer: Answer | undefined) {
	if (q.kind === 'checkboxes' || q.kind === 'radio') {
		const chosen = answer && typeof answer === 'object' ? answer : null;
		const answers = q.options.map((value) => ({
			value,
			...(chosen?.selected.includes(value) ? { selected: true as const } : {})
		}));
		if (chosen?.other) answers.push({ value: chosen.other, selected: true as const });
		return { name: q.label, type: TYPE[q.kind], answers };
	}
	const text =
		answer === undefined || answer === null || answer === ''
			? undefined
			: typeof answer === 'number'
				? `${answer}${q.kind === 'number' && q.unit ? ` ${q.unit}` : ''}`
				: String(answer);
	return { name: q.label, type: TYPE[q.kind], ...(text !== undefined ? { answer: text } : {}) };
}

function contentOf(sections: Section[], answers: Record<string, Answer>) {
	return {
		sections: sections.map((s) => ({
			name: s.title,
			questions: s.questions.map((q) => questionToApi(q, answers[q.id]))
		}))
	};
}

const BLANK: Section[] = [
	{
		title: 'Note',
		questions: [{ id: 'body', kind: 'paragraph', label: 'Note', options: [], allowOther: false, unit: null }]
	}
];

function noteToApi(n: NoteRecord, origin: string): z.infer<typeof treatmentNoteResponse> {
	return {
		id: Number(n.id),
		title: n.title,
		draft: false,
		content: contentOf(n.sections ?? BLANK, n.answers),
		author_name: n.signedByName ?? n.authorName,
		signed_at: n.signedAt ? apiTime(n.signedAt) : null,
		created_at: apiTime(n.createdAt),
		updated_at: apiTime(n.updatedAt),
		deleted_at: null,
		patient: n.patientId ? { links: { self: patientUrl(origin, n.patientId) } } : null,
		patient_case: { links: { self: `${origin}/api/v1/patient_cases/${n.caseId}` } },
		practitioner: { id: Number(n.authorId), name: n.authorName },
		treatment_note_template: n.templateId ? { links: { self: templateUrl(origin, n.templateId) } } : null,
		booking: n.appointmentId ? { id: Number(n.appointmentId) } : null,
		amends: n.amendsId ? { links: { self: noteUrl(origin, n.amendsId) } } : null,
		links: { self: noteUrl(origin, n.id) }
	};
}

const NOTE_FILTERS = {
	id: 'id',
	patient_id: 'patientId',
	case_id: 'caseId',
	patient_case_id: 'caseId',
	practitioner_id: 'practitionerId',
	treatment_note_template_id: 'templateId',
	created_at: 'createdAt',
	updated_at: 'updatedAt'
} as const satisfies Record<string, NoteFilterField>;
const NOTE_SORTS = { id: 'id', created_at: 'createdAt', updated_at: 'updatedAt' } as const satisfies Record<
	string,
	NoteSortField
>;
const NOTE_LIST: ListSpec<NoteFilterField, NoteSortField> = {
	filters: NOTE_FILTERS,
	sorts: NOTE_SORTS,
	dates: { createdAt: 'datetime', updatedAt: 'datetime' }
};

async function listNotes(ctx: ApiContext): Promise<Response> {
	const params = parseListParams(ctx.url, NOTE_LIST);
	const { items, total } = await withFilterErrors(params, NOTE_FILTERS, () =>
		findNoteRecords(ctx.em, ctx.actor, params)
	);
	return jsonResponse({
		treatment_notes: items.map((n) => noteToApi(n, ctx.origin)),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

async function getNote(ctx: ApiContext): Promise<Response> {
	const id = ctx.params.id ?? '';
	if (!/^\d{1,18}$/.test(id)) throw new ApiError(404, 'No treatment note with that id');
	const { items } = await findNoteRecords(ctx.em, ctx.actor, {
		page: 1,
		perPage: 1,
		filters: [{ field: 'id', op: '=', value: id }],
		sort: []
	});
	if (!items[0]) throw new ApiError(404, 'No treatment note with that id');
	return jsonResponse(noteToApi(items[0], ctx.origin));
}

type TemplateView = Awaited<ReturnType<typeof getNoteTemplate>>;
function templateToApi(t: TemplateView, origin: string): z.infer<typeof treatmentNoteTemplateResponse> {
	return {
		id: Number(t.id),
		name: t.name,
		version: t.currentVersion,
		archived_at: t.isActive ? null : 'archived',
		content: contentOf(t.sections, {}),
		links: { self: templateUrl(origin, t.id) }
	};
}

const access = { roles: 'any' as const };

export const treatmentNoteRoutes: ApiRoute[] = [
	{
		method: 'GET',
		path: '/treatment_notes',
		operationId: 'listTreatmentNotes',
		summary: 'Get treatment notes',
		description:
			'Final (signed) notes of the cases your key’s user may see; drafts never appear. Filter with q[]=patient_id:=1, case_id, practitioner_id, updated_at:>2026-01-01T00:00:00Z.',
		tag: 'Treatment notes',
		access,
		list: {
			filters: {
				id: 'Integer',
				patient_id: 'Integer',
				case_id: 'Integer',
				practitioner_id: 'Integer',
				treatment_note_template_id: 'Integer',
				created_at: 'DateTime',
				updated_at: 'DateTime'
			},
			sorts: Object.keys(NOTE_SORTS),
			defaultSort: 'id'
		},
		responses: { 200: { description: 'A page of treatment notes', schema: 'TreatmentNoteList' } },
		handle: listNotes
	},
	{
		method: 'GET',
		path: '/treatment_notes/{id}',
		operationId: 'getTreatmentNote',
		summary: 'Get a treatment note',
		description: 'A final note; a draft, or a note of a case you may not see, answers 404.',
		tag: 'Treatment notes',
		access,
		responses: {
			200: { description: 'The treatment note', schema: 'TreatmentNote' },
			404: { description: 'No such final note you may see', schema: 'Error' }
		},
		handle: getNote
	},
	{
		method: 'GET',
		path: '/treatment_note_templates',
		operationId: 'listTreatmentNoteTemplates',
		summary: 'Get treatment note templates',
		description: 'The current (not archived) templates, each at its current version, on one page.',
		tag: 'Treatment notes',
		access,
		responses: { 200: { description: 'Every current template', schema: 'TreatmentNoteTemplateList' } },
		handle: async (ctx) => {
			const items = await findNoteTemplates(ctx.em, ctx.actor, {});
			return jsonResponse({
				treatment_note_templates: items.map((t) => templateToApi(t, ctx.origin)),
				total_entries: items.length,
				links: { self: `${ctx.origin}/api/v1/treatment_note_templates?page=1` }
			});
		}
	},
	{
		method: 'GET',
		path: '/treatment_note_templates/{id}',
		operationId: 'getTreatmentNoteTemplate',
		summary: 'Get a treatment note template',
		tag: 'Treatment notes',
		access,
		responses: {
			200: { description: 'The template at its current version', schema: 'TreatmentNoteTemplate' },
			404: { description: 'No template with that id', schema: 'Error' }
		},
		handle: async (ctx) => {
			const id = ctx.params.id ?? '';
			if (!/^\d{1,18}$/.test(id)) throw new ApiError(404, 'No treatment note template with that id');
			return jsonResponse(templateToApi(await getNoteTemplate(ctx.em, ctx.actor, id), ctx.origin));
		}
	}
];
