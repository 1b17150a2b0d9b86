// Reads of final treatment notes for the REST API (issue 22), in SQL: the case visibility rule and
// the filters are one statement, values always bound, sort keys from a static map. Drafts never
// appear. Each note returned is recorded as read (audit), in the same round trip.
import type { FilterOperator } from '../../schemas/patient.ts';
import type { Actor } from '../auth/actor.ts';
import { caseVisibilitySql } from '../cases/case-access.queries.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Answers, Section } from '../../schemas/clinical-notes.ts';

export const NOTE_FILTER_FIELDS = [
	'id',
	'patientId',
	'caseId',
	'practitionerId',
	'templateId',
	'createdAt',
	'updatedAt'
] as const;
export type NoteFilterField = (typeof NOTE_FILTER_FIELDS)[number];
export const NOTE_SORT_FIELDS = ['id', 'createdAt', 'updatedAt'] as const;
export type NoteSortField = (typeof NOTE_SORT_FIELDS)[number];

const COLUMNS: Record<NoteFilterField, string> = {
	id: 'n.id',
	patientId: 'c.patient_id',
	caseId: 'n.case_id',
	practitionerId: 'n.author_id',
	templateId: 'v.template_id',
	createdAt: 'n.created_at',
	updatedAt: 'n.updated_at'
};
const SORTS: Record<NoteSortField, string> = {
	id: 'n.id',
	createdAt: 'n.created_at',
	updatedAt: 'n.updated_at'
};
const ID_OPS = new Set<FilterOperator>(['=', '!=']);
const DATE_OPS = new Set<FilterOperator>(['=', '<', '<=', '>', '>=']);

export interface NoteRecord {
	id: string;
	title: string;
	caseId: string;
	patientId: string | null;
	authorId: string;
	authorName: string;
	signedByName: string | null;
	signedAt: Date | null;
	templateId: string | null;
	appointmentId: string | null;
	amendsId: string | null;
	sections: Section[] | null;
	answers: Answers;
	createdAt: Date;
	updatedAt: Date;
}

interface Row {
	id: string;
	title: string;
	case_id: string;
	patient_id: string | null;
	author_id: string;
	author_name: string;
	signed_by_name: string | null;
	signed_at: Date | null;
	template_id: string | null;
	appointment_id: string | null;
	amends_id: string | null;
	sections: Section[] | null;
	answers: Answers;
	created_at: Date;
	updated_at: Date;
	total: string;
}

export async function findNoteRecords(
	em: Em,
	actor: Actor,
	params: {
		page: number;
		perPage: number;
		filters: { field: NoteFilterField; op: FilterOperator; value?: string }[];
		sort: { field: NoteSortField; direction: 'asc' | 'desc' }[];
	}
): Promise<{ items: NoteRecord[]; total: number }> {
	const visibility = caseVisibilitySql(actor);
	const where = [`n.status = 'final'`, visibility.sql];
	const values: unknown[] = [...visibility.params];
	params.filters.forEach((f, i) => {
		const isDate = f.field === 'createdAt' || f.field === 'updatedAt';
		const ops = isDate ? DATE_OPS : ID_OPS;
		if (!ops.has(f.op) || f.value === undefined)
			throw new AppError('BAD_REQUEST', 'Unsupported filter', {
				fieldErrors: { [`filters.${i}`]: [`use one of ${[...ops].join(' ')} with a value`] }
			});
		if (!isDate && !/^\d{1,18}$/.test(f.value))
			throw new AppError('BAD_REQUEST', 'Not an id', {
				fieldErrors: { [`filters.${i}`]: ['must be a whole number'] }
			});
		if (isDate && f.op === '=') {
			where.push(
				`${COLUMNS[f.field]} >= ?::timestamptz and ${COLUMNS[f.field]} < ?::timestamptz + interval '1 second'`
			);
			values.push(f.value, f.value);
		} else {
			where.push(
				`${COLUMNS[f.field]} ${f.op === '!=' ? '<>' : f.op} ?${isDate ? '::timestamptz' : '::bigint'}`
			);
			values.push(f.value);
		}
	});
	const order = [...params.sort.map((s) => `${SORTS[s.field]} ${s.direction}`), 'n.id asc'].join(', ');
	const rows = await em.execute<Row[]>(
		`select n.id, n.title, n.case_id, c.patient_id, n.author_id, u.name as author_name, n.signed_by_name,
			n.signed_at, v.template_id, n.appointment_id, n.amends_id, v.sections, n.answers, n.created_at, n.updated_at,
			count(*) over () as total
		 from clinical_note n
		 join clinic_case c on c.id = n.case_id
		 join app_user u on u.id = n.author_id
		 left join note_template_version v on v.id = n.template_version_id
		 where ${where.join(' and ')}
		 order by ${order}
		 limit ? offset ?`,
		[...values, params.perPage, (params.page - 1) * params.perPage]
	);
	if (rows.length) {
		await em.execute(
			`insert into audit_event (at, actor_type, actor_id, actor_label, action, record_type, record_id, request_id, ip)
			 select now(), 'staff', ?, ?, 'clinical_note.read', 'clinical_note', ids.value, ?, ?
			 from jsonb_array_elements_text(?::jsonb) as ids(value)`,
			[
				actor.user?.id ?? null,
				actor.user?.email ?? null,
				actor.requestId,
				actor.ip,
				JSON.stringify(rows.map((r) => String(r.id)))
			]
		);
	}
	return {
		total: rows.length ? Number(rows[0]!.total) : 0,
		items: rows.map((r) => ({
			id: String(r.id),
			title: r.title,
			caseId: String(r.case_id),
			patientId: r.patient_id === null ? null : String(r.patient_id),
			authorId: String(r.author_id),
			authorName: r.author_name,
			signedByName: r.signed_by_name,
			signedAt: r.signed_at ? new Date(r.signed_at) : null,
			templateId: r.template_id === null ? null : String(r.template_id),
			appointmentId: r.appointment_id === null ? null : String(r.appointment_id),
			amendsId: r.amends_id === null ? null : String(r.amends_id),
			sections: r.sections,
			answers: r.answers,
			createdAt: new Date(r.created_at),
			updatedAt: new Date(r.updated_at)
		}))
	};
}
