// The worker process: works every pg-boss queue (escalations, notifications, ...) on the same
// database as the web app, and stops gracefully on SIGTERM / SIGINT or when its launcher goes away.
import { ConfigError, getConfig } from '../src/lib/server/config.ts';
import { setOrm } from '../src/lib/server/db/orm.ts';
import { initOrm } from '../src/lib/server/app/orm.ts';
import { jobs } from '../src/lib/server/app/jobs.ts';
import { startRunner } from '../src/lib/server/jobs/runner.ts';
import { applyLogLevel, logger } from '../src/lib/server/logger.ts';
import { createTransports } from '../src/lib/server/notifications/transports.ts';

async function main(): Promise<void> {
	let config;
	try {
		config = getConfig();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(1);
		}
		throw error;
	}
	applyLogLevel();
	if (!config.DATABASE_URL) {
		console.error('DATABASE_URL is not set: start the worker with `npm start` or set DATABASE_URL.');
		process.exit(1);
	}
	const orm = await initOrm(config.DATABASE_URL);
	setOrm(orm);
	const transports = createTransports(config);
	const runner = await startRunner({
		url: config.DATABASE_URL,
		jobs,
		orm,
		transports,
		pollSeconds: config.WORKER_POLL_SECONDS,
		concurrency: config.WORKER_CONCURRENCY,
		sendWithThisBoss: true
	});
	logger.info(
		{
			workerId: runner.workerId,
			email: config.hasSmtp ? 'smtp' : 'outbox',
			sms: config.hasTwilio ? 'twilio' : 'outbox'
		},
		'worker ready'
	);
	// Tell a launcher (npm start, start:worker) that the queues are being worked, whatever the log level.
	process.send?.({ type: 'worker-ready' });

	let stopping = false;
	const stop = async (reason: string) => {
		if (stopping) return;
		stopping = true;
		logger.info({ reason }, 'worker stopping');
		const force = setTimeout(() => {
			logger.error('worker did not stop in time; exiting');
			process.exit(1);
		}, 30_000);
		force.unref();
		try {
			await runner.stop();
			transports.close();
			await orm.close();
		} finally {
			clearTimeout(force);
		}
		logger.info('worker stopped');
		process.exit(0);
	};
	process.on('SIGTERM', () => void stop('SIGTERM'));
	process.on('SIGINT', () => void stop('SIGINT'));
	// Started by the launcher with an IPC channel: if the launcher dies, so do we.
	process.on('disconnect', () => void stop('launcher gone'));
}

await main();
