// Fault injection scenarios (issue 10), shared by `npm run chaos` (e2e/bench/chaos.ts, which prints
// figures) and the short form in `npm test` (chaos.integration.test.ts, which asserts them). Each
// run gets its own embedded PostgreSQL on a throwaway data dir (never the test database or .data)
// and the real processes: the worker (`node worker/index.ts`, SMS through the twilio SDK to the
// local stand-in) and the built web server.
//   restart      PostgreSQL stopped and started again while the worker works a stream of escalations
//   kill-worker  the worker SIGKILLed again and again during a burst of escalations
//   kill-web     the web server SIGKILLed while clients send cases to three teams and merge cases;
//                afterwards every case is checked whole or absent (nothing half-written)
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { PgBoss } from 'pg-boss';
import {
	freePort,
	removeEmbeddedData,
	startEmbeddedPostgres,
	type EmbeddedDatabase
} from '../../../../db/embedded.ts';
import { buildIfNeeded } from '../../../cli/build.ts';
import { defaultEscalationPolicy } from '../../schemas/team.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { createSession } from '../auth/sessions.service.ts';
import { User } from '../auth/user.entity.ts';
import { sendCase } from '../routing/routing.service.ts';
import { Case } from '../cases/case.entity.ts';
import { mergeCases } from '../cases/cases.service.ts';
import { setOrm } from '../db/orm.ts';
import { initOrm, migrate } from '../app/orm.ts';
import { jobContracts } from '../app/jobs.ts';
import { createBoss, installJobSchema, setBoss } from '../jobs/boss.ts';
import { Patient } from '../patients/patient.entity.ts';
import { Team, TeamMember } from '../teams/team.entity.ts';
import { actorFor } from './factories.ts';
import { startTwilioStandin, type TwilioStandin } from './twilio-standin.ts';

export const root = path.resolve(import.meta.dirname, '../../../..');
const MINUTE = 60_000;
/** The default Urgent policy pages by SMS 5 minutes after sending. */
const URGENT_AFTER_MS = 5 * MINUTE;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitUntil(
	predicate: () => boolean | Promise<boolean>,
	timeoutMs: number
): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (await predicate()) return true;
		await sleep(100);
	}
	return predicate();
}

function exitOf(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
	return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
	const exited = exitOf(child);
	if (child.exitCode === null && child.signalCode === null) child.kill(signal);
	await exited;
}

// ---------------------------------------------------------------------------------------------
// The environment: a throwaway PostgreSQL, this process's ORM and send-only pg-boss (to send cases
// as the web app would), the Twilio stand-in, and the logs of the processes it starts.

export interface ChaosEnv {
	url: string;
	dataDir: string;
	orm: MikroORM;
	sms: TwilioStandin;
	log: (line: string) => void;
	/** Stops PostgreSQL (fast shutdown: open transactions roll back) and starts it on the same port. */
	restartDatabase(downMs: number): Promise<{ stoppedAt: number; backAt: number }>;
	close(): Promise<void>;
}

export async function openChaosEnv(log: (line: string) => void = () => undefined): Promise<ChaosEnv> {
	const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'casebook-chaos-'));
	const owner = { role: 'test' as const, command: 'the fault-injection run' };
	let db: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir, owner });
	const url = db.url;
	let orm: MikroORM | undefined;
	let boss: PgBoss | undefined;
	let sms: TwilioStandin | undefined;
	try {
		// What the CLI's prepareDatabase does, without the migrator's progress lines.
		orm = await initOrm(url, { pool: { min: 0, max: 6 }, logger: () => undefined });
		await migrate(orm);
		await installJobSchema(url, jobContracts);
		setOrm(orm);
		boss = createBoss(url, { supervise: false, schedule: false, migrate: false, max: 3 });
		await boss.start();
		setBoss(boss);
		sms = await startTwilioStandin();
	} catch (error) {
		await boss?.stop({ graceful: false }).catch(() => undefined);
		await orm?.close().catch(() => undefined);
		await db.stop();
		removeEmbeddedData(dataDir);
		throw error;
	}
	log(`PostgreSQL on port ${db.port}, data in ${dataDir}`);
	return {
		url,
		dataDir,
		orm,
		sms,
		log,
		async restartDatabase(downMs) {
			await db.stop();
			const stoppedAt = Date.now();
			await sleep(downMs);
			db = await startEmbeddedPostgres({ dataDir, port: db.port, owner });
			return { stoppedAt, backAt: Date.now() };
		},
		async close() {
			await sms!.close();
			await boss!.stop({ graceful: false }).catch(() => undefined);
			await orm!.close().catch(() => undefined);
			setBoss(undefined);
			setOrm(undefined);
			await db.stop();
			if (process.env.KEEP_CHAOS_DATA === '1') log(`kept ${dataDir}`);
			else removeEmbeddedData(dataDir);
		}
	};
}

