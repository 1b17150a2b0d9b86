// Patient lists: free-text search, Cliniko filters, sorting and keyset pagination with a total.
// Plain SQL over indexed columns, because this is the hottest read in the product.
import type { z } from 'zod';
import type { findPatientsInput, PatientFilter, PatientSummary, SortField } from '../../schemas/patient.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { escapeLike, filterToSql } from './patient-filters.queries.ts';

export type PatientListStatus = 'active' | 'archived';

interface Row {
	id: string;
	title: string | null;
	first_name: string;
	last_name: string;
	preferred_first_name: string | null;
	pronouns: string | null;
	date_of_birth: string | Date | null;
	email: string | null;
	phone_numbers: { phoneType: string; number: string }[];
	medical_alert_count: number;
	archived_at: Date | string | null;
	created_at: Date | string;
	updated_at: Date | string;
	sort_key: unknown;
}

/** The ORDER BY of each sort: a key expression (never null) and the id as tie-breaker. */
const SORTS: Record<SortField, { key: string; cast: 'text' | 'timestamptz' | 'date' | 'bigint' }> = {
	lastName: { key: `lower("last_name") || ' ' || lower("first_name")`, cast: 'text' },
	firstName: { key: `lower("first_name") || ' ' || lower("last_name")`, cast: 'text' },
	createdAt: { key: `"created_at"`, cast: 'timestamptz' },
	updatedAt: { key: `"updated_at"`, cast: 'timestamptz' },
	dateOfBirth: { key: `coalesce("date_of_birth", 'infinity'::date)`, cast: 'date' },
	id: { key: `"id"`, cast: 'bigint' }
};

