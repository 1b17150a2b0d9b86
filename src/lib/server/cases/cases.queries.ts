// Case reads: the case lists, the booking question, the case page and the REST API's pages, one
// statement each. SQL rather than entities: hydrating a case with its patient, template, services
// and body parts cost a dozen queries and most of a request's CPU (issue 10); json sub-selects read
// the same facts at once. Every reader takes the actor and applies the one visibility rule
// (case-access.queries.ts) itself, and a read of whole cases writes its read-audit rows here, so a
// new caller cannot forget either. Values are always bound; sort keys come from a static map.
//
// Why raw SQL and not Kysely here: the statements are built around json_agg sub-selects and the
// visibility condition, which is a bound SQL fragment shared with the appointments feature; Kysely
// would wrap every column in sql`` and check nothing more. Plain column reads are Kysely
// (loadUsageAppointments in case-usage.rules.ts).
import type { z } from 'zod';
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import type { FilterOperator } from '../../schemas/patient.ts';
import type { findCasesInput, ReferralType } from '../../schemas/case.ts';
import { readAuditSql, recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { escapeLike } from '../db/like.ts';
import type { Em } from '../db/orm.ts';
import { columnFilterToSql, type FilterKind } from '../patients/patient-filters.queries.ts';
import type { UsageAppointment } from './case.rules.ts';
import type { CaseLimitKind, CaseStatus } from './case.entity.ts';
import { caseVisibilitySql } from './case-access.queries.ts';

type Bound = { sql: string; params: unknown[] };

export interface CaseSummaryRow {
	id: string;
	name: string;
	status: CaseStatus;
	issuedOn: string;
	hasReferral: boolean;
	referralExpiresOn: string | null;
	limitKind: CaseLimitKind;
	maxAppointments: number | null;
	maxAmountCents: number | null;
	countsCancelled: boolean;
	countsDidNotArrive: boolean;
	closedAt: Date | null;
	archivedAt: Date | null;
	/** Sent to teams (issue 18: a treatment case can be sent once, then re-triaged). */
	isSentToTeams: boolean;
	version: number;
	patient: { id: string; firstName: string; preferredFirstName: string | null; lastName: string } | null;
	template: {
		id: string;
		name: string;
		isActive: boolean;
		/** The template's services (more than one: a shared case). */
		serviceIds: string[];
	} | null;
	bodyParts: { id: string; name: string }[];
	mergedInto: { id: string; name: string } | null;
}

export interface CaseDetailRow extends CaseSummaryRow {
	notes: string | null;
	referralIssuedOn: string | null;
	referralType: ReferralType | null;
	referringDoctor: { id: string; title: string | null; firstName: string; lastName: string } | null;
	templateServices: { id: string; name: string }[];
	mergedFrom: { id: string; name: string }[];
	createdBy: string | null;
	createdAt: Date;
	updatedAt: Date;
	appointments: {
		id: string;
		startsAt: Date;
		endsAt: Date;
		status: AppointmentStatus;
		practitioner: { id: string; name: string };
		appointmentType: { id: string; name: string; priceCents: number };
		invoicedAmountCents: number | null;
	}[];
	attachments: {
		id: string;
		fileName: string;
		contentType: string;
		sizeBytes: number;
		uploadedBy: string | null;
		createdAt: Date;
	}[];
}

const SUMMARY_COLUMNS = `
	c.id::text as id, c.name, c.status, c.issued_on::text as issued_on, c.has_referral,
	c.referral_expires_on::text as referral_expires_on, c.limit_kind, c.max_appointments, c.max_amount_cents,
	c.counts_cancelled, c.counts_did_not_arrive, c.closed_at, c.archived_at, c.version,
	(c.sent_at is not null) as is_sent_to_teams, p.id::text as patient_id, p.first_name as patient_first_name,
	p.preferred_first_name as patient_preferred_first_name, p.last_name as patient_last_name,
	t.id::text as template_id, t.name as template_name, t.is_active as template_is_active,
	coalesce((select json_agg(ts.service_id::text order by ts.service_id)
		from case_template_service ts where ts.case_template_id = c.template_id), '[]') as template_service_ids,
	m.id::text as merged_into_id, m.name as merged_into_name,
	coalesce((select json_agg(json_build_object('id', b.id::text, 'name', b.name))
		from case_body_part cb join body_part b on b.id = cb.body_part_id where cb.case_id = c.id), '[]')
		as body_parts`;

/** What a list needs for each case's usage: its appointments, as json. */
const USAGE_COLUMN = `
	coalesce((select json_agg(json_build_object('id', a.id::text, 'status', a.status, 'startsAt', a.starts_at,
			'invoicedAmountCents', a.invoiced_amount_cents, 'priceCents', at.price_cents))
		from appointment a join appointment_type at on at.id = a.appointment_type_id where a.case_id = c.id), '[]')
		as usage_appointments`;

const SUMMARY_JOINS = `
	from clinic_case c
	left join patient p on p.id = c.patient_id
	left join case_template t on t.id = c.template_id
	left join clinic_case m on m.id = c.merged_into_id`;

/** A raw row: read only through the mappers below, which name each column once. */
type Row = Record<string, unknown>;

const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const toDateOrNull = (value: unknown): Date | null => (value == null ? null : toDate(value));
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

function summaryOf(row: Row): CaseSummaryRow {
	return {
		id: row.id as string,
		name: row.name as string,
		status: row.status as CaseStatus,
		issuedOn: row.issued_on as string,
		hasReferral: row.has_referral as boolean,
		referralExpiresOn: (row.referral_expires_on as string | null) ?? null,
		limitKind: row.limit_kind as CaseLimitKind,
		maxAppointments: (row.max_appointments as number | null) ?? null,
		maxAmountCents: (row.max_amount_cents as number | null) ?? null,
		countsCancelled: row.counts_cancelled as boolean,
		countsDidNotArrive: row.counts_did_not_arrive as boolean,
		closedAt: toDateOrNull(row.closed_at),
		archivedAt: toDateOrNull(row.archived_at),
		isSentToTeams: row.is_sent_to_teams as boolean,
		version: row.version as number,
		patient: row.patient_id
			? {
					id: row.patient_id as string,
					firstName: row.patient_first_name as string,
					preferredFirstName: (row.patient_preferred_first_name as string | null) ?? null,
					lastName: row.patient_last_name as string
				}
			: null,
		template: row.template_id
			? {
					id: row.template_id as string,
					name: row.template_name as string,
					isActive: row.template_is_active as boolean,
					serviceIds: row.template_service_ids as string[]
				}
			: null,
		bodyParts: [...(row.body_parts as { id: string; name: string }[])].sort(byName),
		mergedInto: row.merged_into_id
			? { id: row.merged_into_id as string, name: row.merged_into_name as string }
			: null
	};
}

/** A case's summary with the appointments its usage is computed from. */
export interface CaseSummaryWithUsage {
	summary: CaseSummaryRow;
	usage: UsageAppointment[];
}

type UsageJson = Omit<UsageAppointment, 'startsAt'> & { startsAt: string };

function summaryWithUsageOf(row: Row): CaseSummaryWithUsage {
	return {
		summary: summaryOf(row),
		usage: (row.usage_appointments as UsageJson[]).map((a) => ({ ...a, startsAt: new Date(a.startsAt) }))
	};
}

export interface CaseSummaryPage {
	rows: CaseSummaryWithUsage[];
	total: number;
}

/** The list's order: open cases first, newest first (the (status, issued_on, id) index read backwards). */
const LIST_ORDER = 'c.status desc, c.issued_on desc, c.id desc';

/** The conditions of a case list (over the case alias `c`), visibility first. */
function caseListWhere(actor: Actor, input: z.output<typeof findCasesInput>, today: string): Bound {
	const visibility = caseVisibilitySql(actor);
	// A case archived through the REST API leaves the lists, as in Cliniko, unless asked for.
	const where: string[] = [
		visibility.sql,
		input.archived ? 'c.archived_at is not null' : 'c.archived_at is null'
	];
	const params: unknown[] = [...visibility.params];
	if (input.status !== 'all') {
		where.push('c.status = ?');
		params.push(input.status);
	}
	if (input.patientId) {
		where.push('c.patient_id = ?');
		params.push(input.patientId);
	}
	if (input.templateId) {
		where.push('c.template_id = ?');
		params.push(input.templateId);
	}
	if (input.serviceId) {
		where.push(
			'exists (select 1 from case_template_service fs where fs.case_template_id = c.template_id and fs.service_id = ?)'
		);
		params.push(input.serviceId);
	}
	if (input.practitionerId) {
		where.push('exists (select 1 from appointment fa where fa.case_id = c.id and fa.practitioner_id = ?)');
		params.push(input.practitionerId);
	}
	if (input.referral) {
		if (input.referral === 'expired') {
			where.push('c.has_referral and c.referral_expires_on < ?::date');
			params.push(today);
		} else {
			where.push("c.has_referral and c.referral_expires_on between ?::date and ?::date + interval '30 days'");
			params.push(today, today);
		}
	}
	if (input.search) {
		const like = `%${escapeLike(input.search)}%`;
		// Patients are found through their lower-case search text (names, email, phones), word by
		// word, which the trigram index answers; matching "first || ' ' || last" read every patient.
		const words = input.search.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 6);
		const wordSql = words.map(() => 'sp.search_text like ?').join(' and ');
		// Two indexed look-ups (the case name's trigram index, the patients' search text) united: an
		// OR of the two would read every case.
		where.push(
			words.length
				? `c.id in (select sc.id from clinic_case sc where sc.name ilike ?
					union all select sc.id from clinic_case sc where sc.patient_id in (select sp.id from patient sp where ${wordSql}))`
				: 'c.name ilike ?'
		);
		params.push(like, ...words.map((w) => `%${escapeLike(w)}%`));
	}
	return { sql: where.join(' and '), params };
}

