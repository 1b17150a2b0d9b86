// Start-up and shutdown of the web process's shared resources: the ORM, a send-only pg-boss and the
// database listener that hears from the other processes of a fleet.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { PgBoss } from 'pg-boss';
import { getConfig } from '../config.ts';
import { forgetSessions, SESSIONS_CHANNEL } from '../auth/session-cache.ts';
import { listenTo } from '../db/listen.ts';
import { setOrm } from '../db/orm.ts';
import { initOrm } from '../app/orm.ts';
import { createBoss, setBoss } from '../jobs/boss.ts';
import { applyLogLevel, logger } from '../logger.ts';
import { INBOX_CHANNEL } from '../routing/live-inbox.service.ts';
import { closeInboxStreams, deliverInboxNotice, recheckInboxSessions } from './live-inbox.ts';

let started: Promise<{ orm: MikroORM; boss: PgBoss }> | undefined;
let inFlight = 0;

/** Wraps a request so shutdown can wait for it: a client that hung up leaves its request running. */
export async function trackRequest<T>(fn: () => Promise<T>): Promise<T> {
	inFlight += 1;
	try {
		return await fn();
	} finally {
		inFlight -= 1;
	}
}

async function drain(timeoutMs: number): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

export function startWebRuntime() {
	started ??= (async () => {
		const config = getConfig();
		applyLogLevel();
		if (!config.DATABASE_URL) {
			throw new Error(
				'DATABASE_URL is not set. Start Casebook with `npm start` or `npm run dev`, which provide the database.'
			);
		}
		const orm = await initOrm(config.DATABASE_URL);
		setOrm(orm);
		// Send-only: the worker supervises and works the queues.
		const boss = createBoss(config.DATABASE_URL, { supervise: false, schedule: false, migrate: false });
		await boss.start();
		setBoss(boss);
		// Other web processes of a fleet announce ended sessions and deactivations: forget ours. Any
		// process's (this one's too) closes the live-inbox streams of sessions that ended.
		const listener = listenTo(config.DATABASE_URL, {
			[SESSIONS_CHANNEL]: (from) => {
				if (from !== String(process.pid)) forgetSessions();
				recheckInboxSessions();
			},
			[INBOX_CHANNEL]: (payload) =>
				void deliverInboxNotice(payload).catch((error) =>
					logger.warn({ err: error }, 'live inbox: delivery failed')
				)
		});
		await listener.ready;
		// adapter-node closes its server on these signals and waits for open responses: the event
		// streams would hold it for SHUTDOWN_TIMEOUT. Browsers reconnect to another process.
		for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, closeInboxStreams);
		process.once('sveltekit:shutdown', async (reason) => {
			logger.info({ reason, inFlight }, 'web shutting down');
			await drain(10_000);
			closeInboxStreams();
			await listener.close();
			await boss.stop({ graceful: false }).catch(() => undefined);
			await orm.close().catch(() => undefined);
		});
		logger.info({ origin: config.ORIGIN }, 'web runtime ready');
		return { orm, boss };
	})();
	return started;
}
