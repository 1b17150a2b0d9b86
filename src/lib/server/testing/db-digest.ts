// A fingerprint of what the product's tables hold, to check that a refused call changed nothing:
// one md5 per table over its rows as text, in one round trip. Only meaningful on a database no one
// else writes to while it is compared (see isolated-db.ts).
import type { Em } from '../db/orm.ts';

/**
 * Tables a refused call may legitimately write to, or that change on their own: the append-only
 * audit trail (refused sign-ins and reads are recorded), rate-limit counters (refused attempts
 * count), the migration log and the worker heartbeat.
 */
export const INCIDENTAL_TABLES = [
	'audit_event',
	'rate_limit',
	'mikro_orm_migrations',
	'worker_heartbeat'
] as const;

export type Digest = Record<string, string>;

/** Runs a statement without parameters: for a database reached with plain `pg` (e2e). */
export type SqlQuery = (sql: string) => Promise<Record<string, unknown>[]>;

/** md5 of every table of the public schema but `exclude`, keyed by table name. */
export async function digestTables(
	db: Em | SqlQuery,
	exclude: readonly string[] = INCIDENTAL_TABLES
): Promise<Digest> {
	const query = <T>(sql: string) =>
		(typeof db === 'function' ? db(sql) : db.execute<Record<string, unknown>[]>(sql)) as Promise<T>;
	const tables = (
		await query<{ name: string }[]>(
			`select tablename as name from pg_tables where schemaname = 'public' order by tablename`
		)
	)
		.map((t) => t.name)
		.filter((name) => !exclude.includes(name));
	if (!tables.length) return {};
	const parts = tables.map(
		(name) =>
			`select '${name}' as name, md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as digest from public."${name}" t`
	);
	const rows = await query<{ name: string; digest: string }[]>(parts.join(' union all '));
	return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}

/** The tables whose digests differ (or that exist in only one of the two). */
export function changedTables(before: Digest, after: Digest): string[] {
	const names = new Set([...Object.keys(before), ...Object.keys(after)]);
	return [...names].filter((name) => before[name] !== after[name]).sort();
}

/**
 * md5 of the rows of `table` whose `column` is one of `values`: for checks on the shared test
 * database, where only the rows a test made are its own to compare.
 */
export async function digestRows(
	em: Em,
	table: string,
	column: string,
	values: readonly string[]
): Promise<string> {
	if (!/^\w+$/.test(table) || !/^\w+$/.test(column)) throw new Error(`Not a plain name: ${table}.${column}`);
	const [row] = await em.execute<{ digest: string; n: string }[]>(
		`select md5(coalesce(string_agg(t::text, ',' order by t::text), '')) as digest, count(*) as n
		 from public."${table}" t where t."${column}"::text in (${values.map(() => '?').join(', ') || 'null'})`,
		[...values]
	);
	return `${row!.n}:${row!.digest}`;
}
