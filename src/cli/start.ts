// `npm start` / `npm run dev` / `npm run demo`: the whole product on one machine. Starts (or connects
// to) PostgreSQL, applies migrations, builds the web app when its sources changed, then runs the web
// server and the worker as supervised child processes, and PostgreSQL too: any of the three that dies
// is started again. Ctrl-C / SIGTERM stops the web app and worker first, then PostgreSQL, and leaves
// no process behind. The address (and a new database's setup link) are the last lines printed.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dataDirInUse, EmbeddedPostgresError } from '../../db/embedded.ts';
import { ConfigError, parseConfig, type Config } from '../lib/server/config.ts';
import { openDatabase, prepareDatabase, type OpenDatabase } from './database.ts';
import { BuildError, buildIfNeeded } from './build.ts';

const root = path.resolve(import.meta.dirname, '../..');
const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
const buildDir = path.join(root, 'build');

function say(line: string): void {
	process.stdout.write(`[casebook] ${line}\n`);
}

/** The lines a person came for, framed so they stand out from the logs above them. */
function frame(lines: string[]): void {
	const rule = '─'.repeat(Math.min(100, Math.max(...lines.map((l) => l.length)) + 4));
	process.stdout.write(`\n${rule}\n${lines.map((l) => (l ? `  ${l}` : '')).join('\n')}\n${rule}\n\n`);
}

interface Supervised {
	name: string;
	child?: ChildProcess;
	restarts: number[];
}

