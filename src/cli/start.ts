// `npm start` / `npm run dev`: the whole product on one machine. Starts (or connects to) PostgreSQL,
// applies migrations, builds the web app when its sources changed, then runs the web server and the
// worker as supervised child processes. Ctrl-C / SIGTERM stops the web app and worker first, then
// PostgreSQL, and leaves no process behind.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, parseConfig, type Config } from '../lib/server/config.ts';
import { openDatabase, prepareDatabase, type OpenDatabase } from './database.ts';
import { buildIfNeeded } from './build.ts';
import { afterMigrateHooks } from './hooks.ts';

const root = path.resolve(import.meta.dirname, '../..');
const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const buildDir = path.join(root, 'build');

function say(line: string): void {
	process.stdout.write(`[casebook] ${line}\n`);
}

interface Supervised {
	name: string;
	child?: ChildProcess;
	restarts: number[];
}

async function waitForHealth(url: string, timeoutMs: number): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
			if (response.ok) return true;
		} catch {
			// not up yet
		}
		await new Promise((r) => setTimeout(r, 250));
	}
	return false;
}

async function main(): Promise<number> {
	const { values } = parseArgs({
		options: { dev: { type: 'boolean', default: false }, demo: { type: 'boolean', default: false } }
	});
	// The demo keeps its own data unless told otherwise, so it never mixes with a real clinic's.
	if (values.demo && !process.env.CASEBOOK_DATA_DIR && !process.env.DATABASE_URL) {
		process.env.CASEBOOK_DATA_DIR = path.join('.data', 'demo');
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

	let db: OpenDatabase | undefined;
	const processes: Supervised[] = [
		{ name: 'web', restarts: [] },
		{ name: 'worker', restarts: [] }
	];
	let shuttingDown: Promise<number> | undefined;

	const shutdown = (code: number, reason: string): Promise<number> => {
		shuttingDown ??= (async () => {
			say(`stopping (${reason})…`);
			await Promise.all(
				processes.map(async (p) => {
					const child = p.child;
					if (!child || child.exitCode !== null || child.signalCode !== null) return;
					const exited = new Promise((r) => child.once('exit', r));
					child.kill('SIGTERM');
					const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
					await exited;
					clearTimeout(timer);
				})
			);
			if (db) await db.stop();
			say('stopped');
			return code;
		})();
		return shuttingDown;
	};

	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => {
			void shutdown(0, signal).then((code) => process.exit(code));
		});
	}

	try {
		db = await openDatabase(config, say);
		const applied = await prepareDatabase(db.url);
		say(applied.length ? `applied migrations: ${applied.join(', ')}` : 'database schema is up to date');
		for (const hook of afterMigrateHooks) await hook({ url: db.url, config, demo: values.demo, say });

		const env: NodeJS.ProcessEnv = {
			...process.env,
			DATABASE_URL: db.url,
			PORT: String(config.PORT),
			HOST: config.HOST,
			ORIGIN: config.ORIGIN,
			NODE_ENV: values.dev ? 'development' : 'production',
			// Attachments are up to 25 MB; leave room for multipart overhead.
			BODY_SIZE_LIMIT: process.env.BODY_SIZE_LIMIT ?? '27M'
		};

		if (!values.dev) await buildIfNeeded(say);

		const commands: Record<string, string[]> = {
			web: values.dev
				? [viteBin, 'dev', '--port', String(config.PORT), '--host', config.HOST, '--strictPort']
				: [path.join(buildDir, 'index.js')],
			worker: [path.join(root, 'worker', 'index.ts')]
		};

		const launch = (p: Supervised) => {
			const child = spawn(process.execPath, commands[p.name]!, {
				cwd: root,
				env: { ...env, CASEBOOK_SERVICE: p.name },
				// Own process group: a terminal Ctrl-C reaches only us, and we stop children in order.
				detached: true,
				stdio: ['ignore', 'inherit', 'inherit', 'ipc']
			});
			p.child = child;
			child.on('exit', (code, signal) => {
				if (shuttingDown) return;
				const now = Date.now();
				p.restarts = [...p.restarts.filter((t) => now - t < 60_000), now];
				if (p.restarts.length > 5) {
					say(`${p.name} keeps exiting (last: ${signal ?? code}); giving up`);
					void shutdown(1, `${p.name} failed`).then((c) => process.exit(c));
					return;
				}
				say(`${p.name} exited (${signal ?? code}); restarting in 1 s`);
				setTimeout(() => !shuttingDown && launch(p), 1000);
			});
		};
		processes.forEach(launch);

		const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
		const healthy = await waitForHealth(`http://${host}:${config.PORT}/healthz`, 60_000);
		if (shuttingDown) return await shuttingDown;
		if (healthy) say(`Casebook is running at ${config.ORIGIN} (Ctrl-C to stop)`);
		else say(`Casebook started but /healthz is not OK yet; see the logs above (${config.ORIGIN}/healthz)`);
		return await new Promise<number>(() => undefined);
	} catch (error) {
		console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		return shutdown(1, 'start-up failed');
	}
}

process.exit(await main());
