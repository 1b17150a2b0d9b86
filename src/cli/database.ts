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

export async function prepareDatabase(url: string): Promise<string[]> {
	// Imported here, not above: loading the ORM and every entity takes a second or two, which the
	// launcher spends while PostgreSQL starts (see start.ts) rather than before.
	const [{ initOrm, migrate }, { installJobSchema }, { jobContracts }] = await Promise.all([
		import('../lib/server/app/orm.ts'),
		import('../lib/server/jobs/boss.ts'),
		import('../lib/server/app/jobs.ts')
	]);
	// Quiet: the caller reports what was applied in one line, not two lines per migration.
	const orm = await initOrm(url, { logger: () => undefined });
	try {
		const applied = await migrate(orm);
		await installJobSchema(url, jobContracts);
		return applied;
	} finally {
		await orm.close(true);
	}
}