/**
 * One page of a case list the actor may see, in one query: the page's ids in the list's order with
 * each case's summary, its appointments for the usage, and the number of matches. A search gathers
 * its matches anyway, so its count is a window over them; otherwise the count is an index-only scan
 * of its own. Past the last page there is no row to carry the count, so it is counted apart.
 */
export async function findCaseSummaryPage(
	em: Em,
	actor: Actor,
	input: z.output<typeof findCasesInput>,
	today: string
): Promise<CaseSummaryPage> {
	const where = caseListWhere(actor, input, today);
	const countByWindow = Boolean(input.search);
	const count = countByWindow
		? '(count(*) over ())::int'
		: `(select count(*)::int from clinic_case c where ${where.sql})`;
	const rows = await em.execute<Row[]>(
		`with page as (
			select c.id, ${count} as total from clinic_case c where ${where.sql}
			order by ${LIST_ORDER} limit ? offset ?)
		 select ${SUMMARY_COLUMNS}, ${USAGE_COLUMN}, page.total
		 ${SUMMARY_JOINS.replace('from clinic_case c', 'from page join clinic_case c on c.id = page.id')}
		 order by ${LIST_ORDER}`,
		[...(countByWindow ? [] : where.params), ...where.params, input.perPage, (input.page - 1) * input.perPage]
	);
	let total = rows.length ? (rows[0]!.total as number) : 0;
	if (!rows.length && input.page > 1) {
		// Past the last page: count on its own, so the list can offer the way back.
		const [counted] = await em.execute<{ total: number }[]>(
			`select count(*)::int as total from clinic_case c where ${where.sql}`,
			where.params
		);
		total = counted?.total ?? 0;
	}
	return { rows: rows.map(summaryWithUsageOf), total };
}