/** A cursor names the sort it belongs to: used under another sort it would compare apples and dates. */
export function encodeCursor(sort: SortField, sortKey: unknown, id: string): string {
	const key = sortKey instanceof Date ? sortKey.toISOString() : sortKey;
	return Buffer.from(JSON.stringify([sort, key, id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: SortField): [string, string] {
	try {
		const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
		if (
			Array.isArray(parsed) &&
			parsed.length === 3 &&
			parsed[0] === sort &&
			(typeof parsed[1] === 'string' || typeof parsed[1] === 'number') &&
			typeof parsed[2] === 'string' &&
			/^\d{1,18}$/.test(parsed[2]) &&
			isValidKey(sort, String(parsed[1]))
		) {
			return [String(parsed[1]), parsed[2]];
		}
	} catch {
		// fall through
	}
	throw new AppError('BAD_REQUEST', 'That page link is no longer valid. Start from the first page.', {
		fieldErrors: { cursor: ['Invalid page cursor'] }
	});
}

/**
 * An instant as encodeCursor writes it (ISO, UTC) that PostgreSQL reads back: Date.parse alone
 * takes "1" or 30 February, which the database refuses (a hand-edited link would be a 500).
 */
function isIsoInstant(key: string): boolean {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(key) || key.startsWith('0000')) return false;
	const at = new Date(key);
	return !Number.isNaN(at.getTime()) && at.toISOString().slice(0, 19) === key.slice(0, 19);
}

function isValidKey(sort: SortField, key: string): boolean {
	switch (SORTS[sort].cast) {
		case 'bigint':
			return /^\d{1,18}$/.test(key);
		case 'date':
			return (
				key === 'infinity' ||
				isIsoInstant(key) ||
				(/^\d{4}-\d{2}-\d{2}$/.test(key) && isIsoInstant(`${key}T00:00:00Z`))
			);
		case 'timestamptz':
			return isIsoInstant(key);
		default:
			return key.length <= 300 && !key.includes('\0');
	}
}

/** Lower-case words; a phone number typed with spaces still matches the stored digits. */
export function searchTerms(search: string | undefined): string[] {
	if (!search) return [];
	return search
		.toLowerCase()
		.split(/[\s,]+/)
		.map((t) => t.replace(/^\+/, ''))
		.filter((t) => t.length > 0)
		.slice(0, 8);
}

function isUnfiltered(input: z.output<typeof findPatientsInput>): boolean {
	return searchTerms(input.search).length === 0 && input.filters.length === 0;
}

function whereClause(status: PatientListStatus, input: z.output<typeof findPatientsInput>) {
	const conditions = [
		'"deleted_at" is null',
		status === 'active' ? '"archived_at" is null' : '"archived_at" is not null'
	];
	const params: unknown[] = [];
	for (const term of searchTerms(input.search)) {
		conditions.push(`"search_text" like ?`);
		params.push(`%${escapeLike(term)}%`);
	}
	input.filters.forEach((filter, index) => {
		const fragment = filterToSql(filter, index);
		conditions.push(fragment.sql);
		params.push(...fragment.params);
	});
	return { sql: conditions.join(' and '), params };
}

export interface FindPatientsSql {
	/** The page; each row also carries the list's total in `total`. */
	pageSql: string;
	pageParams: unknown[];
	/** How to count when the page itself cannot say (a page past the end). */
	countSql: string;
	countParams: unknown[];
	isFiltered: boolean;
}

const columns = (table = '') =>
	`${table}"id", ${table}"title", ${table}"first_name", ${table}"last_name", ${table}"preferred_first_name",
		${table}"pronouns", ${table}"date_of_birth", ${table}"email", ${table}"phone_numbers",
		jsonb_array_length(${table}"medical_alerts") as medical_alert_count,
		${table}"archived_at", ${table}"created_at", ${table}"updated_at"`;
const COLUMNS = columns();

/**
 * The statements behind a patient list (exported so the benchmark can run them raw).
 *
 * Unfiltered: the page is an index range scan on the sort key and the total is the
 * trigger-maintained count, read in the same statement. Filtered: the matches are computed once (bitmap scans over the
 * trigram and filter indexes) and both the page and the total come from them in one statement;
 * left to itself PostgreSQL walks the sort index instead and reads tens of thousands of rows to
 * find 25 sparse matches.
 */
export function buildFindPatientsSql(
	status: PatientListStatus,
	input: z.output<typeof findPatientsInput>
): FindPatientsSql {
	const where = whereClause(status, input);
	const sort = SORTS[input.sort.field];
	// Walking backward reads the same order reversed, then flips the page back.
	const ascending = (input.sort.direction === 'asc') !== (input.direction === 'backward');
	const dir = ascending ? 'asc' : 'desc';
	let cursorSql = 'true';
	const cursorParams: unknown[] = [];
	if (input.cursor) {
		const [key, id] = decodeCursor(input.cursor, input.sort.field);
		cursorSql = `(sort_key, "id") ${ascending ? '>' : '<'} (?::${sort.cast}, ?::bigint)`;
		cursorParams.push(key, id);
	}
	const filtered = !isUnfiltered(input);
	const pageSql = filtered
		? // Only the id and sort key of each match are kept: a common search matches thousands, and
			// only the page's rows need their columns read.
			`with matched as materialized (select "id", ${sort.key} as sort_key from "patient" where ${where.sql})
		   select ${columns('p.')}, m.sort_key, (select count(*) from matched) as total
		   from (select * from matched where ${cursorSql} order by sort_key ${dir}, "id" ${dir} limit ?) m
		   join "patient" p on p."id" = m."id"
		   order by m.sort_key ${dir}, m."id" ${dir}`
		: // The maintained count rides along: one round trip.
			`select *, (select "n" from "patient_list_count" where "status" = ?) as total
		    from (select ${COLUMNS}, ${sort.key} as sort_key from "patient" where ${where.sql}) p
		    where ${cursorSql} order by sort_key ${dir}, "id" ${dir} limit ?`;
	return {
		pageSql,
		pageParams: [...(filtered ? [] : [status]), ...where.params, ...cursorParams, input.limit + 1],
		countSql: filtered
			? `select count(*) as total from "patient" where ${where.sql}`
			: `select "n" as total from "patient_list_count" where "status" = ?`,
		countParams: filtered ? where.params : [status],
		isFiltered: filtered
	};
}

export async function findPatients(
	em: Em,
	status: PatientListStatus,
	input: z.output<typeof findPatientsInput>
): Promise<{ items: PatientSummary[]; total: number; nextCursor: string | null; prevCursor: string | null }> {
	const statements = buildFindPatientsSql(status, input);
	const backward = input.direction === 'backward';
	const connection = em.getConnection();
	const count = async () => {
		const counted = await connection.execute<{ total: string }[]>(
			statements.countSql,
			statements.countParams
		);
		return Number(counted[0]?.total ?? 0);
	};
	// Each page row carries the total (the matches' count, or the maintained count of the list).
	const rows = await connection.execute<(Row & { total: string })[]>(
		statements.pageSql,
		statements.pageParams
	);
	const total = rows[0] ? Number(rows[0].total) : input.cursor || !statements.isFiltered ? await count() : 0;
	const hasMore = rows.length > input.limit;
	const items = rows.slice(0, input.limit);
	if (backward) items.reverse();
	const first = items[0];
	const last = items.at(-1);
	const cursorOf = (row: Row | undefined) =>
		row ? encodeCursor(input.sort.field, row.sort_key, String(row.id)) : null;
	return {
		items: items.map(toSummary),
		total,
		nextCursor: backward ? (input.cursor ? cursorOf(last) : null) : hasMore ? cursorOf(last) : null,
		prevCursor: backward ? (hasMore ? cursorOf(first) : null) : input.cursor ? cursorOf(first) : null
	};
}

/** Raw queries return timestamptz as text; the API speaks Date. */
function toDate(value: Date | string | null): Date | null {
	return value === null ? null : value instanceof Date ? value : new Date(value);
}

function toDateString(value: string | Date | null): string | null {
	if (value === null) return null;
	return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}

function toSummary(row: Row): PatientSummary {
	return {
		id: String(row.id),
		title: row.title,
		firstName: row.first_name,
		lastName: row.last_name,
		preferredFirstName: row.preferred_first_name,
		pronouns: row.pronouns,
		dateOfBirth: toDateString(row.date_of_birth),
		email: row.email,
		phoneNumbers: row.phone_numbers ?? [],
		medicalAlertCount: Number(row.medical_alert_count ?? 0),
		archivedAt: toDate(row.archived_at),
		createdAt: toDate(row.created_at)!,
		updatedAt: toDate(row.updated_at)!
	};
}

/** Deleted patients: only ids and deletion times, as Cliniko answers. */
export async function findDeletedPatients(em: Em, input: { page: number; perPage: number }) {
	const connection = em.getConnection();
	const [rows, counted] = await Promise.all([
		connection.execute<{ id: string; deleted_at: Date | string }[]>(
			`select "id", "deleted_at" from "patient" where "deleted_at" is not null order by "deleted_at" desc, "id" desc limit ? offset ?`,
			[input.perPage, (input.page - 1) * input.perPage]
		),
		connection.execute<{ total: string }[]>(
			`select count(*) as total from "patient" where "deleted_at" is not null`
		)
	]);
	const total = Number(counted[0]?.total ?? 0);
	return {
		items: rows.map((r) => ({ id: String(r.id), deletedAt: toDate(r.deleted_at)! })),
		total,
		page: input.page,
		perPage: input.perPage,
		pageCount: Math.max(1, Math.ceil(total / input.perPage))
	};
}

export interface DuplicateCandidate {
	id: string;
	firstName: string;
	lastName: string;
	dateOfBirth: string | null;
	email: string | null;
	reasons: ('name_and_birth_date' | 'email' | 'mobile')[];
	archivedAt: Date | null;
}

/** Live patients who are probably the same person: same name and birth date, or same email or mobile. */
export async function findLikelyDuplicates(
	em: Em,
	input: {
		firstName?: string | null;
		lastName?: string | null;
		dateOfBirth?: string | null;
		email?: string | null;
		mobiles?: string[];
		excludeId?: string;
	}
): Promise<DuplicateCandidate[]> {
	const branches: string[] = [];
	const params: unknown[] = [];
	if (input.firstName && input.lastName && input.dateOfBirth) {
		branches.push(
			`(lower("first_name") = lower(?) and lower("last_name") = lower(?) and "date_of_birth" = ?)`
		);
		params.push(input.firstName, input.lastName, input.dateOfBirth);
	}
	if (input.email) {
		branches.push(`lower("email") = lower(?)`);
		params.push(input.email);
	}
	for (const mobile of input.mobiles ?? []) {
		branches.push(`"phone_numbers" @> ?::jsonb`);
		params.push(JSON.stringify([{ number: mobile }]));
	}
	if (branches.length === 0) return [];
	const exclude = input.excludeId ? ` and "id" <> ?` : '';
	if (input.excludeId) params.push(input.excludeId);
	const rows = await em.getConnection().execute<
		{
			id: string;
			first_name: string;
			last_name: string;
			date_of_birth: string | Date | null;
			email: string | null;
			phone_numbers: { number: string }[];
			archived_at: Date | string | null;
		}[]
	>(
		`select "id", "first_name", "last_name", "date_of_birth", "email", "phone_numbers", "archived_at"
		   from "patient" where "deleted_at" is null and "merged_at" is null and (${branches.join(' or ')})${exclude}
		  order by "id" limit 10`,
		params
	);
	return rows.map((row) => {
		const reasons: DuplicateCandidate['reasons'] = [];
		const dob = toDateString(row.date_of_birth);
		if (
			input.firstName &&
			input.lastName &&
			input.dateOfBirth &&
			row.first_name.toLowerCase() === input.firstName.toLowerCase() &&
			row.last_name.toLowerCase() === input.lastName.toLowerCase() &&
			dob === input.dateOfBirth
		) {
			reasons.push('name_and_birth_date');
		}
		if (input.email && row.email?.toLowerCase() === input.email.toLowerCase()) reasons.push('email');
		if (input.mobiles?.some((m) => row.phone_numbers.some((p) => p.number === m))) reasons.push('mobile');
		return {
			id: String(row.id),
			firstName: row.first_name,
			lastName: row.last_name,
			dateOfBirth: dob,
			email: row.email,
			reasons,
			archivedAt: toDate(row.archived_at)
		};
	});
}

// ---------------------------------------------------------------------------------------------
// Numbered pages (the REST API's lists: `page` and `per_page`, Cliniko's filters, several sort keys)

export type PatientRecordStatus = PatientListStatus | 'deleted';

/** What a numbered page may be sorted by; the id always breaks ties. */
const RECORD_SORTS = {
	id: '"id"',
	firstName: 'lower("first_name")',
	lastName: 'lower("last_name")',
	createdAt: '"created_at"',
	updatedAt: '"updated_at"',
	dateOfBirth: '"date_of_birth"',
	archivedAt: '"archived_at"',
	deletedAt: '"deleted_at"'
} as const;
export type PatientRecordSortField = keyof typeof RECORD_SORTS;

export interface FindPatientPageInput {
	filters: PatientFilter[];
	sort: { field: PatientRecordSortField; direction: 'asc' | 'desc' }[];
	/** From 1. */
	page: number;
	perPage: number;
}

/**
 * The ids (and deletion times) of one numbered page of live, archived or deleted patients, with
 * the number of matches. Offset pagination: deep pages cost more than keyset ones, which is why the
 * staff list uses cursors; an API client walking pages of at most 100 can afford it.
 */
export async function findPatientPage(
	em: Em,
	status: PatientRecordStatus,
	input: FindPatientPageInput
): Promise<{ rows: { id: string; deletedAt: Date | null }[]; total: number }> {
	const conditions =
		status === 'deleted'
			? ['"deleted_at" is not null']
			: ['"deleted_at" is null', status === 'active' ? '"archived_at" is null' : '"archived_at" is not null'];
	const params: unknown[] = [];
	input.filters.forEach((filter, index) => {
		const fragment = filterToSql(filter, index);
		conditions.push(fragment.sql);
		params.push(...fragment.params);
	});
	const where = conditions.join(' and ');
	const orderBy = [
		...input.sort.filter((s) => s.field !== 'id').map((s) => `${RECORD_SORTS[s.field]} ${s.direction}`),
		`"id" ${input.sort.find((s) => s.field === 'id')?.direction ?? 'asc'}`
	].join(', ');
	const connection = em.getConnection();
	const rows = await connection.execute<{ id: string; deleted_at: Date | string | null; total: string }[]>(
		`select "id", "deleted_at", count(*) over () as total from "patient" where ${where}
		  order by ${orderBy} limit ? offset ?`,
		[...params, input.perPage, (input.page - 1) * input.perPage]
	);
	let total = rows[0] ? Number(rows[0].total) : 0;
	if (!rows.length && input.page > 1) {
		const counted = await connection.execute<{ total: string }[]>(
			`select count(*) as total from "patient" where ${where}`,
			params
		);
		total = Number(counted[0]?.total ?? 0);
	}
	return { rows: rows.map((r) => ({ id: String(r.id), deletedAt: toDate(r.deleted_at) })), total };
}
