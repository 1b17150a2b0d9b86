// Finds the database for a command: DATABASE_URL when set, else the embedded PostgreSQL of the data
// dir (started for us, or the one a running `npm start` owns). Then brings its schema up to date
// (MikroORM migrations, pg-boss schema and queues).
import { startEmbeddedPostgres, type OwnerRole } from '../../db/embedded.ts';
import type { Config } from '../lib/server/config.ts';

export interface OpenDatabase {
	url: string;
	isEmbedded: boolean;
	/** Lets a CLI command use this embedded server while we run (the launcher, once migrated). */
	markReady(details?: { appUrl?: string }): void;
	/** Stops the embedded server if we started it; a running launcher's server is left alone. */
	stop(): Promise<void>;
}

export interface OpenOptions {
	owner: { role: OwnerRole; command: string };
	/** Use the server of an `npm start` running on the same data dir (the CLI) instead of refusing. */
	attach?: boolean;
	/** Restart the embedded server when it dies (the launcher). */
	supervise?: { onGiveUp: (error: Error) => void };
}

export async function openDatabase(
	config: Config,
	log: (line: string) => void,
	options: OpenOptions
): Promise<OpenDatabase> {
	if (config.DATABASE_URL) {
		return {
			url: config.DATABASE_URL,
			isEmbedded: false,
			markReady: () => undefined,
			stop: async () => undefined
		};
	}
	const embedded = await startEmbeddedPostgres({
		dataDir: config.dataDir,
		port: config.CASEBOOK_DB_PORT,
		log,
		...options
	});
	return {
		url: embedded.url,
		isEmbedded: true,
		markReady: (details) => embedded.markReady(details),
		stop: () => embedded.stop()
	};
}

/**
 * The key of the session-level advisory lock every start-up holds while it migrates (and runs its
 * first-start steps): when several web and worker processes start at once against one database,
 * exactly one applies the migrations and the others wait, then find nothing left to apply.
 */
export const STARTUP_LOCK_KEY = 7_263_011_942;

/**
 * Brings the database's schema up to date: MikroORM migrations, then pg-boss's schema and queues,
 * then `after` (the launcher's first-start steps), all under the start-up lock.
 */
export async function prepareDatabase(
	url: string,
	options: { after?: () => Promise<void>; onWait?: () => void } = {}
): Promise<string[]> {
	// Imported here, not above: loading the ORM and every entity takes a second or two, which the
	// launcher spends while PostgreSQL starts (see start.ts) rather than before.
	const [{ initOrm, migrate }, { installJobSchema }, { jobContracts }, { default: pg }] = await Promise.all([
		import('../lib/server/app/orm.ts'),
		import('../lib/server/jobs/boss.ts'),
		import('../lib/server/app/jobs.ts'),
		import('pg')
	]);
	// The lock lives on a connection of its own, held until everything below is done (or this
	// process dies, which releases it).
	const lock = new pg.Client({ connectionString: url });
	await lock.connect();
	try {
		const [{ locked }] = (
			await lock.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [STARTUP_LOCK_KEY])
		).rows as [{ locked: boolean }];
		if (!locked) {
			options.onWait?.();
			await lock.query('select pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
		}
		// Quiet: the caller reports what was applied in one line, not two lines per migration.
		const orm = await initOrm(url, { logger: () => undefined });
		try {
			const applied = await migrate(orm);
			await installJobSchema(url, jobContracts);
			await options.after?.();
			return applied;
		} finally {
			await orm.close(true);
		}
	} finally {
		await lock.end(); // ends the session, and with it the lock
	}
}