/**
 * The open cases of a patient that the actor may see and that share one of these body parts (the
 * booking question, seed 002), newest first, in one query.
 */
export async function findOpenCaseSummariesWithBodyParts(
	em: Em,
	actor: Actor,
	patientId: string,
	bodyPartIds: readonly string[]
): Promise<CaseSummaryWithUsage[]> {
	if (!bodyPartIds.length) return [];
	const visibility = caseVisibilitySql(actor);
	const rows = await em.execute<Row[]>(
		`select ${SUMMARY_COLUMNS}, ${USAGE_COLUMN} ${SUMMARY_JOINS}
		 where c.patient_id = ? and c.status = 'open' and c.archived_at is null
		 and exists (select 1 from case_body_part cbp where cbp.case_id = c.id
			and cbp.body_part_id in (${bodyPartIds.map(() => '?').join(', ')}))
		 and ${visibility.sql}
		 order by c.issued_on desc, c.id desc`,
		[patientId, ...bodyPartIds, ...visibility.params]
	);
	return rows.map(summaryWithUsageOf);
}

/** Everything the case page shows, beyond the summary: json sub-selects over the case alias `c`. */
const DETAIL_COLUMNS = `${SUMMARY_COLUMNS},
	c.notes, c.referral_issued_on::text as referral_issued_on, c.referral_type, c.created_at, c.updated_at,
	cu.name as created_by_name,
	rd.id::text as referring_doctor_id, rd.title as referring_doctor_title,
	rd.first_name as referring_doctor_first_name, rd.last_name as referring_doctor_last_name,
	coalesce((select json_agg(json_build_object('id', s.id::text, 'name', s.name))
		from case_template_service ts join service s on s.id = ts.service_id
		where ts.case_template_id = c.template_id), '[]') as template_services,
	coalesce((select json_agg(json_build_object('id', f.id::text, 'name', f.name) order by f.id)
		from clinic_case f where f.merged_into_id = c.id), '[]') as merged_from,
	coalesce((select json_agg(json_build_object(
			'id', a.id::text, 'startsAt', a.starts_at, 'endsAt', a.ends_at, 'status', a.status,
			'practitionerId', u.id::text, 'practitionerName', u.name,
			'typeId', at.id::text, 'typeName', at.name, 'priceCents', at.price_cents,
			'invoicedAmountCents', a.invoiced_amount_cents) order by a.starts_at, a.id)
		from appointment a join app_user u on u.id = a.practitioner_id
		join appointment_type at on at.id = a.appointment_type_id
		where a.case_id = c.id), '[]') as appointments,
	coalesce((select json_agg(json_build_object(
			'id', f.id::text, 'fileName', f.file_name, 'contentType', f.content_type,
			'sizeBytes', f.size_bytes, 'uploadedBy', up.name, 'createdAt', f.created_at)
			order by f.created_at desc, f.id desc)
		from case_attachment f left join app_user up on up.id = f.uploaded_by_id
		where f.case_id = c.id), '[]') as attachments`;

