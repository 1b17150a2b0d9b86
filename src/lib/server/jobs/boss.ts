// pg-boss for both processes. The web app only sends (no supervision, no schedules); the worker
// also works the queues. Jobs are always sent inside the caller's MikroORM transaction, through
// pg-boss's Kysely adapter, so a rolled-back change leaves no job and a committed one always has it.
import { fromKysely, PgBoss, type ConstructorOptions, type SendOptions } from 'pg-boss';
import type { z } from 'zod';
import type { Em } from '../db/orm.ts';
import { logger } from '../logger.ts';
import type { JobContract } from './contract.ts';
import { throttledErrors } from './error-throttle.ts';

export const JOB_SCHEMA = 'pgboss';

export function createBoss(url: string, options: Partial<ConstructorOptions> = {}): PgBoss {
	const boss = new PgBoss({
		connectionString: url,
		schema: JOB_SCHEMA,
		application_name: `casebook-${process.env.CASEBOOK_SERVICE ?? 'app'}`,
		max: 5,
		...options
	});
	boss.on(
		'error',
		throttledErrors((error, leftOut) =>
			logger.error(
				{ err: error, ...(leftOut ? { leftOut } : {}) },
				leftOut ? `pg-boss error (${leftOut} more since the last one logged)` : 'pg-boss error'
			)
		)
	);
	return boss;
}

/** Creates pg-boss's schema and a queue per contract, and brings queue options up to date. */
export async function installJobSchema(url: string, contracts: readonly JobContract[]): Promise<void> {
	const boss = createBoss(url, { supervise: false, schedule: false, migrate: true });
	await boss.start();
	try {
		await ensureQueues(boss, contracts);
	} finally {
		await boss.stop({ graceful: false });
	}
}

export async function ensureQueues(boss: PgBoss, contracts: readonly JobContract[]): Promise<void> {
	for (const contract of contracts) {
		await boss.createQueue(contract.name, contract.queue);
		await boss.updateQueue(contract.name, contract.queue);
	}
}

let current: PgBoss | undefined;

export function setBoss(boss: PgBoss | undefined): void {
	current = boss;
}

export function getBoss(): PgBoss {
	if (!current) throw new Error('pg-boss is not started in this process');
	return current;
}

/**
 * Sends a job as part of the transaction `em` is in. Refuses to run outside one: a job sent on
 * its own could outlive a change that rolls back, or be lost when the process dies after commit.
 */
export async function enqueue<S extends z.ZodType>(
	em: Em,
	contract: JobContract<S>,
	data: z.input<S>,
	options: SendOptions = {}
): Promise<string | null> {
	if (!em.isInTransaction()) {
		throw new Error(`enqueue(${contract.name}) must run inside em.transactional()`);
	}
	const payload = contract.payload.parse(data) as object;
	return getBoss().send(contract.name, payload, {
		...contract.send,
		...options,
		db: fromKysely(em.getKysely())
	});
}
