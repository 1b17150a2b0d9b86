// Finds the database for a command: DATABASE_URL when set, else the embedded PostgreSQL in the
// data dir. Then brings its schema up to date (MikroORM migrations, pg-boss schema and queues).
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import type { Config } from '../lib/server/config.ts';
import { initOrm, migrate } from '../lib/server/db/orm.ts';
import { installJobSchema } from '../lib/server/jobs/boss.ts';

export interface OpenDatabase {
	url: string;
	isEmbedded: boolean;
	stop(): Promise<void>;
}

export async function openDatabase(config: Config, log: (line: string) => void): Promise<OpenDatabase> {
	if (config.DATABASE_URL) {
		return { url: config.DATABASE_URL, isEmbedded: false, stop: async () => undefined };
	}
	const embedded = await startEmbeddedPostgres({
		dataDir: config.dataDir,
		port: config.CASEBOOK_DB_PORT,
		log
	});
	return { url: embedded.url, isEmbedded: true, stop: () => embedded.stop() };
}

export async function prepareDatabase(url: string): Promise<string[]> {
	const orm = await initOrm(url);
	try {
		const applied = await migrate(orm);
		await installJobSchema(url);
		return applied;
	} finally {
		await orm.close(true);
	}
}