/** Our own short-lived client: this process's pool may hold connections PostgreSQL has dropped. */
export async function query<T extends pg.QueryResultRow>(env: ChaosEnv, sql: string, params: unknown[] = []) {
	const client = new pg.Client({ connectionString: env.url });
	await client.connect();
	try {
		return (await client.query<T>(sql, params)).rows;
	} finally {
		await client.end();
	}
}

export function logFile(env: ChaosEnv, name: string): number {
	return fs.openSync(path.join(env.dataDir, name), 'a');
}

/** The last lines of a process log, to show when something went wrong. */
export function tailOf(env: ChaosEnv, name: string, chars = 3000): string {
	const file = path.join(env.dataDir, name);
	return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').slice(-chars) : '';
}

// ---------------------------------------------------------------------------------------------
// The worker and the escalation stream

export function startWorker(env: ChaosEnv): ChildProcess {
	const out = logFile(env, 'worker.log');
	const child = spawn(process.execPath, [path.join(root, 'worker', 'index.ts')], {
		cwd: root,
		env: {
			...process.env,
			DATABASE_URL: env.url,
			TWILIO_ACCOUNT_SID: env.sms.accountSid,
			TWILIO_AUTH_TOKEN: env.sms.authToken,
			TWILIO_FROM: env.sms.from,
			TWILIO_API_URL: env.sms.url,
			TWILIO_MESSAGING_SERVICE_SID: '',
			SMTP_URL: '',
			LOG_LEVEL: 'warn',
			CASEBOOK_SERVICE: 'chaos-worker'
		},
		stdio: ['ignore', out, out]
	});
	fs.closeSync(out);
	return child;
}

/** Resolves once the worker has recorded its first heartbeat (its queues are being worked). */
async function workerReady(env: ChaosEnv, child: ChildProcess, timeoutMs = 30_000): Promise<void> {
	const id = `${os.hostname()}:${child.pid}`;
	const ready = await waitUntil(
		async () =>
			child.exitCode === null &&
			(await query(env, 'select 1 from worker_heartbeat where id = $1', [id])).length > 0,
		timeoutMs
	);
	if (!ready) throw new Error(`the worker did not start:\n${tailOf(env, 'worker.log')}`);
}

export interface PagedTeam {
	teamId: string;
	senderId: string;
	mobile: string;
}

let mobiles = 0;

/** A team with one member with a mobile, so each Urgent case is exactly one SMS to that number. */
export async function createPagedTeam(env: ChaosEnv, label: string): Promise<PagedTeam> {
	const em = env.orm.em.fork();
	const suffix = Math.random().toString(36).slice(2, 8);
	mobiles += 1;
	const mobile = `+6149157${String(1000 + mobiles).slice(-4)}`;
	const sender = em.create(User, {
		kind: 'staff',
		name: `Chaos sender ${suffix}`,
		email: `chaos-sender-${suffix}@chaos.test`,
		roles: ['scheduler']
	});
	const member = em.create(User, {
		kind: 'staff',
		name: `Chaos member ${suffix}`,
		email: `chaos-member-${suffix}@chaos.test`,
		mobile,
		roles: ['practitioner']
	});
	const team = em.create(Team, { name: `${label} ${suffix}`, escalationPolicy: defaultEscalationPolicy() });
	em.create(TeamMember, { team, user: member, isLead: true });
	await em.flush();
	return { teamId: team.id, senderId: sender.id, mobile };
}

/** Sends `count` Urgent cases whose SMS step falls due at `dueAt(i)` (sent back-dated by 5 minutes). */
export async function sendDueCases(
	env: ChaosEnv,
	team: PagedTeam,
	count: number,
	dueAt: (i: number) => number,
	label: string
): Promise<Map<string, number>> {
	const sender = await env.orm.em.fork().findOneOrFail(User, { id: team.senderId });
	const actor = actorFor(sender);
	const due = new Map<string, number>();
	for (let i = 0; i < count; i += 1) {
		const at = dueAt(i);
		const { id } = await sendCase(
			env.orm.em.fork(),
			actor,
			{ subject: `${label} ${i}`, teamIds: [team.teamId], priority: 'urgent' },
			new Date(at - URGENT_AFTER_MS)
		);
		due.set(id, at);
	}
	return due;
}

function caseIdOf(body: string): string | null {
	return /\/cases\/(\d+)/.exec(body)?.[1] ?? null;
}

