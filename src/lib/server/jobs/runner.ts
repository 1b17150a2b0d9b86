// Works every queue: one forked EntityManager per job, payloads checked with zod, each job settled
// on its own. Used by worker/index.ts and by tests that run the worker in-process.
import os from 'node:os';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss';
import { getConfig } from '../config.ts';
import { WorkerHeartbeat } from './worker-heartbeat.entity.ts';
import { logger } from '../logger.ts';
import type { Transports } from '../notifications/transports.ts';
import { createBoss, ensureQueues, setBoss } from './boss.ts';
import type { JobHandler } from './handler.ts';

export interface RunnerOptions {
	url: string;
	/** Every job this worker works: contract and handler (app/jobs.ts). */
	jobs: readonly JobHandler[];
	orm: MikroORM;
	transports: Transports;
	pollSeconds: number;
	concurrency: number;
	/** How often this worker records that it is alive (for /healthz). */
	heartbeatSeconds?: number;
	workerId?: string;
	/** pg-boss schema (tests give each file its own, so their workers never take each other's jobs). */
	bossSchema?: string;
	/**
	 * Make this runner's boss the one enqueue() sends with, before any job is worked (handlers
	 * enqueue follow-ups: the next escalation step, each page's notification). The worker process
	 * sets it; tests keep their own send-only boss.
	 */
	sendWithThisBoss?: boolean;
}

export interface Runner {
	boss: PgBoss;
	workerId: string;
	stop(): Promise<void>;
}

async function runJob(handler: JobHandler, job: JobWithMetadata, options: RunnerOptions): Promise<void> {
	const log = logger.child({ job: job.name, jobId: job.id, attempt: job.retryCount + 1 });
	const parsed = handler.contract.payload.safeParse(job.data);
	if (!parsed.success) {
		// A payload that does not parse will never parse: fail it without retries.
		log.error({ issues: parsed.error.issues }, 'job payload rejected');
		throw Object.assign(new Error('invalid job payload'), { permanent: true });
	}
	const em = options.orm.em.fork();
	const started = Date.now();
	await handler.handle({
		data: parsed.data,
		em,
		job,
		log,
		transports: options.transports,
		isLastAttempt: job.retryCount >= job.retryLimit
	});
	log.debug({ ms: Date.now() - started }, 'job done');
}

export async function startRunner(options: RunnerOptions): Promise<Runner> {
	const workerId = options.workerId ?? `${os.hostname()}:${process.pid}`;
	const boss = createBoss(options.url, {
		supervise: true,
		schedule: true,
		migrate: false,
		// A job whose worker died stops heart-beating; the monitor retries it within ~30 s.
		monitorIntervalSeconds: 10,
		superviseIntervalSeconds: 10,
		max: Math.max(5, options.concurrency + 3),
		...(options.bossSchema ? { schema: options.bossSchema } : {})
	});
	await boss.start();
	await ensureQueues(
		boss,
		options.jobs.map((j) => j.contract)
	);
	if (options.sendWithThisBoss) setBoss(boss);
	const timeZone = getConfig().CASEBOOK_TIME_ZONE;
	for (const { contract } of options.jobs) {
		if (contract.cron)
			await boss.schedule(contract.name, contract.cron, null, { tz: timeZone, missed: 'once' });
	}

	for (const handler of options.jobs) {
		const { contract } = handler;
		await boss.work(
			contract.name,
			{
				pollingIntervalSeconds: options.pollSeconds,
				batchSize: options.concurrency,
				burstWhenBatchFull: true,
				...handler.work,
				includeMetadata: true as const,
				perJobResults: true as const
			},
			async (jobs: JobWithMetadata[]): Promise<JobResult[]> =>
				Promise.all(
					jobs.map(async (job): Promise<JobResult> => {
						try {
							await runJob(handler, job, options);
							return { id: job.id, status: 'completed' };
						} catch (error) {
							const permanent = (error as { permanent?: boolean }).permanent === true;
							logger.warn({ err: error, job: job.name, jobId: job.id }, 'job failed');
							return {
								id: job.id,
								status: permanent ? 'deadletter' : 'failed',
								output: { message: error instanceof Error ? error.message : String(error) }
							};
						}
					})
				)
		);
	}

	const startedAt = new Date();
	const beat = async () => {
		try {
			await options.orm.em
				.fork()
				.upsert(WorkerHeartbeat, { id: workerId, startedAt, lastSeenAt: new Date() });
		} catch (error) {
			logger.warn({ err: error }, 'worker heartbeat failed');
		}
	};
	await beat();
	const timer = setInterval(beat, (options.heartbeatSeconds ?? 5) * 1000);
	timer.unref();

	let stopping: Promise<void> | undefined;
	return {
		boss,
		workerId,
		stop() {
			stopping ??= (async () => {
				clearInterval(timer);
				// Finishes jobs in hand (up to the timeout), then closes pg-boss's pool.
				await boss.stop({ graceful: true, timeout: 20_000 });
				await options.orm.em
					.fork()
					.nativeDelete(WorkerHeartbeat, { id: workerId })
					.catch(() => undefined);
			})();
			return stopping;
		}
	};
}
