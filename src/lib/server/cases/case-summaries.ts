// What the case lists and the case page read, as plain rows in one query each: the hot reads of
// the product (issue 10's load figures). Hydrating Case entities with their patient, template,
// services and body parts cost a dozen queries and most of a request's CPU; these read the same
// facts with json sub-selects and map them straight to views.
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import type { UsageAppointment } from './case.rules.ts';
import type { Em } from '../db/orm.ts';
import type { CaseLimitKind, CaseStatus } from './case.entity.ts';

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
	version: number;
	patient: { id: string; firstName: string; preferredFirstName: string | null; lastName: string } | null;
	template: { id: string; name: string; isActive: boolean; serviceCount: number } | null;
	bodyParts: { id: string; name: string }[];
	mergedInto: { id: string; name: string } | null;
}

export interface CaseDetailRow extends CaseSummaryRow {
	notes: string | null;
	referralIssuedOn: string | null;
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
	p.id::text as patient_id, p.first_name as patient_first_name,
	p.preferred_first_name as patient_preferred_first_name, p.last_name as patient_last_name,
	t.id::text as template_id, t.name as template_name, t.is_active as template_is_active,
	(select count(*)::int from case_template_service ts where ts.case_template_id = c.template_id)
		as template_service_count,
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
					serviceCount: row.template_service_count as number
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
	/** Null when the page is past the end (no row to carry the count). */
	total: number | null;
}

/**
 * One page of a case list in one query: the page's ids by (status desc, issued_on desc, id desc) —
 * open cases first, newest first, which the (status, issued_on, id) index answers read backwards —
 * with each case's summary, its appointments for the usage, and the number of matches. `where` is a
 * condition over the case alias `c`. A search gathers its matches anyway, so its count is a window
 * over them (`countByWindow`); otherwise the count is an index-only scan of its own.
 */
export async function loadCaseSummaryPage(
	em: Em,
	where: { sql: string; params: unknown[] },
	page: { limit: number; offset: number; countByWindow: boolean }
): Promise<CaseSummaryPage> {
	const count = page.countByWindow
		? '(count(*) over ())::int'
		: `(select count(*)::int from clinic_case c where ${where.sql})`;
	const rows = await em.execute<Row[]>(
		`with page as (
			select c.id, ${count} as total from clinic_case c where ${where.sql}
			order by c.status desc, c.issued_on desc, c.id desc limit ? offset ?)
		 select ${SUMMARY_COLUMNS}, ${USAGE_COLUMN}, page.total
		 ${SUMMARY_JOINS.replace('from clinic_case c', 'from page join clinic_case c on c.id = page.id')}`,
		[...(page.countByWindow ? [] : where.params), ...where.params, page.limit, page.offset]
	);
	return {
		rows: rows
			.map(summaryWithUsageOf)
			.sort(
				(a, b) =>
					b.summary.status.localeCompare(a.summary.status) ||
					b.summary.issuedOn.localeCompare(a.summary.issuedOn) ||
					Number(b.summary.id) - Number(a.summary.id)
			),
		total: rows.length ? (rows[0]!.total as number) : null
	};
}

/** The summaries of these cases with their usage, by id (ids that do not exist are left out). */
export async function loadCaseSummaryRows(
	em: Em,
	ids: readonly string[]
): Promise<Map<string, CaseSummaryWithUsage>> {
	if (!ids.length) return new Map();
	const rows = await em.execute<Row[]>(
		`select ${SUMMARY_COLUMNS}, ${USAGE_COLUMN} ${SUMMARY_JOINS} where c.id in (${ids.map(() => '?').join(', ')})`,
		[...ids]
	);
	return new Map(rows.map((row) => [row.id as string, summaryWithUsageOf(row)]));
}

/**
 * Everything the case page shows, in one query; null when there is no such case, or when
 * `visibility` (a condition over the case alias `c`) leaves it out.
 */
export async function loadCaseDetailRow(
	em: Em,
	id: string,
	visibility: { sql: string; params: unknown[] } = { sql: 'true', params: [] },
	/** A statement run in the same query (as a CTE), e.g. the audit row of this read. */
	alongside?: { sql: string; params: unknown[] }
): Promise<CaseDetailRow | null> {
	const [row] = await em.execute<Row[]>(
		`${alongside ? `with alongside as (${alongside.sql})` : ''}
		 select ${SUMMARY_COLUMNS},
			c.notes, c.referral_issued_on::text as referral_issued_on, c.created_at, c.updated_at,
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
				where f.case_id = c.id), '[]') as attachments
		 ${SUMMARY_JOINS}
		 left join app_user cu on cu.id = c.created_by_id
		 left join contact rd on rd.id = c.referring_doctor_id
		 where c.id = ? and ${visibility.sql}`,
		[...(alongside?.params ?? []), id, ...visibility.params]
	);
	if (!row) return null;
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
	return {
		...summaryOf(row),
		notes: (row.notes as string | null) ?? null,
		referralIssuedOn: (row.referral_issued_on as string | null) ?? null,
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
