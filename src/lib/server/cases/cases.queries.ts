// Case reads: the case lists, the booking question, the case page and the REST API's pages, one
// statement each, written with Kysely over the tables typed from their entities, so that columns,
// parameters and result rows are checked by the compiler. Hydrating a case with its patient,
// template, services and body parts cost a dozen queries and most of a request's CPU (issue 10):
// json sub-selects (`jsonArrayFrom`) read the same facts at once. Every reader takes the actor and
// applies the one visibility rule (case-access.queries.ts, a bound SQL condition shared with the
// appointments feature) itself, and a read of whole cases writes its read-audit rows here, so a new
// caller cannot forget either. Values are always bound; sort keys come from static maps.
import { sql, type ExpressionBuilder, type Kysely, type QueryCreator, type SqlBool } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { InferKyselyDB } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import type { FilterOperator } from '../../schemas/patient.ts';
import type { findCasesInput, ReferralType } from '../../schemas/case.ts';
import type { AppointmentTypeSchema } from '../appointment-types/appointment-type.entity.ts';
import type { AppointmentSchema } from '../appointments/appointment.entity.ts';
import { readAuditSql, recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import type { UserSchema } from '../auth/user.entity.ts';
import type { CaseTemplateSchema } from '../case-templates/case-template.entity.ts';
import type { ContactSchema } from '../contacts/contact.entity.ts';
import { boundSql, type BoundSql } from '../db/bound-sql.ts';
import { escapeLike } from '../db/like.ts';
import type { Em } from '../db/orm.ts';
import { columnFilterToSql, type FilterKind } from '../patients/patient-filters.queries.ts';
import type { PatientSchema } from '../patients/patient.entity.ts';
import type { ServiceSchema } from '../services/service.entity.ts';
import type { BodyPartSchema } from './body-part.entity.ts';
import type { UsageAppointment } from './case.rules.ts';
import type { CaseAttachmentSchema, CaseLimitKind, CaseSchema, CaseStatus } from './case.entity.ts';
import { caseVisibilitySql } from './case-access.queries.ts';

/** The tables case reads use, typed from their entities; the two pivot tables have no entity. */
type CaseReadDb = InferKyselyDB<
	| typeof CaseSchema
	| typeof CaseAttachmentSchema
	| typeof PatientSchema
	| typeof CaseTemplateSchema
	| typeof ServiceSchema
	| typeof BodyPartSchema
	| typeof AppointmentSchema
	| typeof AppointmentTypeSchema
	| typeof UserSchema
	| typeof ContactSchema
> & {
	case_body_part: { case_id: string; body_part_id: string };
	case_template_service: { case_template_id: string; service_id: string };
};

/** The cases a statement reads, in order: ids chosen first (a page, a question), then joined. */
interface PageRow {
	id: string;
	/** How many cases matched in all (0 where the statement does not count). */
	total: number;
	/** The position in the page's order. */
	n: number;
}
type PagedDb = CaseReadDb & { page: PageRow };

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

/** Over the case alias `c` (inside the page's choice). */
type CaseEb = ExpressionBuilder<CaseReadDb & { c: CaseReadDb['clinic_case'] }, 'c'>;

function db(em: Em): Kysely<CaseReadDb> {
	return em.getKysely<CaseReadDb>();
}

/** The chosen cases with everything a summary or the case page joins. */
function joined(qc: QueryCreator<PagedDb>) {
	return qc
		.selectFrom('page')
		.innerJoin('clinic_case as c', 'c.id', 'page.id')
		.leftJoin('patient as p', 'p.id', 'c.patient_id')
		.leftJoin('case_template as t', 't.id', 'c.template_id')
		.leftJoin('clinic_case as m', 'm.id', 'c.merged_into_id')
		.leftJoin('app_user as cu', 'cu.id', 'c.created_by_id')
		.leftJoin('contact as rd', 'rd.id', 'c.referring_doctor_id')
		.orderBy('page.n');
}
type Joined = ReturnType<typeof joined>;

/** In json a timestamp is a string and a bigint a number: ids are read as text, times as strings. */
function selectSummary(qb: Joined) {
	return qb.select((eb) => [
		eb.cast<string>('c.id', 'text').as('id'),
		'c.name',
		'c.status',
		eb.cast<string>('c.issued_on', 'text').as('issued_on'),
		'c.has_referral',
		eb.cast<string | null>('c.referral_expires_on', 'text').as('referral_expires_on'),
		'c.limit_kind',
		'c.max_appointments',
		'c.max_amount_cents',
		'c.counts_cancelled',
		'c.counts_did_not_arrive',
		'c.closed_at',
		'c.archived_at',
		'c.version',
		sql<boolean>`c.sent_at is not null`.as('is_sent_to_teams'),
		'page.total',
		eb.cast<string | null>('p.id', 'text').as('patient_id'),
		'p.first_name as patient_first_name',
		'p.preferred_first_name as patient_preferred_first_name',
		'p.last_name as patient_last_name',
		eb.cast<string | null>('t.id', 'text').as('template_id'),
		't.name as template_name',
		't.is_active as template_is_active',
		jsonArrayFrom(
			eb
				.selectFrom('case_template_service as ts')
				.select((sb) => sb.cast<string>('ts.service_id', 'text').as('id'))
				.whereRef('ts.case_template_id', '=', 'c.template_id')
				.orderBy('ts.service_id')
		).as('template_services_ids'),
		eb.cast<string | null>('m.id', 'text').as('merged_into_id'),
		'm.name as merged_into_name',
		jsonArrayFrom(
			eb
				.selectFrom('case_body_part as cb')
				.innerJoin('body_part as b', 'b.id', 'cb.body_part_id')
				.select((sb) => [sb.cast<string>('b.id', 'text').as('id'), 'b.name'])
				.whereRef('cb.case_id', '=', 'c.id')
		).as('body_parts')
	]);
}
type SummaryRaw = Awaited<ReturnType<ReturnType<typeof selectSummary>['execute']>>[number];

/** What a list needs for each case's usage: its appointments. */
function selectUsage(qb: ReturnType<typeof selectSummary>) {
	return qb.select((eb) =>
		jsonArrayFrom(
			eb
				.selectFrom('appointment as a')
				.innerJoin('appointment_type as at', 'at.id', 'a.appointment_type_id')
				.select((sb) => [
					sb.cast<string>('a.id', 'text').as('id'),
					'a.status',
					sb.ref('a.starts_at').$castTo<string>().as('startsAt'),
					'a.invoiced_amount_cents as invoicedAmountCents',
					'at.price_cents as priceCents'
				])
				.whereRef('a.case_id', '=', 'c.id')
		).as('usage_appointments')
	);
}
type UsageRaw = Awaited<ReturnType<ReturnType<typeof selectUsage>['execute']>>[number];

/** Everything the case page shows, beyond the summary. */
function selectDetail(qb: ReturnType<typeof selectSummary>) {
	return qb.select((eb) => [
		'c.notes',
		eb.cast<string | null>('c.referral_issued_on', 'text').as('referral_issued_on'),
		'c.referral_type',
		'c.created_at',
		'c.updated_at',
		'cu.name as created_by_name',
		eb.cast<string | null>('rd.id', 'text').as('referring_doctor_id'),
		'rd.title as referring_doctor_title',
		'rd.first_name as referring_doctor_first_name',
		'rd.last_name as referring_doctor_last_name',
		jsonArrayFrom(
			eb
				.selectFrom('case_template_service as ts')
				.innerJoin('service as s', 's.id', 'ts.service_id')
				.select((sb) => [sb.cast<string>('s.id', 'text').as('id'), 's.name'])
				.whereRef('ts.case_template_id', '=', 'c.template_id')
		).as('template_services'),
		jsonArrayFrom(
			eb
				.selectFrom('clinic_case as f')
				.select((sb) => [sb.cast<string>('f.id', 'text').as('id'), 'f.name'])
				.whereRef('f.merged_into_id', '=', 'c.id')
				.orderBy('f.id')
		).as('merged_from'),
		jsonArrayFrom(
			eb
				.selectFrom('appointment as a')
				.innerJoin('app_user as u', 'u.id', 'a.practitioner_id')
				.innerJoin('appointment_type as at', 'at.id', 'a.appointment_type_id')
				.select((sb) => [
					sb.cast<string>('a.id', 'text').as('id'),
					sb.ref('a.starts_at').$castTo<string>().as('startsAt'),
					sb.ref('a.ends_at').$castTo<string>().as('endsAt'),
					'a.status',
					sb.cast<string>('u.id', 'text').as('practitionerId'),
					'u.name as practitionerName',
					sb.cast<string>('at.id', 'text').as('typeId'),
					'at.name as typeName',
					'at.price_cents as priceCents',
					'a.invoiced_amount_cents as invoicedAmountCents'
				])
				.whereRef('a.case_id', '=', 'c.id')
				.orderBy('a.starts_at')
				.orderBy('a.id')
		).as('appointments'),
		jsonArrayFrom(
			eb
				.selectFrom('case_attachment as f')
				.leftJoin('app_user as up', 'up.id', 'f.uploaded_by_id')
				.select((sb) => [
					sb.cast<string>('f.id', 'text').as('id'),
					'f.file_name as fileName',
					'f.content_type as contentType',
					'f.size_bytes as sizeBytes',
					'up.name as uploadedBy',
					sb.ref('f.created_at').$castTo<string>().as('createdAt')
				])
				.whereRef('f.case_id', '=', 'c.id')
				.orderBy('f.created_at', 'desc')
				.orderBy('f.id', 'desc')
		).as('attachments')
	]);
}
type DetailRaw = Awaited<ReturnType<ReturnType<typeof selectDetail>['execute']>>[number];

const toDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));
const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