/** SMS per case id, for the cases in `due`. */
function smsByCase(env: ChaosEnv, team: PagedTeam, due: Map<string, number>) {
	const byCase = new Map<string, Date[]>();
	for (const m of env.sms.messages) {
		const id = m.to === team.mobile ? caseIdOf(m.body) : null;
		if (id && due.has(id)) byCase.set(id, [...(byCase.get(id) ?? []), m.receivedAt]);
	}
	return byCase;
}

/** Seconds from each step's due time to its first SMS: the median and the worst. */
export function lateness(byCase: Map<string, Date[]>, due: Map<string, number>) {
	const late = [...byCase.entries()]
		.map(([id, list]) => (Math.min(...list.map((t) => t.getTime())) - due.get(id)!) / 1000)
		.sort((a, b) => a - b);
	return { p50: late.length ? late[Math.floor((late.length - 1) / 2)]! : null, max: late.at(-1) ?? null };
}

export function lossCounts(env: ChaosEnv, team: PagedTeam, due: Map<string, number>) {
	const byCase = smsByCase(env, team, due);
	const missed = [...due.keys()].filter((id) => !byCase.has(id)).length;
	const duplicates = [...byCase.values()].reduce((sum, list) => sum + list.length - 1, 0);
	return { byCase, missed, duplicates };
}

// ---------------------------------------------------------------------------------------------
// a. PostgreSQL restarted under a working worker

export interface RestartOptions {
	/** Urgent steps in the stream. */
	steps: number;
	/** The steps fall due evenly over this many seconds. */
	windowSeconds: number;
	/** PostgreSQL stays down this long (stopped a third of the way into the stream). */
	downSeconds: number;
	/** Give up waiting for the SMS this long after PostgreSQL is back. */
	timeoutSeconds: number;
}

export interface RestartReport {
	steps: number;
	downSeconds: number;
	sent: number;
	missed: number;
	duplicates: number;
	/** From PostgreSQL accepting connections again to the worker's first SMS. */
	resumeSeconds: number | null;
	/** From PostgreSQL back to the last SMS of a step that fell due before it was back. */
	backlogSeconds: number | null;
	/** Seconds from a step's due time to its (first) SMS. */
	lateness: { p50: number | null; max: number | null };
	/** The same worker process throughout (it reconnected rather than died). */
	workerSurvived: boolean;
}

export async function restartDatabaseDuringEscalations(
	env: ChaosEnv,
	options: RestartOptions
): Promise<RestartReport> {
	const team = await createPagedTeam(env, 'Restart team');
	const worker = startWorker(env);
	try {
		await workerReady(env, worker);
		const windowMs = options.windowSeconds * 1000;
		const createStart = Date.now();
		const first = createStart + Math.max(5000, options.steps * 40);
		env.log(`restart: ${options.steps} Urgent steps due over ${options.windowSeconds} s`);
		const due = await sendDueCases(
			env,
			team,
			options.steps,
			(i) => first + Math.floor((i / options.steps) * windowMs),
			'Restart'
		);
		await sleep(Math.max(0, first + windowMs / 3 - Date.now()));
		const before = env.sms.messages.length;
		env.log(`restart: stopping PostgreSQL for ${options.downSeconds} s (${before} SMS so far)`);
		const { backAt } = await env.restartDatabase(options.downSeconds * 1000);
		env.log('restart: PostgreSQL is back; waiting for every step');
		await waitUntil(
			() => lossCounts(env, team, due).missed === 0 || worker.exitCode !== null,
			options.timeoutSeconds * 1000
		);
		// Late duplicates (a retry of an SMS sent just before the stop) arrive within a few seconds.
		await sleep(2000);
		const { byCase, missed, duplicates } = lossCounts(env, team, due);
		const after = [...byCase.values()].flat().filter((t) => t.getTime() >= backAt);
		const firstAfter = after.length ? Math.min(...after.map((t) => t.getTime())) : null;
		const backlog = [...byCase.entries()]
			.filter(([id]) => due.get(id)! < backAt)
			.map(([, list]) => Math.min(...list.map((t) => t.getTime())))
			.filter((t) => t >= backAt);
		return {
			steps: options.steps,
			downSeconds: options.downSeconds,
			sent: byCase.size,
			missed,
			duplicates,
			resumeSeconds: firstAfter === null ? null : (firstAfter - backAt) / 1000,
			backlogSeconds: backlog.length ? (Math.max(...backlog) - backAt) / 1000 : null,
			lateness: lateness(byCase, due),
			workerSurvived: worker.exitCode === null && worker.signalCode === null
		};
	} finally {
		await stopChild(worker, 'SIGTERM');
	}
}

