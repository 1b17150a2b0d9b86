// Shared bits of the benchmark scripts: the context they run in, how figures are printed, and the
// web server they measure.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../db/embedded.ts';
import { buildIfNeeded } from '../../src/cli/build.ts';
export interface BenchContext {
	url: string;
	root: string;
	log: (line: string) => void;
	args: Record<string, string | boolean | undefined>;
}

export interface Figures {
	p50: number;
	p95: number;
	p99: number;
	rps: number;
	count: number;
	errors?: number;
}

export function percentile(sorted: number[], p: number): number {
	if (sorted.length === 0) return NaN;
	const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[index]!;
}

export function printTable(title: string, rows: [string, Figures][]): void {
	const width = Math.max(...rows.map(([name]) => name.length), 10);
	const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-').padStart(8);
	console.log(`\n${title}`);
	console.log(
		`  ${'operation'.padEnd(width)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'req/s'.padStart(9)} ${'requests'.padStart(9)}`
	);
	for (const [name, f] of rows) {
		console.log(
			`  ${name.padEnd(width)} ${fmt(f.p50)} ${fmt(f.p95)} ${fmt(f.p99)} ${f.rps.toFixed(0).padStart(9)} ${String(f.count).padStart(9)}`
		);
	}
}

export async function waitForServer(baseUrl: string, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		try {
			await fetch(`${baseUrl}/healthz`);
			return;
		} catch {
			await new Promise((r) => setTimeout(r, 200));
		}
	}
	throw new Error(`server at ${baseUrl} did not start`);
}

/**
 * Builds the app if needed and starts the built web server on a free localhost port against `url`,
 * waiting until it answers. With `profile`, it writes a V8 CPU profile to .data/profiles on stop.
 */
export async function startWebServer(
	ctx: Pick<BenchContext, 'url' | 'root' | 'log'>,
	options: { profile?: boolean } = {}
): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	await buildIfNeeded(ctx.log);
	const profile = options.profile
		? ['--cpu-prof', `--cpu-prof-dir=${path.join(ctx.root, '.data', 'profiles')}`]
		: [];
	const web = spawn(process.execPath, [...profile, path.join(ctx.root, 'build', 'index.js')], {
		cwd: ctx.root,
		env: {
			...process.env,
			DATABASE_URL: ctx.url,
			PORT: String(port),
			HOST: '127.0.0.1',
			ORIGIN: baseUrl,
			LOG_LEVEL: 'warn',
			NODE_ENV: 'production'
		},
		stdio: ['ignore', 'inherit', 'inherit']
	});
	const exited = new Promise((resolve) => web.once('exit', resolve));
	const stop = async () => {
		web.kill('SIGTERM');
		await exited;
	};
	try {
		await waitForServer(baseUrl);
	} catch (error) {
		await stop();
		throw error;
	}
	return { baseUrl, stop };
}