function summaryOf(row: SummaryRaw): CaseSummaryRow {
	return {
		id: row.id,
		name: row.name,
		status: row.status,
		issuedOn: row.issued_on,
		hasReferral: row.has_referral,
		referralExpiresOn: row.referral_expires_on,
		limitKind: row.limit_kind,
		maxAppointments: row.max_appointments,
		maxAmountCents: row.max_amount_cents,
		countsCancelled: row.counts_cancelled,
		countsDidNotArrive: row.counts_did_not_arrive,
		closedAt: row.closed_at ? toDate(row.closed_at) : null,
		archivedAt: row.archived_at ? toDate(row.archived_at) : null,
		isSentToTeams: row.is_sent_to_teams,
		version: row.version,
		patient: row.patient_id
			? {
					id: row.patient_id,
					firstName: row.patient_first_name!,
					preferredFirstName: row.patient_preferred_first_name ?? null,
					lastName: row.patient_last_name!
				}
			: null,
		template: row.template_id
			? {
					id: row.template_id,
					name: row.template_name!,
					isActive: row.template_is_active!,
					serviceIds: row.template_services_ids.map((s) => s.id)
				}
			: null,
		bodyParts: [...row.body_parts].sort(byName),
		mergedInto: row.merged_into_id ? { id: row.merged_into_id, name: row.merged_into_name! } : null
	};
}