// ---------------------------------------------------------------------------------------------
// b. The worker SIGKILLed again and again during a burst

export interface WorkerKillOptions {
	steps: number;
	windowSeconds: number;
	kills: number;
	timeoutSeconds: number;
}

export interface WorkerKillReport {
	steps: number;
	kills: number;
	stepsRecorded: number;
	sent: number;
	missed: number;
	duplicates: number;
	/** SMS notifications in 'sending' (between the provider call and our commit) when a kill came. */
	sendingAtKill: number;
	/** Seconds from a step's due time to its (first) SMS. */
	lateness: { p50: number | null; max: number | null };
}

export async function killWorkerDuringBurst(
	env: ChaosEnv,
	options: WorkerKillOptions
): Promise<WorkerKillReport> {
	const team = await createPagedTeam(env, 'Kill team');
	let worker = startWorker(env);
	try {
		await workerReady(env, worker);
		const windowMs = options.windowSeconds * 1000;
		const first = Date.now() + Math.max(5000, options.steps * 40);
		env.log(`kill-worker: ${options.steps} Urgent steps due over ${options.windowSeconds} s`);
		const due = await sendDueCases(
			env,
			team,
			options.steps,
			(i) => first + Math.floor((i / options.steps) * windowMs),
			'Kill'
		);
		const ids = [...due.keys()];
		await sleep(Math.max(0, first - Date.now()));
		const sendingAtKill = new Set<string>();
		// Each kill lands at a random moment once the (re)started worker is working the queues.
		for (let k = 0; k < options.kills; k += 1) {
			await workerReady(env, worker);
			await sleep(200 + Math.random() * 1000);
			const sending = await query<{ id: string }>(
				env,
				`select id::text as id from notification where status = 'sending' and related_type = 'case' and related_id = any($1)`,
				[ids]
			);
			await stopChild(worker, 'SIGKILL');
			for (const row of sending) sendingAtKill.add(row.id);
			worker = startWorker(env);
		}
		env.log(
			`kill-worker: ${options.kills} kills done; waiting for pg-boss to retry the jobs of dead workers`
		);
		await waitUntil(() => lossCounts(env, team, due).missed === 0, options.timeoutSeconds * 1000);
		await sleep(2000);
		const { byCase, missed, duplicates } = lossCounts(env, team, due);
		const [steps] = await query<{ n: string }>(
			env,
			'select count(*) as n from case_escalation_step where case_id = any($1)',
			[ids]
		);
		return {
			steps: options.steps,
			kills: options.kills,
			stepsRecorded: Number(steps?.n ?? 0),
			sent: byCase.size,
			missed,
			duplicates,
			sendingAtKill: sendingAtKill.size,
			lateness: lateness(byCase, due)
		};
	} finally {
		await stopChild(worker, 'SIGTERM');
	}
}

// ---------------------------------------------------------------------------------------------
// c. The process doing multi-row writes SIGKILLed mid-write
//
// Two writes of several rows each: `cases.send` to three teams (the case, three case_team rows, a
// 'sent' event, the audit event and three case.escalate jobs, one transaction) and `cases.merge`
// (appointments moved, the source closed and pointed at the target, notes, two audit events).
// The victim is the built web server over HTTP (`mode: 'http'`), or, where no build may be made (the
// short form inside `npm test`), a child process calling the same services (`mode: 'direct'`).

interface WritePlan {
	runId: string;
	senderId: string;
	teamIds: string[];
	pairs: { sourceId: string; targetId: string }[];
}

type WriteOp = { kind: 'send'; subject: string } | { kind: 'merge'; sourceId: string; targetId: string };

function opAt(plan: WritePlan, i: number): WriteOp {
	const pair = i % 2 === 1 ? plan.pairs[(i - 1) / 2] : undefined;
	return pair ? { kind: 'merge', ...pair } : { kind: 'send', subject: `Chaos ${plan.runId} send ${i}` };
}

interface PairSetup {
	sourceId: string;
	targetId: string;
	sourceAppointments: string[];
	targetAppointments: string[];
}

