import { describe, expect, it } from 'vitest';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { boundSql } from './bound-sql.ts';

// Compiles only: no connection is opened.
const db = new Kysely<Record<string, never>>({
	dialect: new PostgresDialect({ pool: async () => ({}) as never })
});

describe('boundSql', () => {
	it('turns each ? into a bound parameter, in order', () => {
		const compiled =
			sql`select 1 where ${boundSql({ sql: 'c.a = ? and c.b < ?::date', params: [7, '2026-01-01'] })}`.compile(
				db
			);
		expect(compiled.sql).toBe('select 1 where c.a = $1 and c.b < $2::date');
		expect(compiled.parameters).toEqual([7, '2026-01-01']);
	});

	it('refuses a fragment whose placeholders and values do not match', () => {
		expect(() => boundSql({ sql: 'c.a = ? and c.b = ?', params: [1] })).toThrow(/2 placeholders for 1/);
	});
});
