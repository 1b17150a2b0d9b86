// What an integration test file needs: the ORM and a send-only pg-boss on the shared test
// database, config for the local stand-ins, and a worker run in-process.
import { inject } from 'vitest';
import { parseConfig, type Config } from '../config.ts';
import { setOrm } from '../db/orm.ts';
import { initOrm } from '../app/orm.ts';
import { jobContracts, jobs } from '../app/jobs.ts';
import { createBoss, ensureQueues, setBoss } from '../jobs/boss.ts';
import { startRunner, type Runner } from '../jobs/runner.ts';
import { createTransports, type Transports } from '../notifications/transports.ts';
import type { SmtpCatcher } from './smtp-catcher.ts';
import type { TwilioStandin } from './twilio-standin.ts';

export async function openTestDb() {
	const url = inject('databaseUrl');
	const orm = await initOrm(url, { pool: { min: 0, max: 6 } });
	setOrm(orm);
	// A pg-boss schema of its own per test file: jobs one file sends are worked only by that file's
	// worker, never by a worker another file started with other stand-ins.
	const bossSchema = `pgboss_t${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
	const boss = createBoss(url, {
		supervise: false,
		schedule: false,
		migrate: true,
		max: 3,
		schema: bossSchema
	});
	await boss.start();
	await ensureQueues(boss, jobContracts);
	setBoss(boss);
	return {
		url,
		bossSchema,
		orm,
		boss,
		em: () => orm.em.fork(),
		async close() {
			await boss.stop({ graceful: false });
			await orm.close();
		}
	};
}
export type TestDb = Awaited<ReturnType<typeof openTestDb>>;

export function testConfig(env: Record<string, string | undefined> = {}): Config {
	return parseConfig({ NODE_ENV: 'test', ORIGIN: 'http://casebook.test', ...env });
}

export function standinEnv(options: { smtp?: SmtpCatcher; twilio?: TwilioStandin }) {
	return {
		SMTP_URL: options.smtp?.url,
		MAIL_FROM: 'Casebook Test <casebook@clinic.test>',
		TWILIO_ACCOUNT_SID: options.twilio?.accountSid,
		TWILIO_AUTH_TOKEN: options.twilio?.authToken,
		TWILIO_FROM: options.twilio?.from,
		TWILIO_API_URL: options.twilio?.url
	};
}

export function standinTransports(options: { smtp?: SmtpCatcher; twilio?: TwilioStandin }): Transports {
	return createTransports(testConfig(standinEnv(options)));
}

export async function startTestWorker(db: TestDb, transports: Transports): Promise<Runner> {
	return startRunner({
		url: db.url,
		jobs,
		orm: db.orm,
		transports,
		pollSeconds: 0.5,
		concurrency: 5,
		workerId: `test-${process.pid}-${Math.random().toString(36).slice(2)}`,
		bossSchema: db.bossSchema
	});
}