const DETAIL_JOINS = `${SUMMARY_JOINS}
	left join app_user cu on cu.id = c.created_by_id
	left join contact rd on rd.id = c.referring_doctor_id`;

type AppointmentJson = {
	id: string;
	startsAt: string;
	endsAt: string;
	status: AppointmentStatus;
	practitionerId: string;
	practitionerName: string;
	typeId: string;
	typeName: string;
	priceCents: number;
	invoicedAmountCents: number | null;
};
type AttachmentJson = Omit<CaseDetailRow['attachments'][number], 'createdAt'> & { createdAt: string };

function detailOf(row: Row): CaseDetailRow {
	return {
		...summaryOf(row),
		notes: (row.notes as string | null) ?? null,
		referralIssuedOn: (row.referral_issued_on as string | null) ?? null,
		referralType: (row.referral_type as ReferralType | null) ?? null,
		referringDoctor: row.referring_doctor_id
			? {
					id: row.referring_doctor_id as string,
					title: (row.referring_doctor_title as string | null) ?? null,
					firstName: row.referring_doctor_first_name as string,
					lastName: row.referring_doctor_last_name as string
				}
			: null,
		templateServices: [...(row.template_services as { id: string; name: string }[])].sort(byName),
		mergedFrom: row.merged_from as { id: string; name: string }[],
		createdBy: (row.created_by_name as string | null) ?? null,
		createdAt: toDate(row.created_at),
		updatedAt: toDate(row.updated_at),
		appointments: (row.appointments as AppointmentJson[]).map((a) => ({
			id: a.id,
			startsAt: new Date(a.startsAt),
			endsAt: new Date(a.endsAt),
			status: a.status,
			practitioner: { id: a.practitionerId, name: a.practitionerName },
			appointmentType: { id: a.typeId, name: a.typeName, priceCents: a.priceCents },
			invoicedAmountCents: a.invoicedAmountCents ?? null
		})),
		attachments: (row.attachments as AttachmentJson[]).map((f) => ({
			...f,
			createdAt: new Date(f.createdAt)
		}))
	};
}

/**
 * A read of the case page: the case if the actor may see it (null otherwise), and its read-audit
 * row, written only when it is visible, in the same statement.
 */
export async function readCaseDetail(em: Em, actor: Actor, id: string): Promise<CaseDetailRow | null> {
	const visibility = caseVisibilitySql(actor);
	const audit = readAuditSql(
		actor,
		{ action: 'case.read', recordType: 'case', recordId: id },
		{
			sql: `exists (select 1 from clinic_case c where c.id = ? and ${visibility.sql})`,
			params: [id, ...visibility.params]
		}
	);
	const [row] = await em.execute<Row[]>(
		`with audit as (${audit.sql})
		 select ${DETAIL_COLUMNS} ${DETAIL_JOINS} where c.id = ? and ${visibility.sql}`,
		[...audit.params, id, ...visibility.params]
	);
	return row ? detailOf(row) : null;
}