async function createWritePlan(env: ChaosEnv, pairCount: number) {
	const em = env.orm.em.fork();
	const runId = Math.random().toString(36).slice(2, 8);
	const sender = em.create(User, {
		kind: 'staff',
		name: `Chaos writer ${runId}`,
		email: `chaos-writer-${runId}@chaos.test`,
		roles: ['scheduler']
	});
	const practitioner = em.create(User, {
		kind: 'staff',
		name: `Chaos physio ${runId}`,
		email: `chaos-physio-${runId}@chaos.test`,
		roles: ['practitioner']
	});
	const type = em.create(AppointmentType, {
		name: `Chaos consult ${runId}`,
		durationMinutes: 30,
		priceCents: 9000
	});
	const teams = [1, 2, 3].map((n) => {
		const member = em.create(User, {
			kind: 'staff',
			name: `Chaos member ${runId} ${n}`,
			email: `chaos-member-${runId}-${n}@chaos.test`,
			roles: ['practitioner']
		});
		const team = em.create(Team, {
			name: `Chaos team ${runId} ${n}`,
			escalationPolicy: defaultEscalationPolicy()
		});
		em.create(TeamMember, { team, user: member });
		return team;
	});
	// Each pair: one patient, a source case with two appointments and notes, a target with one.
	const base = Date.UTC(2032, 0, 1) + Math.floor(Math.random() * 1000) * 86_400_000;
	let hour = 0;
	const appointment = (patient: Patient, caseRow: Case) => {
		const startsAt = new Date(base + hour++ * 3_600_000);
		return em.create(Appointment, {
			patient,
			practitioner,
			appointmentType: type,
			startsAt,
			endsAt: new Date(startsAt.getTime() + 30 * 60_000),
			case: caseRow
		});
	};
	const built = Array.from({ length: pairCount }, (_, i) => {
		const patient = em.create(Patient, {
			firstName: 'Chaos',
			lastName: `Patient ${runId} ${i}`,
			phoneNumbers: [],
			medicalAlerts: []
		});
		const source = em.create(Case, {
			name: `Chaos ${runId} source ${i}`,
			patient,
			issuedOn: '2031-06-01',
			notes: `Notes of source ${i}`
		});
		const target = em.create(Case, { name: `Chaos ${runId} target ${i}`, patient, issuedOn: '2031-06-02' });
		return {
			source,
			target,
			sourceAppointments: [appointment(patient, source), appointment(patient, source)],
			targetAppointments: [appointment(patient, target)]
		};
	});
	await em.flush();
	const pairs: PairSetup[] = built.map((b) => ({
		sourceId: b.source.id,
		targetId: b.target.id,
		sourceAppointments: b.sourceAppointments.map((a) => a.id),
		targetAppointments: b.targetAppointments.map((a) => a.id)
	}));
	const plan: WritePlan = {
		runId,
		senderId: sender.id,
		teamIds: teams.map((t) => t.id),
		pairs: pairs.map(({ sourceId, targetId }) => ({ sourceId, targetId }))
	};
	return { plan, pairs, sender };
}

export interface WriteCheck {
	sends: { cases: number; whole: number; halfWritten: number; orphanJobs: number; orphanAudits: number };
	merges: { pairs: number; merged: number; untouched: number; halfWritten: number };
	/** Writes the client was told succeeded whose rows are missing. */
	lostCommitted: number;
	/** The first problems found, for the report. */
	problems: string[];
}

const sortIds = (ids: string[]) => [...ids].sort((a, b) => Number(a) - Number(b));
const sameIds = (a: string[], b: string[]) => sortIds(a).join(',') === sortIds(b).join(',');

