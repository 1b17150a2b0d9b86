// MikroORM set-up shared by the web app, the worker, the CLI and tests: every entity, the
// migrations, and the subscribers. One ORM per process; one EntityManager fork per request and job.
import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import { migrationsList } from '../../../../db/migrations/index.ts';
import { SessionCacheInvalidator } from '../auth/session-cache.ts';
import { entities } from './entities.ts';
import './wiring.ts';

/**
 * Statements MikroORM's generator proposes although nothing changed: hand-written triggers and SQL
 * functions as empty stubs (even with ignoreTriggers), which would silently disable them, and
 * exclusion constraints (`*_no_overlap`), which it cannot describe. The migration CLI strips them
 * and the schema drift test ignores them.
 */
export const GENERATOR_NOISE =
	/^(create or replace function|create trigger|drop trigger|drop function|alter table "[a-z_]+" (drop|add) constraint "[a-z_]+_no_overlap")/;

export function ormConfig(url: string, overrides: Partial<Options> = {}): Options {
	return defineConfig({
		clientUrl: url,
		entities,
		extensions: [Migrator],
		debug: process.env.CASEBOOK_LOG_SQL === 'true',
		// Remembered sessions are forgotten when a flush changes a user, patient or session.
		subscribers: [new SessionCacheInvalidator()],
		// Dates are stored as timestamptz and always handled as UTC instants in code.
		forceUtcTimezone: true,
		allowGlobalContext: false,
		pool: { min: 0, max: 10 },
		// Hand-written SQL in migrations (the audit trigger, rate-limit table, the REST API's own
		// bookkeeping tables read with SQL) is not in the entities: keep the migration generator from
		// proposing to drop it.
		schemaGenerator: {
			ignoreTriggers: true,
			ignoreRoutines: true,
			skipTables: ['rate_limit', 'patient_list_count', 'api_team_case', 'api_idempotency_key']
		},
		migrations: {
			tableName: 'mikro_orm_migrations',
			path: 'db/migrations',
			pathTs: 'db/migrations',
			migrationsList,
			transactional: true,
			allOrNothing: true,
			snapshot: false,
			emit: 'ts'
		},
		...overrides
	});
}

export async function initOrm(url: string, overrides: Partial<Options> = {}): Promise<MikroORM> {
	return MikroORM.init(ormConfig(url, overrides));
}

export async function migrate(orm: MikroORM): Promise<string[]> {
	const applied = await orm.migrator.up();
	return applied.map((m) => m.name);
}