/**
 * The case page's view of a case just changed, read in the change's transaction. Not a read of its
 * own: the change loaded the case through loadVisibleCase and is audited as the change; and the case
 * is shown even when the change took it out of the actor's sight (an appointment removed).
 */
export async function loadChangedCaseDetail(em: Em, id: string): Promise<CaseDetailRow | null> {
	const [row] = await em.execute<Row[]>(`select ${DETAIL_COLUMNS} ${DETAIL_JOINS} where c.id = ?`, [id]);
	return row ? detailOf(row) : null;
}

// ---------------------------------------------------------------------------------------------
// The REST API's patient cases (Cliniko's shape): numbered pages with filters and several sort keys.

/** Fields a numbered page of cases may be filtered on (Cliniko's names map onto these). */
const CASE_RECORD_FILTERS = {
	id: { column: 'id', kind: 'integer' },
	patientId: { column: 'patient_id', kind: 'integer' },
	createdAt: { column: 'created_at', kind: 'datetime' },
	updatedAt: { column: 'updated_at', kind: 'datetime' },
	referralIssuedOn: { column: 'referral_issued_on', kind: 'date' },
	referralExpiresOn: { column: 'referral_expires_on', kind: 'date' }
} as const satisfies Record<string, { column: string; kind: FilterKind }>;
export type CaseRecordFilterField = keyof typeof CASE_RECORD_FILTERS;

/** What a numbered page may be sorted by; the id always breaks ties. */
const CASE_RECORD_SORTS = {
	id: 'c.id',
	name: 'lower(c.name)',
	createdAt: 'c.created_at',
	updatedAt: 'c.updated_at',
	issuedOn: 'c.issued_on',
	referralIssuedOn: 'c.referral_issued_on',
	referralExpiresOn: 'c.referral_expires_on'
} as const;
export type CaseRecordSortField = keyof typeof CASE_RECORD_SORTS;

export interface FindCaseRecordsInput {
	archived: boolean;
	filters: { field: CaseRecordFilterField; op: FilterOperator; value?: string }[];
	sort: { field: CaseRecordSortField; direction: 'asc' | 'desc' }[];
	/** From 1. */
	page: number;
	perPage: number;
}

/**
 * A numbered page of whole cases that have a patient and that the actor may see, archived or not,
 * in one query, with the number of matches. Each case returned is a read of it, audited like the
 * case page (one audit row per case, in the same transaction).
 */
export async function findCaseRecordPage(
	em: Em,
	actor: Actor,
	input: FindCaseRecordsInput
): Promise<{ rows: CaseDetailRow[]; total: number }> {
	const visibility = caseVisibilitySql(actor);
	const where = [
		visibility.sql,
		'c.patient_id is not null',
		input.archived ? 'c.archived_at is not null' : 'c.archived_at is null'
	];
	const params: unknown[] = [...visibility.params];
	input.filters.forEach((filter, index) => {
		const fragment = columnFilterToSql(CASE_RECORD_FILTERS[filter.field], filter.field, filter, index);
		where.push(fragment.sql);
		params.push(...fragment.params);
	});
	const orderBy = [
		...input.sort.filter((s) => s.field !== 'id').map((s) => `${CASE_RECORD_SORTS[s.field]} ${s.direction}`),
		`c.id ${input.sort.find((s) => s.field === 'id')?.direction ?? 'asc'}`
	].join(', ');
	return em.transactional(async (tx) => {
		const rows = await tx.execute<Row[]>(
			`with page as (
				select c.id, count(*) over () as total, row_number() over (order by ${orderBy}) as n
				from clinic_case c where ${where.join(' and ')} order by ${orderBy} limit ? offset ?)
			 select ${DETAIL_COLUMNS}, page.total
			 ${DETAIL_JOINS.replace('from clinic_case c', 'from page join clinic_case c on c.id = page.id')}
			 order by page.n`,
			[...params, input.perPage, (input.page - 1) * input.perPage]
		);
		let total = rows.length ? Number(rows[0]!.total) : 0;
		if (!rows.length && input.page > 1) {
			const [counted] = await tx.execute<{ total: string }[]>(
				`select count(*) as total from clinic_case c where ${where.join(' and ')}`,
				params
			);
			total = Number(counted?.total ?? 0);
		}
		const details = rows.map(detailOf);
		for (const caseRow of details)
			recordAudit(tx, actor, {
				action: 'case.read',
				recordType: 'case',
				recordId: caseRow.id,
				details: { list: input.archived ? 'archived' : 'active' }
			});
		return { rows: details, total };
	});
}
