// Benchmark: `npm start` as a person runs it (the launcher: embedded PostgreSQL, migrations, build,
// web app and worker) on a new private data dir, then again on the same one, and how long it takes
// to stop. The first start rebuilds the web app (as on a fresh clone), unless --keepBuild.
// `runLauncher` is also what the start-up integration tests drive.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, removeEmbeddedData } from '../../db/embedded.ts';
import type { BenchContext } from './common.ts';

export interface LauncherRun {
	child: ChildProcess;
	baseUrl: string;
	/** Everything it printed so far (stdout and stderr), with the time of each line. */
	lines: { at: number; text: string }[];
	output(): string;
	/** Resolves with ms since spawn when a printed line matches; rejects on exit or timeout. */
	waitForLine(pattern: RegExp, timeoutMs?: number): Promise<number>;
	/** Resolves with ms since spawn when /healthz answers 200. */
	waitHealthy(timeoutMs?: number): Promise<number>;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
	/** SIGTERM, and the ms it took to exit (SIGKILL after 40 s). */
	stop(): Promise<number>;
}

export function runLauncher(options: {
	root: string;
	dataDir: string;
	port: number;
	args?: string[];
	env?: NodeJS.ProcessEnv;
}): LauncherRun {
	const baseUrl = `http://127.0.0.1:${options.port}`;
	const started = Date.now();
	const child = spawn(
		process.execPath,
		[path.join(options.root, 'src/cli/start.ts'), ...(options.args ?? [])],
		{
			cwd: options.root,
			env: {
				...process.env,
				CASEBOOK_DATA_DIR: options.dataDir,
				PORT: String(options.port),
				HOST: '127.0.0.1',
				ORIGIN: baseUrl,
				DATABASE_URL: '',
				CASEBOOK_DB_PORT: '',
				SMTP_URL: '',
				TWILIO_ACCOUNT_SID: '',
				TWILIO_AUTH_TOKEN: '',
				CASEBOOK_ADMIN_EMAIL: '',
				CASEBOOK_ADMIN_PASSWORD: '',
				...options.env
			},
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	const lines: { at: number; text: string }[] = [];
	const listeners = new Set<() => void>();
	let partial = '';
	const take = (chunk: Buffer) => {
		const text = partial + chunk.toString();
		const parts = text.split('\n');
		partial = parts.pop()!;
		for (const line of parts) lines.push({ at: Date.now() - started, text: line });
		for (const listener of listeners) listener();
	};
	child.stdout!.on('data', take);
	child.stderr!.on('data', take);
	const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
		child.once('exit', (code, signal) => resolve({ code, signal }))
	);
	const output = () => lines.map((l) => l.text).join('\n') + (partial ? `\n${partial}` : '');
	const gone = () => child.exitCode !== null || child.signalCode !== null;

	return {
		child,
		baseUrl,
		lines,
		output,
		exited,
		waitForLine(pattern, timeoutMs = 120_000) {
			return new Promise((resolve, reject) => {
				let from = 0;
				const check = () => {
					for (; from < lines.length; from++) {
						if (pattern.test(lines[from]!.text)) {
							done();
							resolve(lines[from]!.at);
							return;
						}
					}
					if (gone()) {
						done();
						reject(new Error(`the launcher exited before printing ${pattern}:\n${output().slice(-3000)}`));
					}
				};
				const timer = setTimeout(() => {
					done();
					reject(new Error(`no line matching ${pattern} within ${timeoutMs} ms:\n${output().slice(-3000)}`));
				}, timeoutMs);
				const onExit = () => setTimeout(check, 50);
				const done = () => {
					clearTimeout(timer);
					listeners.delete(check);
					child.off('exit', onExit);
				};
				listeners.add(check);
				child.on('exit', onExit);
				check();
			});
		},
		async waitHealthy(timeoutMs = 120_000) {
			const deadline = Date.now() + timeoutMs;
			while (Date.now() < deadline && !gone()) {
				try {
					const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
					if (response.ok) return Date.now() - started;
				} catch {
					// not up yet
				}
				await new Promise((r) => setTimeout(r, 100));
			}
			throw new Error(`${baseUrl}/healthz was not OK within ${timeoutMs} ms:\n${output().slice(-3000)}`);
		},
		async stop() {
			const asked = Date.now();
			if (!gone()) child.kill('SIGTERM');
			const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
			await exited;
			clearTimeout(timer);
			return Date.now() - asked;
		}
	};
}

/** When a line matching `pattern` was printed (ms since spawn), if it was. */
function at(run: LauncherRun, pattern: RegExp): number | undefined {
	return run.lines.find((l) => pattern.test(l.text))?.at;
}

function phases(run: LauncherRun, healthyAt: number): string {
	const ready = at(run, /PostgreSQL ready on port/);
	const migrated = at(run, /applied \d+ migrations?|database schema is up to date/);
	const buildFrom = at(run, /building the web app/);
	const built = at(run, /web app built in/);
	const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
	const parts: string[] = [];
	if (ready !== undefined) parts.push(`PostgreSQL ${s(ready)}`);
	if (ready !== undefined && migrated !== undefined) parts.push(`migrations ${s(migrated - ready)}`);
	if (buildFrom !== undefined && built !== undefined) parts.push(`build ${s(built - buildFrom)}`);
	const serversFrom = built ?? migrated;
	if (serversFrom !== undefined) parts.push(`web + worker ${s(healthyAt - serversFrom)}`);
	return parts.join(', ');
}

export async function benchStartup(ctx: Pick<BenchContext, 'root' | 'log' | 'args'>): Promise<void> {
	const runs = Number(ctx.args.runs ?? 3);
	// A private folder (mode 0700), as a person's home or `mktemp -d` would be.
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-bench-startup-'));
	const dataDir = path.join(folder, 'data');
	const rows: [string, number, string][] = [];
	const stops: number[] = [];
	try {
		if (ctx.args.keepBuild === undefined) {
			// As on a fresh clone: the build output is out of date, so the first start builds.
			fs.rmSync(path.join(ctx.root, 'build', '.casebook-build'), { force: true });
		}
		for (let i = 0; i <= runs; i++) {
			const run = runLauncher({ root: ctx.root, dataDir, port: await freePort() });
			let healthyAt: number;
			try {
				healthyAt = await run.waitHealthy(300_000);
				await run.waitForLine(/Casebook is running at/, 30_000);
			} catch (error) {
				await run.stop();
				throw error;
			}
			const name = i === 0 ? 'first start (new data dir)' : `warm start #${i}`;
			rows.push([name, healthyAt, phases(run, healthyAt)]);
			ctx.log(`${name}: healthy after ${(healthyAt / 1000).toFixed(1)} s`);
			stops.push(await run.stop());
			const { code } = await run.exited;
			if (code !== 0) throw new Error(`the launcher exited ${code}:\n${run.output().slice(-3000)}`);
		}
	} finally {
		removeEmbeddedData(dataDir);
		fs.rmSync(folder, { recursive: true, force: true });
	}
	const warm = rows
		.slice(1)
		.map((r) => r[1])
		.sort((a, b) => a - b);
	const sortedStops = [...stops].sort((a, b) => a - b);
	const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`.padStart(8);
	console.log('\nstart-up and shutdown of `npm start` (to /healthz OK; stop = SIGTERM to exit)');
	for (const [name, ms, detail] of rows) console.log(`  ${name.padEnd(28)} ${s(ms)}   ${detail}`);
	if (warm.length)
		console.log(`  ${'warm start, median'.padEnd(28)} ${s(warm[Math.floor(warm.length / 2)]!)}`);
	console.log(
		`  ${'stop, median'.padEnd(28)} ${s(sortedStops[Math.floor(sortedStops.length / 2)]!)}   (max ${s(sortedStops.at(-1)!).trim()}, ${stops.length} stops)`
	);
}
