// A database of its own, on the shared test server, for a test file that needs the whole database
// to itself: the fuzz tests call mutations with made-up ids (which could hit another file's rows)
// and compare digests of whole tables (which another file's writes would change). Created empty,
// migrated like the shared one, and dropped when the file is done.
import pg from 'pg';
import { inject } from 'vitest';
import { setOrm } from '../db/orm.ts';
import { initOrm, migrate } from '../app/orm.ts';
import { jobContracts } from '../app/jobs.ts';
import { createBoss, installJobSchema, JOB_SCHEMA, setBoss } from '../jobs/boss.ts';
import type { TestDb } from './harness.ts';

async function onServer(url: string, sql: string): Promise<void> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		await client.query(sql);
	} finally {
		await client.end();
	}
}

/** Same shape as `openTestDb()`'s answer, on a new database named `<prefix>_<pid>_<random>`. */
export async function openIsolatedTestDb(prefix: string): Promise<TestDb> {
	const shared = new URL(inject('databaseUrl'));
	const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
	if (!/^[a-z][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a safe database name: ${name}`);
	await onServer(shared.href, `create database ${name}`);
	const own = new URL(shared.href);
	own.pathname = `/${name}`;
	const url = own.href;
	// What the CLI's prepareDatabase does, without the migrator's progress lines.
	const orm = await initOrm(url, { pool: { min: 0, max: 4 }, logger: () => undefined });
	await migrate(orm);
	await installJobSchema(url, jobContracts);
	setOrm(orm);
	// Nobody else uses this database, so pg-boss's default schema (made by prepareDatabase) is ours.
	const boss = createBoss(url, { supervise: false, schedule: false, migrate: false, max: 2 });
	await boss.start();
	setBoss(boss);
	return {
		url,
		bossSchema: JOB_SCHEMA,
		orm,
		boss,
		em: () => orm.em.fork(),
		async close() {
			await boss.stop({ graceful: false });
			await orm.close();
			await onServer(shared.href, `drop database if exists ${name} with (force)`);
		}
	};
}
