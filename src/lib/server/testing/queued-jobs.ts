// The jobs a test file's own pg-boss schema holds (no worker runs them there): to check what a request
// enqueued, and to run its handler in-process, as the worker would.
import type { TestDb } from './harness.ts';

/** Payloads of the jobs named `name` whose payload has `field` = `value`, oldest first. */
export async function queuedJobs<T>(db: TestDb, name: string, field: string, value: string): Promise<T[]> {
	const rows = await db
		.em()
		.getConnection()
		.execute<{ data: T }[]>(
			`select data from ${db.bossSchema}.job where name = ? and data->>? = ? order by created_on, id`,
			[name, field, value]
		);
	return rows.map((row) => row.data);
}
