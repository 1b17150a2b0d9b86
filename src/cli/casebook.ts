// `npm run casebook -- <command>`: operational commands that work on the configured database
// (or the embedded one when DATABASE_URL is not set). While `npm start` runs on the same data dir,
// a command uses that running PostgreSQL and never stops it; otherwise it starts the embedded
// server for itself and stops it when done (and a second command or `npm start` meanwhile is
// refused with a sentence saying which command holds the data dir).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedPostgresError } from '../../db/embedded.ts';
import { ConfigError, parseConfig, type Config } from '../lib/server/config.ts';
import { GENERATOR_NOISE, initOrm } from '../lib/server/app/orm.ts';
import { openDatabase, prepareDatabase, type OpenDatabase } from './database.ts';
import { apiKeyCreate } from './api-keys.ts';
import { userCreate, userResetPassword } from './users.ts';

/**
 * The generator's noise (GENERATOR_NOISE: stubs of the audit trail's append-only trigger and the
 * patient list counts, exclusion constraints) is removed from every new migration.
 */
function stripTriggerNoise(file: string): number {
	const lines = fs.readFileSync(file, 'utf8').split('\n');
	const statement = /this\.addSql\(`(.*)/;
	const kept = lines.filter((line) => !GENERATOR_NOISE.test(statement.exec(line.trim())?.[1] ?? ''));
	fs.writeFileSync(file, kept.join('\n'));
	return lines.length - kept.length;
}

type Command = (ctx: {
	config: Config;
	db: OpenDatabase;
	args: string[];
	applied: string[];
}) => Promise<void>;

const commands: Record<string, { help: string; run: Command }> = {
	'db:migrate': {
		help: 'apply pending migrations and install the job queues',
		async run({ applied }) {
			console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
		}
	},
	'db:migration:create': {
		help: 'write a migration for the difference between the entities and the database',
		async run({ db, args }) {
			const { values } = parseArgs({
				args,
				options: { name: { type: 'string' }, blank: { type: 'boolean' } }
			});
			const orm = await initOrm(db.url);
			try {
				const result = await orm.migrator.create(undefined, values.blank ?? false, false, values.name);
				if (!result.fileName) console.log('no changes: entities match the database');
				else {
					const removed = stripTriggerNoise(path.join('db/migrations', result.fileName));
					if (removed)
						console.log(
							`removed ${removed} statement(s) that would replace hand-written triggers and functions`
						);
					console.log(
						`wrote db/migrations/${result.fileName}; review it (up and down), then add it to db/migrations/index.ts`
					);
				}
			} finally {
				await orm.close(true);
			}
		}
	},
	'user:create': {
		help: 'create a staff user: --email --name --roles admin,scheduler [--mobile] [--password-stdin]',
		run: ({ db, args }) => userCreate(db, args)
	},
	'user:reset-password': {
		help: 'set a user password: --email --password-stdin (ends their sessions)',
		run: ({ db, args }) => userResetPassword(db, args)
	},
	'api-key:create': {
		help: 'print a new REST API key acting as a staff member: --email [--name "label"] [--scopes team_cases:write,…] (default: full access)',
		run: ({ db, args }) => apiKeyCreate(db, args)
	}
};

function usage(): string {
	return (
		'usage: npm run casebook -- <command> [options]\n\ncommands:\n' +
		Object.entries(commands)
			.map(([name, c]) => `  ${name.padEnd(24)} ${c.help}`)
			.join('\n')
	);
}

async function main(argv: string[]): Promise<number> {
	const [name, ...args] = argv;
	const command = name ? commands[name] : undefined;
	if (!command) {
		console.error(name ? `unknown command: ${name}\n\n${usage()}` : usage());
		return 2;
	}
	let config: Config;
	try {
		config = parseConfig();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			return 1;
		}
		throw error;
	}
	let db: OpenDatabase;
	try {
		db = await openDatabase(config, (line) => console.error(line), {
			owner: { role: 'command', command: `npm run casebook -- ${name}` },
			attach: true
		});
	} catch (error) {
		// One sentence (a data dir in use, a folder it cannot write); a stack only for the unexpected.
		console.error(error instanceof EmbeddedPostgresError ? error.message : error);
		return 1;
	}
	// Ctrl-C: stop the PostgreSQL we started (never a running launcher's) rather than orphan it.
	for (const signal of ['SIGINT', 'SIGTERM'] as const)
		process.once(signal, () => void db.stop().finally(() => process.exit(130)));
	try {
		// Every command works on an up-to-date schema.
		const applied = await prepareDatabase(db.url);
		await command.run({ config, db, args, applied });
		return 0;
	} catch (error) {
		console.error(error instanceof Error ? error.message : error);
		return 1;
	} finally {
		await db.stop();
	}
}

process.exitCode = await main(process.argv.slice(2));
