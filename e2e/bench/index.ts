// `npm run bench [-- <suite>] [--patients N] [--seconds S] [--cases N] [--crashCases N] [--connections N] [--runs N] [--keepBuild] [--reminders N] [--smsPercent P] [--smsRate R]`: performance figures, printed, never
// asserted. Runs on its own embedded PostgreSQL in .data/bench (seeded once, reused), or on
// BENCH_DATABASE_URL — never on DATABASE_URL, so a benchmark cannot fill a real clinic's database.
// A second benchmark while one runs on .data/bench is refused. `startup` needs no shared database:
// it runs `npm start` itself on private data dirs.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { EmbeddedPostgresError, startEmbeddedPostgres, type EmbeddedDatabase } from '../../db/embedded.ts';
import { prepareDatabase } from '../../src/cli/database.ts';
import { benchEscalation } from './escalation.ts';
import { benchLoad } from './load.ts';
import { benchPatients } from './patients.ts';
import { benchReminders } from './reminders.ts';
import { benchReports } from './reports.ts';
import { benchStartup } from './startup.ts';

const suites: Record<string, (ctx: Parameters<typeof benchPatients>[0]) => Promise<void>> = {
	patients: benchPatients,
	escalation: benchEscalation,
	reports: benchReports,
	load: benchLoad,
	reminders: benchReminders
};
/** Suites that start what they measure themselves (no shared benchmark database). */
const standalone: Record<string, (ctx: Omit<Parameters<typeof benchPatients>[0], 'url'>) => Promise<void>> = {
	startup: benchStartup
};

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		patients: { type: 'string' },
		seconds: { type: 'string' },
		cases: { type: 'string' },
		crashCases: { type: 'string' },
		connections: { type: 'string' },
		profile: { type: 'boolean' },
		runs: { type: 'string' },
		keepBuild: { type: 'boolean' },
		reminders: { type: 'string' },
		smsPercent: { type: 'string' },
		smsRate: { type: 'string' }
	}
});
const root = path.resolve(import.meta.dirname, '../..');
const log = (line: string) => console.log(`[bench] ${line}`);
const chosen = positionals.length ? positionals : [...Object.keys(suites), ...Object.keys(standalone)];
for (const name of chosen) {
	if (!suites[name] && !standalone[name]) {
		console.error(
			`unknown benchmark ${name}; choose from: ${[...Object.keys(suites), ...Object.keys(standalone)].join(', ')}`
		);
		process.exit(2);
	}
}

const shared = chosen.filter((name) => suites[name]);
if (shared.length) {
	let embedded: EmbeddedDatabase | null = null;
	try {
		embedded = process.env.BENCH_DATABASE_URL
			? null
			: await startEmbeddedPostgres({
					dataDir: path.join(root, '.data', 'bench'),
					log,
					owner: { role: 'benchmark', command: 'npm run bench' }
				});
	} catch (error) {
		if (!(error instanceof EmbeddedPostgresError)) throw error;
		console.error(error.message);
		process.exit(1);
	}
	const url = process.env.BENCH_DATABASE_URL ?? embedded!.url;
	try {
		await prepareDatabase(url);
		for (const name of shared) await suites[name]!({ url, root, log, args: values });
	} finally {
		await embedded?.stop();
	}
}
for (const name of chosen.filter((n) => standalone[n])) await standalone[name]!({ root, log, args: values });