/** Why the web server could not listen on host:port, in a sentence, or undefined when it can. */
function portProblem(host: string, port: number): Promise<string | undefined> {
	return new Promise((resolve) => {
		const server = net.createServer();
		server.once('error', (error: NodeJS.ErrnoException) =>
			resolve(
				error.code === 'EADDRINUSE'
					? `Port ${port} on ${host} is already in use by another program: stop it, or start Casebook with another PORT (e.g. PORT=${port + 1} npm start).`
					: `Casebook cannot listen on ${host}:${port} (${error.code ?? error.message}): set HOST and PORT to an address of this machine.`
			)
		);
		server.listen(port, host, () => server.close(() => resolve(undefined)));
	});
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
		options: {
			dev: { type: 'boolean', default: false },
			demo: { type: 'boolean', default: false },
			/** One role of a fleet (`npm run start:web` / `start:worker`), against DATABASE_URL. */
			only: { type: 'string' }
		}
	});
	const only = values.only;
	if (only !== undefined && only !== 'web' && only !== 'worker') {
		say(`--only takes "web" or "worker", not "${only}".`);
		return 1;
	}
	if (only && (values.dev || values.demo)) {
		say(`npm run start:${only} runs the built app: it does not combine with --dev or --demo.`);
		return 1;
	}
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

	if (only && !config.DATABASE_URL) {
		say(
			`npm run start:${only} runs one process of a fleet against a shared PostgreSQL: set DATABASE_URL (npm start runs everything on one machine, with an embedded PostgreSQL).`
		);
		return 1;
	}

	const busy = only === 'worker' ? undefined : await portProblem(config.HOST, config.PORT);
	if (busy) {
		// Most often: Casebook itself, already running on this data dir. Say that rather than "port".
		say((!config.DATABASE_URL && dataDirInUse(config.dataDir)) || busy);
		return 1;
	}

	let db: OpenDatabase | undefined;
	const processes: Supervised[] = (['web', 'worker'] as const)
		.filter((name) => !only || name === only)
		.map((name) => ({ name, restarts: [] }));
	let shuttingDown: Promise<number> | undefined;

	const shutdown = (code: number, reason: string): Promise<number> => {
		shuttingDown ??= (async () => {
			const started = Boolean(db) || processes.some((p) => p.child);
			if (started) say(`stopping (${reason})…`);
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
			if (started) say('stopped');
			return code;
		})();
		return shuttingDown;
	};
	const fail = (reason: string) => void shutdown(1, reason).then((c) => process.exit(c));

	for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(signal, () => {
			void shutdown(0, signal).then((code) => process.exit(code));
		});
	}

	// The ORM, entities and services load while PostgreSQL starts (both take a second or two).
	const loading = Promise.all([import('./hooks.ts'), import('../lib/server/db/orm.ts')]);
	loading.catch(() => undefined); // awaited below; a failure surfaces there

	try {
		const command = values.demo ? 'npm run demo' : values.dev ? 'npm run dev' : 'npm start';
		db = await openDatabase(config, say, {
			owner: { role: 'launcher', command },
			supervise: {
				onGiveUp(error) {
					say(`PostgreSQL could not be started again: ${error.message}`);
					fail('PostgreSQL failed');
				}
			}
		});
		const [{ afterMigrateHooks }] = await loading;
		const notices: string[] = [];
		// Under the start-up lock: when a fleet starts at once, one process migrates and runs the
		// first-start steps (first admin, demo data); the others wait and find them done.
		const applied = await prepareDatabase(db.url, {
			onWait: () => say('another Casebook process is migrating this database; waiting for it…'),
			after: async () => {
				for (const hook of afterMigrateHooks) {
					await hook({
						url: db!.url,
						config,
						demo: values.demo,
						say,
						announce: (lines) => notices.push('', ...lines)
					});
				}
			}
		});
		say(
			applied.length
				? `applied ${applied.length} migration${applied.length === 1 ? '' : 's'} (latest: ${applied.at(-1)})`
				: 'database schema is up to date'
		);
		// From here on a CLI command on the same data dir uses this database instead of refusing.
		db.markReady({ appUrl: config.ORIGIN });

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

		if (!values.dev && only !== 'worker') await buildIfNeeded(say);

		const commands: Record<string, string[]> = {
			web: values.dev
				? [viteBin, 'dev', '--port', String(config.PORT), '--host', config.HOST, '--strictPort']
				: [path.join(buildDir, 'index.js')],
			worker: [path.join(root, 'worker', 'index.ts')]
		};

		// The worker says it is ready (over IPC), so that the address is printed after its log lines.
		let workerReady: () => void = () => undefined;
		const workerIsReady = new Promise<void>((resolve) => (workerReady = resolve));

		const launch = (p: Supervised) => {
			const child = spawn(process.execPath, commands[p.name]!, {
				cwd: root,
				env: { ...env, CASEBOOK_SERVICE: p.name },
				// Own process group: a terminal Ctrl-C reaches only us, and we stop children in order.
				detached: true,
				stdio: ['ignore', 'pipe', 'pipe', 'ipc']
			});
			p.child = child;
			child.stdout!.on('data', (chunk: Buffer) => process.stdout.write(chunk));
			child.on('message', (message: { type?: string }) => {
				if (message?.type === 'worker-ready') workerReady();
			});
			child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
			child.on('error', (error) => say(`${p.name} could not be started: ${error.message}`));
			child.on('exit', (code, signal) => {
				if (shuttingDown) return;
				const now = Date.now();
				p.restarts = [...p.restarts.filter((t) => now - t < 60_000), now];
				if (p.restarts.length > 5) {
					say(`${p.name} keeps exiting (last: ${signal ?? code}); giving up`);
					fail(`${p.name} failed`);
					return;
				}
				say(`${p.name} exited (${signal ?? code}); restarting in 1 s`);
				setTimeout(() => !shuttingDown && launch(p), 1000);
			});
		};
		processes.forEach(launch);

		if (only === 'worker') {
			await Promise.race([workerIsReady, new Promise((r) => setTimeout(r, 30_000))]);
			if (shuttingDown) return await shuttingDown;
			frame(['Casebook worker is running   (Ctrl-C to stop)', ...notices]);
			return await new Promise<number>(() => undefined);
		}
		const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
		// Alone (start:web), the web process answers for itself: the workers run elsewhere.
		const healthPath = only === 'web' ? '/healthz?scope=web' : '/healthz';
		const healthy = await waitForHealth(`http://${host}:${config.PORT}${healthPath}`, 60_000);
		if (!only) await Promise.race([workerIsReady, new Promise((r) => setTimeout(r, 10_000))]);
		if (shuttingDown) return await shuttingDown;
		if (healthy) frame([`Casebook is running at ${config.ORIGIN}   (Ctrl-C to stop)`, ...notices]);
		else
			frame([
				`Casebook started at ${config.ORIGIN}, but ${config.ORIGIN}/healthz is not OK yet: see the logs above.`,
				...notices
			]);
		return await new Promise<number>(() => undefined);
	} catch (error) {
		// Problems a person can fix are one sentence; anything else is a bug and keeps its stack.
		if (error instanceof EmbeddedPostgresError || error instanceof BuildError) say(error.message);
		else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
		return shutdown(1, 'start-up failed');
	}
}

process.exit(await main());