/** A case's summary with the appointments its usage is computed from. */
export interface CaseSummaryWithUsage {
	summary: CaseSummaryRow;
	usage: UsageAppointment[];
}

function summaryWithUsageOf(row: UsageRaw): CaseSummaryWithUsage {
	return {
		summary: summaryOf(row),
		usage: row.usage_appointments.map((a) => ({
			...a,
			invoicedAmountCents: a.invoicedAmountCents ?? null,
			startsAt: new Date(a.startsAt)
		}))
	};
}

function detailOf(row: DetailRaw): CaseDetailRow {
	return {
		...summaryOf(row),
		notes: row.notes ?? null,
		referralIssuedOn: row.referral_issued_on,
		referralType: (row.referral_type as ReferralType | null) ?? null,
		referringDoctor: row.referring_doctor_id
			? {
					id: row.referring_doctor_id,
					title: row.referring_doctor_title ?? null,
					firstName: row.referring_doctor_first_name!,
					lastName: row.referring_doctor_last_name!
				}
			: null,
		templateServices: [...row.template_services].sort(byName),
		mergedFrom: row.merged_from,
		createdBy: row.created_by_name ?? null,
		createdAt: toDate(row.created_at),
		updatedAt: toDate(row.updated_at),
		appointments: row.appointments.map((a) => ({
			id: a.id,
			startsAt: new Date(a.startsAt),
			endsAt: new Date(a.endsAt),
			status: a.status as AppointmentStatus,
			practitioner: { id: a.practitionerId, name: a.practitionerName },
			appointmentType: { id: a.typeId, name: a.typeName, priceCents: a.priceCents },
			invoicedAmountCents: a.invoicedAmountCents ?? null
		})),
		attachments: row.attachments.map((f) => ({
			...f,
			uploadedBy: f.uploadedBy ?? null,
			createdAt: new Date(f.createdAt)
		}))
	};
}

