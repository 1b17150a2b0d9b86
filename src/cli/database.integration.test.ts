// A fleet starting at once: several processes call prepareDatabase on one new database together.
// Exactly one applies the migrations (and runs the first-start steps); the others wait for it and
// find nothing left to do, and none of them fails on a half-made schema.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { prepareDatabase } from './database.ts';

async function onServer(url: string, sql: string): Promise<void> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}

describe('prepareDatabase when several processes start at once', () => {
	const shared = new URL(inject('databaseUrl'));
	const name = `fleet_start_${process.pid}`;
	const own = new URL(shared.href);
	own.pathname = `/${name}`;

	afterAll(() => onServer(shared.href, `drop database if exists ${name} with (force)`));

	it('migrates once, runs the first-start steps once, and every process ends with the whole schema', async () => {
		await onServer(shared.href, `drop database if exists ${name} with (force)`);
		await onServer(shared.href, `create database ${name}`);
		let firstStartRuns = 0;
		let waited = 0;
		const starts = Array.from({ length: 4 }, () =>
			prepareDatabase(own.href, {
				onWait: () => (waited += 1),
				after: async () => {
					const client = new pg.Client({ connectionString: own.href });
					await client.connect();
					try {
						// A first-start step that must run once: it creates the admin only when there is none.
						const { rows } = await client.query<{ n: string }>('select count(*) as n from app_user');
						if (Number(rows[0]!.n) === 0) {
							firstStartRuns += 1;
							await client.query(
								`insert into app_user (email, name, kind, roles, is_active, password_hash, created_at, updated_at)
								 values ('first@example.test', 'First Admin', 'staff', '{admin}', true, 'x', now(), now())`
							);
						}
					} finally {
						await client.end();
					}
				}
			})
		);
		const results = await Promise.all(starts);

		const appliedCounts = results.map((applied) => applied.length);
		expect(appliedCounts.filter((n) => n > 0)).toHaveLength(1);
		expect(waited).toBeGreaterThanOrEqual(1);
		expect(firstStartRuns).toBe(1);

		const client = new pg.Client({ connectionString: own.href });
		await client.connect();
		try {
			const { rows } = await client.query<{ name: string; n: string }>(
				'select name, count(*) as n from mikro_orm_migrations group by name having count(*) > 1'
			);
			expect(rows).toEqual([]);
			const { rows: total } = await client.query<{ n: string }>(
				'select count(*) as n from mikro_orm_migrations'
			);
			expect(Number(total[0]!.n)).toBe(Math.max(...appliedCounts));
		} finally {
			await client.end();
		}
	});
});
