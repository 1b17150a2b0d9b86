// The data dir's lock, on a real embedded PostgreSQL in a private folder (mkdtemp: mode 0700): one
// owner at a time, a refusal that names the owner, and a stale lock cleared. (The launcher, the CLI
// beside it and PostgreSQL killed under it: src/cli/start.integration.test.ts.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { EmbeddedPostgresError, removeEmbeddedData, startEmbeddedPostgres } from './embedded.ts';

async function answers(url: string): Promise<boolean> {
	const client = new pg.Client({ connectionString: url });
	try {
		await client.connect();
		return (await client.query('select 1 as one')).rows[0]?.one === 1;
	} finally {
		await client.end();
	}
}

describe('one embedded PostgreSQL per data dir', () => {
	const dataDirs: string[] = [];
	const privateDataDir = () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-lock-'));
		dataDirs.push(dir);
		return dir;
	};
	afterEach(() => {
		for (const dir of dataDirs.splice(0)) removeEmbeddedData(dir);
	});

	it('lets one of two simultaneous starts own the data dir and refuses the other, naming the owner', async () => {
		const dataDir = privateDataDir();
		const owner = { role: 'benchmark' as const, command: 'npm run bench' };
		const results = await Promise.allSettled([
			startEmbeddedPostgres({ dataDir, owner }),
			startEmbeddedPostgres({ dataDir, owner })
		]);
		const started = results.filter((r) => r.status === 'fulfilled');
		const refused = results.filter((r) => r.status === 'rejected');
		expect(started).toHaveLength(1);
		expect(refused).toHaveLength(1);
		const reason = (refused[0] as PromiseRejectedResult).reason as Error;
		expect(reason).toBeInstanceOf(EmbeddedPostgresError);
		expect(reason.message).toBe(
			`npm run bench (pid ${process.pid}) is using ${dataDir}: wait for it to finish or stop it, then try again.`
		);
		const db = (started[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof startEmbeddedPostgres>>>)
			.value;
		expect(await answers(db.url)).toBe(true);
		await db.stop();
		expect(fs.existsSync(path.join(dataDir, 'casebook.lock'))).toBe(false);
	}, 60_000);

	it('clears the lock of a process that is gone, says so, and starts', async () => {
		const dataDir = privateDataDir();
		const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
			encoding: 'utf8'
		});
		const deadPid = Number(gone.stdout);
		fs.writeFileSync(
			path.join(dataDir, 'casebook.lock'),
			JSON.stringify({
				pid: deadPid,
				role: 'launcher',
				command: 'npm start',
				startedAt: new Date().toISOString()
			})
		);
		const lines: string[] = [];
		const db = await startEmbeddedPostgres({ dataDir, log: (l) => lines.push(l) });
		try {
			expect(lines).toContain(
				`cleared a stale lock on ${dataDir}: npm start (pid ${deadPid}) is no longer running`
			);
			expect(await answers(db.url)).toBe(true);
			const lock = JSON.parse(fs.readFileSync(path.join(dataDir, 'casebook.lock'), 'utf8')) as {
				pid: number;
			};
			expect(lock.pid).toBe(process.pid);
		} finally {
			await db.stop();
		}
	}, 60_000);
});
