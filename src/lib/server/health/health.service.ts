// What /healthz and the home page report: can we reach the database, which migration is applied,
// and when a worker last said it was alive.
import type { Em } from '../db/orm.ts';
import { WorkerHeartbeat } from '../jobs/worker-heartbeat.entity.ts';

/** A worker that has not beaten for this long is considered down. */
export const WORKER_STALE_SECONDS = 30;

export interface Health {
	ok: boolean;
	database: { ok: boolean; latencyMs?: number; migration?: string | null; error?: string };
	worker: { ok: boolean; lastHeartbeat: Date | null; workers: number };
	checkedAt: Date;
}

export async function getHealth(em: Em, now = new Date()): Promise<Health> {
	const database: Health['database'] = { ok: false };
	let worker: Health['worker'] = { ok: false, lastHeartbeat: null, workers: 0 };
	try {
		const started = performance.now();
		const rows = await em
			.getConnection()
			.execute<{ name: string }[]>('select name from mikro_orm_migrations order by id desc limit 1');
		database.ok = true;
		database.latencyMs = Math.round((performance.now() - started) * 10) / 10;
		database.migration = rows[0]?.name ?? null;

		const fresh = new Date(now.getTime() - WORKER_STALE_SECONDS * 1000);
		const beats = await em.fork().find(WorkerHeartbeat, {}, { orderBy: { lastSeenAt: 'desc' } });
		const alive = beats.filter((b) => b.lastSeenAt >= fresh);
		worker = { ok: alive.length > 0, lastHeartbeat: beats[0]?.lastSeenAt ?? null, workers: alive.length };
	} catch (error) {
		database.error = error instanceof Error ? error.message : String(error);
	}
	return { ok: database.ok && worker.ok, database, worker, checkedAt: now };
}
