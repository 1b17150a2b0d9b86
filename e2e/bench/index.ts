// `npm run bench [-- <suite>] [--patients N] [--seconds S] [--cases N] [--crashCases N] [--connections N]`: performance figures, printed, never
// asserted. Runs on its own embedded PostgreSQL in .data/bench (seeded once, reused), or on
// BENCH_DATABASE_URL — never on DATABASE_URL, so a benchmark cannot fill a real clinic's database.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startEmbeddedPostgres } from '../../db/embedded.ts';
import { prepareDatabase } from '../../src/cli/database.ts';
import { benchEscalation } from './escalation.ts';
import { benchLoad } from './load.ts';
import { benchPatients } from './patients.ts';

const suites: Record<string, (ctx: Parameters<typeof benchPatients>[0]) => Promise<void>> = {
	patients: benchPatients,
	escalation: benchEscalation,
	load: benchLoad
};

const { values, positionals } = parseArgs({
	allowPositionals: true,
	options: {
		patients: { type: 'string' },
		seconds: { type: 'string' },
		cases: { type: 'string' },
		crashCases: { type: 'string' },
		connections: { type: 'string' },
		profile: { type: 'boolean' }
	}
});
const root = path.resolve(import.meta.dirname, '../..');
const log = (line: string) => console.log(`[bench] ${line}`);
const chosen = positionals.length ? positionals : Object.keys(suites);
for (const name of chosen) {
	if (!suites[name]) {
		console.error(`unknown benchmark ${name}; choose from: ${Object.keys(suites).join(', ')}`);
		process.exit(2);
	}
}

const embedded = process.env.BENCH_DATABASE_URL
	? null
	: await startEmbeddedPostgres({ dataDir: path.join(root, '.data', 'bench'), log });
const url = process.env.BENCH_DATABASE_URL ?? embedded!.url;
try {
	await prepareDatabase(url);
	for (const name of chosen) await suites[name]!({ url, root, log, args: values });
} finally {
	await embedded?.stop();
}
