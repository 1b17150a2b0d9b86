// The migrations build exactly the schema the entities declare: otherwise the next
// `npm run db:migration:create` proposes to drop tables, indexes or checks someone wrote by hand
// (as it did after session 7). The statements the CLI strips (trigger and function stubs, exclusion
// constraints the generator cannot describe) are left out here too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { GENERATOR_NOISE } from './orm.ts';

let db: TestDb;

beforeAll(async () => {
	db = await openTestDb();
});
afterAll(async () => {
	await db?.close();
});

describe('the database schema', () => {
	it('is what the entities declare: a new migration would be empty', async () => {
		const sql = await db.orm.schema.getUpdateSchemaSQL({ wrap: false });
		const statements = sql
			.split('\n')
			.map((line) => line.trim())
			.filter((line) => line && !line.startsWith('--') && !GENERATOR_NOISE.test(line))
			// Other test files' pg-boss schemas live in the same database.
			.filter((line) => !/pgboss/.test(line));
		expect(statements).toEqual([]);
	});
});