export interface CaseSummaryPage {
	rows: CaseSummaryWithUsage[];
	total: number;
}

/** The conditions of a case list (over the case alias `c`), visibility first. */
function caseListWhere(eb: CaseEb, actor: Actor, input: z.output<typeof findCasesInput>, today: string) {
	const where = [
		boundSql(caseVisibilitySql(actor)),
		// A case archived through the REST API leaves the lists, as in Cliniko, unless asked for.
		input.archived ? eb('c.archived_at', 'is not', null) : eb('c.archived_at', 'is', null)
	];
	if (input.status !== 'all') where.push(eb('c.status', '=', input.status));
	if (input.patientId) where.push(eb('c.patient_id', '=', input.patientId));
	if (input.templateId) where.push(eb('c.template_id', '=', input.templateId));
	if (input.serviceId)
		where.push(
			eb.exists(
				eb
					.selectFrom('case_template_service as fs')
					.select(sql`1`.as('one'))
					.whereRef('fs.case_template_id', '=', 'c.template_id')
					.where('fs.service_id', '=', input.serviceId)
			)
		);
	if (input.practitionerId)
		where.push(
			eb.exists(
				eb
					.selectFrom('appointment as fa')
					.select(sql`1`.as('one'))
					.whereRef('fa.case_id', '=', 'c.id')
					.where('fa.practitioner_id', '=', input.practitionerId)
			)
		);
	if (input.referral === 'expired')
		where.push(sql<SqlBool>`c.has_referral and c.referral_expires_on < ${today}::date`);
	else if (input.referral)
		where.push(
			sql<SqlBool>`c.has_referral and c.referral_expires_on between ${today}::date and ${today}::date + interval '30 days'`
		);
	if (input.search) {
		const like = `%${escapeLike(input.search)}%`;
		// Patients are found through their lower-case search text (names, email, phones), word by
		// word, which the trigram index answers; matching "first || ' ' || last" read every patient.
		const words = input.search.toLowerCase().split(/\s+/).filter(Boolean).slice(0, 6);
		// Two indexed look-ups (the case name's trigram index, the patients' search text) united: an
		// OR of the two would read every case.
		const byName = eb.selectFrom('clinic_case as sc').select('sc.id').where('sc.name', 'ilike', like);
		where.push(
			words.length
				? eb(
						'c.id',
						'in',
						byName.unionAll(
							eb
								.selectFrom('clinic_case as sc')
								.select('sc.id')
								.where('sc.patient_id', 'in', (sb) =>
									sb
										.selectFrom('patient as sp')
										.select('sp.id')
										.where((wb) =>
											wb.and(words.map((w) => wb('sp.search_text', 'like', `%${escapeLike(w)}%`)))
										)
								)
						)
					)
				: eb('c.name', 'ilike', like)
		);
	}
	return eb.and(where);
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
	const countByWindow = Boolean(input.search);
	const rows = await selectUsage(
		selectSummary(
			joined(
				db(em).with('page', (qc) =>
					qc
						.selectFrom('clinic_case as c')
						.select((eb) => [
							'c.id',
							countByWindow
								? sql<number>`(count(*) over ())::int`.as('total')
								: eb
										.selectFrom('clinic_case as c')
										.select(sql<number>`count(*)::int`.as('total'))
										.where((wb) => caseListWhere(wb, actor, input, today))
										.$asScalar()
										.$notNull()
										.as('total'),
							sql<number>`row_number() over (order by c.status desc, c.issued_on desc, c.id desc)`.as('n')
						])
						// The list's order: open cases first, newest first (the (status, issued_on, id)
						// index read backwards).
						.where((eb) => caseListWhere(eb, actor, input, today))
						.orderBy('c.status', 'desc')
						.orderBy('c.issued_on', 'desc')
						.orderBy('c.id', 'desc')
						.limit(input.perPage)
						.offset((input.page - 1) * input.perPage)
				)
			)
		)
	).execute();
	let total = rows.length ? rows[0]!.total : 0;
	if (!rows.length && input.page > 1) {
		// Past the last page: count on its own, so the list can offer the way back.
		const counted = await db(em)
			.selectFrom('clinic_case as c')
			.select(sql<number>`count(*)::int`.as('total'))
			.where((eb) => caseListWhere(eb, actor, input, today))
			.executeTakeFirst();
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
	const rows = await selectUsage(
		selectSummary(
			joined(
				db(em).with('page', (qc) =>
					qc
						.selectFrom('clinic_case as c')
						.select([
							'c.id',
							sql<number>`0`.as('total'),
							sql<number>`row_number() over (order by c.issued_on desc, c.id desc)`.as('n')
						])
						.where('c.patient_id', '=', patientId)
						.where('c.status', '=', 'open')
						.where('c.archived_at', 'is', null)
						.where((eb) =>
							eb.exists(
								eb
									.selectFrom('case_body_part as cbp')
									.select(sql`1`.as('one'))
									.whereRef('cbp.case_id', '=', 'c.id')
									.where('cbp.body_part_id', 'in', [...bodyPartIds])
							)
						)
						.where(boundSql(caseVisibilitySql(actor)))
				)
			)
		)
	).execute();
	return rows.map(summaryWithUsageOf);
}

/**
 * One case by id as the case page shows it: only if `visibleTo` may see it, when given. `audit`
 * (an insert of the read-audit row) runs in the same statement.
 */
function caseDetailQuery(em: Em, id: string, visibleTo: Actor | null, audit?: BoundSql) {
	const withAudit = audit
		? db(em).with('audit', () => sql<Record<string, never>>`(${boundSql<unknown>(audit)})`)
		: db(em);
	return selectDetail(
		selectSummary(
			joined(
				withAudit.with('page', (qc) =>
					qc
						.selectFrom('clinic_case as c')
						.select(['c.id', sql<number>`0`.as('total'), sql<number>`1`.as('n')])
						.where('c.id', '=', id)
						.$if(visibleTo !== null, (qb) => qb.where(boundSql(caseVisibilitySql(visibleTo!))))
				)
			)
		)
	);
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
	const row = await caseDetailQuery(em, id, actor, audit).executeTakeFirst();
	return row ? detailOf(row) : null;
}

/**
 * The case page's view of a case just changed, read in the change's transaction. Not a read of its
 * own: the change loaded the case through loadVisibleCase and is audited as the change; and the case
 * is shown even when the change took it out of the actor's sight (an appointment removed).
 */
export async function loadChangedCaseDetail(em: Em, id: string): Promise<CaseDetailRow | null> {
	const row = await caseDetailQuery(em, id, null).executeTakeFirst();
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
	const where = (eb: CaseEb) =>
		eb.and([
			boundSql(caseVisibilitySql(actor)),
			eb('c.patient_id', 'is not', null),
			input.archived ? eb('c.archived_at', 'is not', null) : eb('c.archived_at', 'is', null),
			...input.filters.map((filter, index) =>
				boundSql(columnFilterToSql(CASE_RECORD_FILTERS[filter.field], filter.field, filter, index))
			)
		]);
	// Sort keys come from the static map above; the id always breaks ties.
	const orderBy = sql.raw(
		[
			...input.sort
				.filter((s) => s.field !== 'id')
				.map((s) => `${CASE_RECORD_SORTS[s.field]} ${s.direction}`),
			`c.id ${input.sort.find((s) => s.field === 'id')?.direction ?? 'asc'}`
		].join(', ')
	);
	return em.transactional(async (tx) => {
		const rows = await selectDetail(
			selectSummary(
				joined(
					db(tx).with('page', (qc) =>
						qc
							.selectFrom('clinic_case as c')
							.select([
								'c.id',
								sql<number>`(count(*) over ())::int`.as('total'),
								sql<number>`row_number() over (order by ${orderBy})`.as('n')
							])
							.where(where)
							.orderBy(orderBy)
							.limit(input.perPage)
							.offset((input.page - 1) * input.perPage)
					)
				)
			)
		).execute();
		let total = rows.length ? rows[0]!.total : 0;
		if (!rows.length && input.page > 1) {
			const counted = await db(tx)
				.selectFrom('clinic_case as c')
				.select(sql<number>`count(*)::int`.as('total'))
				.where(where)
				.executeTakeFirst();
			total = counted?.total ?? 0;
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