/** Every sent case is whole (all its rows and jobs) and every merge pair is fully merged or untouched. */
async function checkWrites(
	env: ChaosEnv,
	plan: WritePlan,
	pairs: PairSetup[],
	committed: { sends: Set<string>; merges: Set<string> }
): Promise<WriteCheck> {
	const problems: string[] = [];
	const teams = plan.teamIds.length;
	const sends = await query<{
		id: string;
		name: string;
		teams: string;
		events: string;
		audits: string;
		jobs: string;
	}>(
		env,
		`select c.id::text as id, c.name,
		   (select count(*) from case_team ct where ct.case_id = c.id) as teams,
		   (select count(*) from case_event e where e.case_id = c.id and e.kind = 'sent') as events,
		   (select count(*) from audit_event a where a.action = 'case.send' and a.record_id = c.id::text) as audits,
		   (select count(*) from pgboss.job j where j.name = 'case.escalate' and j.data->>'caseId' = c.id::text) as jobs
		 from clinic_case c where c.name like $1`,
		[`Chaos ${plan.runId} send %`]
	);
	let whole = 0;
	for (const row of sends) {
		const ok =
			Number(row.teams) === teams &&
			Number(row.events) === 1 &&
			Number(row.audits) === 1 &&
			Number(row.jobs) === teams;
		if (ok) whole += 1;
		else
			problems.push(
				`case ${row.id} "${row.name}": ${row.teams} teams, ${row.events} sent events, ${row.audits} audit events, ${row.jobs} jobs`
			);
	}
	const [orphans] = await query<{ jobs: string; audits: string }>(
		env,
		`select
		   (select count(*) from pgboss.job j where j.name = 'case.escalate'
		      and not exists (select 1 from clinic_case c where c.id::text = j.data->>'caseId')) as jobs,
		   (select count(*) from audit_event a where a.action = 'case.send'
		      and not exists (select 1 from clinic_case c where c.id::text = a.record_id)) as audits`
	);
	const names = new Set(sends.map((s) => s.name));
	let lostCommitted = [...committed.sends].filter((subject) => !names.has(subject)).length;

	const rows = await query<{
		id: string;
		status: string;
		closed_at: Date | null;
		merged_into: string | null;
		notes: string | null;
		appointments: string[] | null;
		audits: string;
	}>(
		env,
		`select c.id::text as id, c.status, c.closed_at, c.merged_into_id::text as merged_into, c.notes,
		   (select array_agg(a.id::text) from appointment a where a.case_id = c.id) as appointments,
		   (select count(*) from audit_event a where a.record_id = c.id::text
		      and a.action in ('case.merge', 'case.merged_into')) as audits
		 from clinic_case c where c.id = any($1::bigint[])`,
		[pairs.flatMap((p) => [p.sourceId, p.targetId])]
	);
	const byId = new Map(rows.map((r) => [r.id, r]));
	let merged = 0;
	let untouched = 0;
	for (const pair of pairs) {
		const source = byId.get(pair.sourceId);
		const target = byId.get(pair.targetId);
		if (!source || !target) {
			problems.push(`pair ${pair.sourceId} → ${pair.targetId}: a case is missing`);
			continue;
		}
		const onSource = source.appointments ?? [];
		const onTarget = target.appointments ?? [];
		const isMerged =
			source.merged_into === pair.targetId &&
			source.status === 'closed' &&
			source.closed_at !== null &&
			onSource.length === 0 &&
			sameIds(onTarget, [...pair.sourceAppointments, ...pair.targetAppointments]) &&
			(target.notes ?? '').includes(`(#${pair.sourceId})`) &&
			Number(source.audits) === 1 &&
			Number(target.audits) === 1;
		const isUntouched =
			source.merged_into === null &&
			source.status === 'open' &&
			source.closed_at === null &&
			sameIds(onSource, pair.sourceAppointments) &&
			sameIds(onTarget, pair.targetAppointments) &&
			target.notes === null &&
			Number(source.audits) === 0 &&
			Number(target.audits) === 0;
		if (isMerged) merged += 1;
		else if (isUntouched) {
			untouched += 1;
			if (committed.merges.has(pair.sourceId)) lostCommitted += 1;
		} else
			problems.push(
				`pair ${pair.sourceId} → ${pair.targetId}: source ${source.status}, merged into ${source.merged_into}, ${onSource.length} + ${onTarget.length} appointments, ${source.audits} + ${target.audits} audit events`
			);
	}
	return {
		sends: {
			cases: sends.length,
			whole,
			halfWritten: sends.length - whole,
			orphanJobs: Number(orphans?.jobs ?? 0),
			orphanAudits: Number(orphans?.audits ?? 0)
		},
		merges: { pairs: pairs.length, merged, untouched, halfWritten: pairs.length - merged - untouched },
		lostCommitted,
		problems
	};
}

export interface WriteKillOptions {
	mode: 'http' | 'direct';
	kills: number;
	/** Merge pairs prepared (each is tried once); as many sends run between them. */
	pairs: number;
	/** Concurrent writers. */
	clients: number;
}

export interface WriteKillReport extends WriteCheck {
	mode: 'http' | 'direct';
	kills: number;
	attempted: number;
	committed: number;
	/** In flight at a kill: their outcome is unknown to the client, and must be all or nothing. */
	interrupted: number;
	/** Answered with an error other than the kill (shown in `errors`). */
	failed: number;
	errors: string[];
}

/** Runs the writes against a victim that `start()` starts and the loop kills `kills` times. */
interface Victim {
	start(from: number): Promise<void>;
	kill(): Promise<void>;
	stop(): Promise<void>;
}

interface WriteTally {
	next: number;
	attempted: number;
	committed: { sends: Set<string>; merges: Set<string> };
	interrupted: number;
	failed: number;
	errors: string[];
}

function newTally(): WriteTally {
	return {
		next: 0,
		attempted: 0,
		committed: { sends: new Set(), merges: new Set() },
		interrupted: 0,
		failed: 0,
		errors: []
	};
}

function record(tally: WriteTally, op: WriteOp): void {
	if (op.kind === 'send') tally.committed.sends.add(op.subject);
	else tally.committed.merges.add(op.sourceId);
}

/** The web server over HTTP: tRPC mutations as a signed-in scheduler would send them. */
async function httpVictim(env: ChaosEnv, plan: WritePlan, sender: User, tally: WriteTally, clients: number) {
	await buildIfNeeded(env.log);
	const { token } = await createSession(env.orm.em.fork(), {
		user: sender,
		policy: { idleMinutes: 120, absoluteHours: 2 }
	});
	const port = await freePort();
	const baseUrl = `http://127.0.0.1:${port}`;
	let web: ChildProcess | undefined;
	let stopping = false;
	let killing = false;
	// Clients wait on `up` while the server is down, so no write is spent on a refused connection.
	let markUp: () => void = () => undefined;
	let up = new Promise<void>((resolve) => (markUp = resolve));
	const markDown = () => {
		up = new Promise<void>((resolve) => (markUp = resolve));
	};

	const call = async (op: WriteOp) => {
		const [procedure, input] =
			op.kind === 'send'
				? ['cases.send', { subject: op.subject, teamIds: plan.teamIds, priority: 'urgent' }]
				: ['cases.merge', { sourceId: op.sourceId, targetId: op.targetId }];
		const response = await fetch(`${baseUrl}/api/trpc/${procedure}`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				origin: baseUrl,
				cookie: `casebook_session=${token}`
			},
			body: JSON.stringify({ json: input })
		});
		const body = await response.text();
		return { ok: response.ok, status: response.status, body };
	};
	const loops = Array.from({ length: clients }, async () => {
		while (!stopping) {
			await up;
			if (stopping) break;
			const i = tally.next++;
			const op = opAt(plan, i);
			tally.attempted += 1;
			try {
				const result = await call(op);
				if (result.ok) record(tally, op);
				else {
					tally.failed += 1;
					if (tally.errors.length < 5)
						tally.errors.push(`${op.kind} → ${result.status} ${result.body.slice(0, 300)}`);
				}
			} catch (error) {
				if (killing || web?.exitCode !== null) tally.interrupted += 1;
				else {
					tally.failed += 1;
					if (tally.errors.length < 5) tally.errors.push(`${op.kind} → ${String(error)}`);
				}
			}
		}
	});
	const victim: Victim = {
		async start() {
			const out = logFile(env, 'web.log');
			web = spawn(process.execPath, [path.join(root, 'build', 'index.js')], {
				cwd: root,
				env: {
					...process.env,
					DATABASE_URL: env.url,
					PORT: String(port),
					HOST: '127.0.0.1',
					ORIGIN: baseUrl,
					LOG_LEVEL: 'warn',
					NODE_ENV: 'production',
					CASEBOOK_SERVICE: 'chaos-web'
				},
				stdio: ['ignore', out, out]
			});
			fs.closeSync(out);
			const ready = await waitUntil(async () => {
				if (web!.exitCode !== null) return true;
				try {
					await fetch(`${baseUrl}/healthz`);
					return true;
				} catch {
					return false;
				}
			}, 30_000);
			if (!ready || web.exitCode !== null)
				throw new Error(`the web server did not start:\n${tailOf(env, 'web.log')}`);
			killing = false;
			markUp();
		},
		async kill() {
			killing = true;
			markDown();
			await stopChild(web!, 'SIGKILL');
		},
		async stop() {
			stopping = true;
			markUp();
			await Promise.all(loops);
			await stopChild(web!, 'SIGTERM');
		}
	};
	return victim;
}

/** A child process (this file with `--writer`) calling the services the tRPC procedures call. */
function directVictim(env: ChaosEnv, plan: WritePlan, tally: WriteTally, clients: number): Victim {
	let writer: ChildProcess | undefined;
	let inFlight = new Map<number, WriteOp>();
	let settled: Promise<void> = Promise.resolve();
	const start = async (from: number) => {
		const err = logFile(env, 'writer.log');
		writer = spawn(process.execPath, [import.meta.filename, '--writer'], {
			cwd: root,
			env: {
				...process.env,
				DATABASE_URL: env.url,
				LOG_LEVEL: 'warn',
				CASEBOOK_SERVICE: 'chaos-writer',
				CHAOS_WRITER: JSON.stringify({ plan, from, clients })
			},
			stdio: ['ignore', 'pipe', err]
		});
		fs.closeSync(err);
		inFlight = new Map();
		const lines = readline.createInterface({ input: writer.stdout! });
		let ready = () => undefined as void;
		const isReady = new Promise<void>((resolve) => (ready = resolve));
		settled = new Promise<void>((resolve) => lines.once('close', () => resolve()));
		lines.on('line', (line) => {
			const [what, index, ...rest] = line.split(' ');
			const i = Number(index);
			if (what === 'ready') ready();
			else if (what === 'start') {
				inFlight.set(i, opAt(plan, i));
				tally.attempted += 1;
				tally.next = Math.max(tally.next, i + 1);
			} else if (what === 'done') {
				record(tally, opAt(plan, i));
				inFlight.delete(i);
			} else if (what === 'fail') {
				inFlight.delete(i);
				tally.failed += 1;
				if (tally.errors.length < 5) tally.errors.push(`${opAt(plan, i).kind} → ${rest.join(' ')}`);
			}
		});
		await Promise.race([isReady, exitOf(writer)]);
		if (writer.exitCode !== null) throw new Error(`the writer did not start:\n${tailOf(env, 'writer.log')}`);
	};
	return {
		start,
		async kill() {
			await stopChild(writer!, 'SIGKILL');
			await settled;
			tally.interrupted += inFlight.size;
		},
		async stop() {
			// SIGTERM: the writer finishes the writes in hand, takes no more, and exits.
			await stopChild(writer!, 'SIGTERM');
			await settled;
			tally.interrupted += inFlight.size;
		}
	};
}

export async function killWriterDuringWrites(
	env: ChaosEnv,
	options: WriteKillOptions
): Promise<WriteKillReport> {
	const { plan, pairs, sender } = await createWritePlan(env, options.pairs);
	const tally = newTally();
	const victim =
		options.mode === 'http'
			? await httpVictim(env, plan, sender, tally, options.clients)
			: directVictim(env, plan, tally, options.clients);
	env.log(
		`kill-web: ${options.clients} clients sending cases to 3 teams and merging cases (${options.mode}); ${options.kills} kills`
	);
	let stopped = false;
	try {
		await victim.start(0);
		// Kill while writes are in hand: after a few more have started, at a random moment.
		for (let k = 0; k < options.kills; k += 1) {
			const target = tally.attempted + options.clients * 2 + Math.floor(Math.random() * options.clients * 4);
			await waitUntil(() => tally.attempted >= target, 30_000);
			await sleep(Math.random() * 40);
			await victim.kill();
			await victim.start(tally.next);
		}
		await sleep(500);
		await victim.stop();
		stopped = true;
	} finally {
		// Never leave the victim running when something above failed.
		if (!stopped) await victim.kill().catch(() => undefined);
	}
	const check = await checkWrites(env, plan, pairs, tally.committed);
	return {
		mode: options.mode,
		kills: options.kills,
		attempted: tally.attempted,
		committed: tally.committed.sends.size + tally.committed.merges.size,
		interrupted: tally.interrupted,
		failed: tally.failed,
		errors: tally.errors,
		...check
	};
}

/** `--writer`: the direct-mode victim. Prints `start i`, then `done i` once the write committed. */
async function runWriter(): Promise<void> {
	const { plan, from, clients } = JSON.parse(process.env.CHAOS_WRITER!) as {
		plan: WritePlan;
		from: number;
		clients: number;
	};
	const url = process.env.DATABASE_URL!;
	const orm = await initOrm(url, { pool: { min: 0, max: clients + 2 } });
	setOrm(orm);
	const boss = createBoss(url, { supervise: false, schedule: false, migrate: false, max: 2 });
	await boss.start();
	setBoss(boss);
	const sender = await orm.em.fork().findOneOrFail(User, { id: plan.senderId });
	const actor = actorFor(sender);
	let next = from;
	let stopping = false;
	process.on('SIGTERM', () => (stopping = true));
	const say = (line: string) => process.stdout.write(`${line}\n`);
	say('ready');
	await Promise.all(
		Array.from({ length: clients }, async () => {
			while (!stopping && next < from + 100_000) {
				const i = next++;
				const op = opAt(plan, i);
				say(`start ${i}`);
				try {
					if (op.kind === 'send')
						await sendCase(orm.em.fork(), actor, {
							subject: op.subject,
							teamIds: plan.teamIds,
							priority: 'urgent'
						});
					else await mergeCases(orm.em.fork(), actor, { sourceId: op.sourceId, targetId: op.targetId });
					say(`done ${i}`);
				} catch (error) {
					say(`fail ${i} ${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')}`);
				}
			}
		})
	);
	await boss.stop({ graceful: false });
	await orm.close();
}

// The direct-mode victim runs this file as a child process (see directVictim).
if (import.meta.main && process.argv.includes('--writer')) {
	await runWriter();
	process.exit(0);
}
