// The fleet check (issue 23), shared by `npm run chaos -- fleet` (e2e/bench/chaos.ts, which prints
// the figures) and its short form in `npm test` (fleet.integration.test.ts, which asserts them).
// One PostgreSQL (the chaos run's own), three web processes on their own ports and three workers,
// each started by its role's launcher (`npm run start:web` / `start:worker`, i.e. src/cli/start.ts
// --only web|worker) with the same DATABASE_URL. A mixed load goes over the three web ports (tRPC
// writes and reads with a session cookie, REST calls with one API key) while escalation steps and
// reservation expiries fall due on the workers; meanwhile one worker and one web process are
// SIGKILLed (their launchers start them again, as they would in production). Afterwards:
//   escalations    every step recorded once, its SMS sent once (a duplicate needs a kill between the
//                  provider's accept and our commit: counted, as the kill-worker scenario does)
//   daily job      case.warnings ran once for the day although three workers schedule it (the fleet
//                  is made to look as if it was down at 07:00: its catch-up is sent once)
//   reservations   each expired reservation released once (one release audit event each)
//   REST limit     200 requests a minute per key, counted in PostgreSQL across the processes
//   sessions       a sign-out and a deactivation on one web process refuse the session on the others
//                  (measured; documented bound SESSION_CACHE_MS, the NOTIFY makes it milliseconds)
//   live inbox     an event reaches a client connected to another web process (measured; within 2 s)
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../../../db/embedded.ts';
import { buildIfNeeded } from '../../../cli/build.ts';
import { defaultEscalationPolicy } from '../../schemas/team.ts';
import { reservationExpireJob } from '../appointment-requests/appointment-request.jobs.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { createApiKey } from '../auth/api-keys.service.ts';
import { SESSION_CACHE_MS } from '../auth/session-cache.ts';
import { createSession } from '../auth/sessions.service.ts';
import { User } from '../auth/user.entity.ts';
import { SYSTEM_ACTOR } from '../auth/actor.ts';
import { getConfig } from '../config.ts';
import { enqueue, getBoss } from '../jobs/boss.ts';
import { Patient } from '../patients/patient.entity.ts';
import { Team, TeamMember } from '../teams/team.entity.ts';
import {
	createPagedTeam,
	lateness,
	logFile,
	lossCounts,
	query,
	root,
	sendDueCases,
	sleep,
	stopChild,
	tailOf,
	waitUntil,
	type ChaosEnv
} from './chaos-scenarios.ts';

export interface FleetOptions {
	webs: number;
	workers: number;
	/** Urgent SMS steps falling due during the load. */
	steps: number;
	/** Reservations expiring during the load. */
	reservations: number;
	/** How long the load runs (the kills land inside it). */
	windowSeconds: number;
	/** Concurrent tRPC clients, each going round the web ports. */
	clients: number;
	/** REST requests with one key, spread over the window and the ports (over the limit on purpose). */
	apiRequests: number;
	/** Cases sent for the live-inbox measurement (each heard on every port). */
	liveSamples: number;
	timeoutSeconds: number;
	/**
	 * Start each role through its launcher (`npm run start:web` / `start:worker`, which supervise and
	 * restart their process) rather than the web and worker processes alone (what the launcher runs;
	 * the check restarts a killed one itself). Launchers double the processes to start: the short form
	 * in `npm test` goes without.
	 */
	viaLaunchers: boolean;
}

export interface FleetReport {
	viaLaunchers: boolean;
	webs: number;
	workers: number;
	startSeconds: number;
	load: { requests: number; ok: number; interrupted: number; failed: number; errors: string[] };
	kills: { web: { restartSeconds: number | null }; worker: { restartSeconds: number | null } };
	escalations: {
		steps: number;
		stepsRecorded: number;
		sent: number;
		missed: number;
		duplicates: number;
		sendingAtKill: number;
		lateness: { p50: number | null; max: number | null };
	};
	dailyJob: { jobs: number; completed: number };
	reservations: { total: number; released: number; releaseAudits: number; releasedTwice: number };
	rateLimit: { limit: number; sent: number; ok: number; limited: number; failed: number };
	sessions: {
		documentedMs: number;
		signOutMs: (number | null)[];
		deactivationMs: (number | null)[];
	};
	live: {
		samples: number;
		heard: number;
		p50Ms: number | null;
		maxMs: number | null;
		sameProcessMaxMs: number | null;
	};
}

const API_LIMIT = 200;

interface Role {
	kind: 'web' | 'worker';
	index: number;
	/** The launcher (start:web / start:worker), or the web or worker process itself. */
	proc: ChildProcess;
	port: number | null;
	baseUrl: string | null;
	/** The web or worker process (the launcher's child when there is one). */
	pid(): number | null;
	/** SIGKILLs the web or worker process; its supervisor starts it again. */
	kill(): Promise<number | null>;
}

function percentile(values: number[], p: number): number | null {
	if (!values.length) return null;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

/** The process a launcher runs (its one child), or null while it has none. */
function childOf(pid: number): number | null {
	try {
		const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
		const first = Number(children[0]);
		return Number.isInteger(first) && first > 0 ? first : null;
	} catch {
		return null;
	}
}

function startRole(
	env: ChaosEnv,
	kind: 'web' | 'worker',
	index: number,
	port: number | null,
	viaLauncher: boolean
): Role {
	const baseUrl = port ? `http://127.0.0.1:${port}` : null;
	const environment: NodeJS.ProcessEnv = {
		...process.env,
		DATABASE_URL: env.url,
		CASEBOOK_DATA_DIR: path.join(env.dataDir, 'files'),
		...(port ? { PORT: String(port), HOST: '127.0.0.1', ORIGIN: baseUrl! } : {}),
		TWILIO_ACCOUNT_SID: env.sms.accountSid,
		TWILIO_AUTH_TOKEN: env.sms.authToken,
		TWILIO_FROM: env.sms.from,
		TWILIO_API_URL: env.sms.url,
		TWILIO_MESSAGING_SERVICE_SID: '',
		SMTP_URL: '',
		LOG_LEVEL: 'warn'
	};
	// The launcher runs exactly these (src/cli/start.ts) and restarts them; without it, we do.
	const args = viaLauncher
		? [path.join(root, 'src', 'cli', 'start.ts'), '--only', kind]
		: kind === 'web'
			? [path.join(root, 'build', 'index.js')]
			: [path.join(root, 'worker', 'index.ts')];
	const extra: NodeJS.ProcessEnv = viaLauncher
		? {}
		: { NODE_ENV: 'production', CASEBOOK_SERVICE: kind, BODY_SIZE_LIMIT: '27M' };
	const spawnIt = () => {
		const out = logFile(env, `${kind}-${index}.log`);
		const child = spawn(process.execPath, args, {
			cwd: root,
			env: { ...environment, ...extra },
			stdio: ['ignore', out, out]
		});
		fs.closeSync(out);
		return child;
	};
	const role: Role = {
		kind,
		index,
		port,
		baseUrl,
		proc: spawnIt(),
		pid: () => (viaLauncher ? childOf(role.proc.pid!) : (role.proc.pid ?? null)),
		async kill() {
			const pid = role.pid();
			if (!pid) return null;
			const exited = viaLauncher ? Promise.resolve() : new Promise((r) => role.proc.once('exit', r));
			process.kill(pid, 'SIGKILL');
			await exited;
			// A supervisor starts it again (the launcher after 1 s): the same here without one.
			if (!viaLauncher) setTimeout(() => (role.proc = spawnIt()), 1000);
			return pid;
		}
	};
	return role;
}

async function webHealthy(role: Role): Promise<boolean> {
	try {
		const response = await fetch(`${role.baseUrl}/healthz?scope=web`, { signal: AbortSignal.timeout(2000) });
		return response.ok;
	} catch {
		return false;
	}
}

/** Worker ids with a heartbeat in the last few seconds. */
async function liveWorkers(env: ChaosEnv): Promise<Set<string>> {
	const rows = await query<{ id: string }>(
		env,
		`select id from worker_heartbeat where last_seen_at > now() - interval '15 seconds'`
	).catch(() => [] as { id: string }[]);
	return new Set(rows.map((r) => r.id));
}

function workerId(pid: number): string {
	return `${os.hostname()}:${pid}`;
}

/** Reads server-sent events from one web process, noting when each case's first event arrived. */
function openStream(baseUrl: string, token: string) {
	const heard = new Map<string, number>();
	const controller = new AbortController();
	let markReady: () => void = () => undefined;
	const ready = new Promise<void>((resolve) => (markReady = resolve));
	const done = (async () => {
		const response = await fetch(`${baseUrl}/inbox/live`, {
			headers: { cookie: `casebook_session=${token}`, accept: 'text/event-stream' },
			signal: controller.signal
		});
		if (!response.ok || !response.body) throw new Error(`live inbox: ${response.status}`);
		const reader = response.body.getReader();
		const decoder = new TextDecoder();
		let buffer = '';
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			buffer += decoder.decode(value, { stream: true });
			let end: number;
			while ((end = buffer.indexOf('\n\n')) >= 0) {
				const block = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				if (block.includes('event: ready')) markReady();
				const match = /event: inbox\ndata: (.*)/.exec(block);
				if (match) {
					const { caseId } = JSON.parse(match[1]!) as { caseId: string };
					if (!heard.has(caseId)) heard.set(caseId, Date.now());
				}
			}
		}
	})().catch(() => undefined);
	return { heard, ready, close: () => controller.abort(), done };
}

async function trpcCall(
	baseUrl: string,
	token: string,
	procedure: string,
	input: unknown,
	method: 'GET' | 'POST' = 'POST'
): Promise<{ status: number; body: string }> {
	const url =
		method === 'GET'
			? `${baseUrl}/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`
			: `${baseUrl}/api/trpc/${procedure}`;
	const response = await fetch(url, {
		method,
		headers: {
			cookie: `casebook_session=${token}`,
			origin: baseUrl,
			...(method === 'POST' ? { 'content-type': 'application/json' } : {})
		},
		body: method === 'POST' ? JSON.stringify({ json: input }) : undefined,
		signal: AbortSignal.timeout(15_000)
	});
	return { status: response.status, body: await response.text() };
}

/** Milliseconds until `token` is refused by the process at `baseUrl` (null: still served after `limitMs`). */
async function refusedAfter(
	baseUrl: string,
	token: string,
	since: number,
	limitMs: number
): Promise<number | null> {
	while (Date.now() - since < limitMs) {
		const { status } = await trpcCall(baseUrl, token, 'cases.inboxCount', undefined, 'GET').catch(() => ({
			status: 0
		}));
		if (status === 401) return Date.now() - since;
		await sleep(5);
	}
	return null;
}

async function staffUser(env: ChaosEnv, label: string, roles: ('admin' | 'scheduler' | 'practitioner')[]) {
	const em = env.orm.em.fork();
	const suffix = Math.random().toString(36).slice(2, 8);
	const user = em.create(User, {
		kind: 'staff',
		name: `Fleet ${label} ${suffix}`,
		email: `fleet-${label}-${suffix}@chaos.test`,
		roles
	});
	await em.flush();
	const { token } = await createSession(em, { user, policy: { idleMinutes: 120, absoluteHours: 2 } });
	return { user, token };
}

/** Reservations expiring over the window, their expiry jobs sent as the web app sends them. */
async function reserveExpiring(env: ChaosEnv, count: number, at: (i: number) => number): Promise<string[]> {
	const em = env.orm.em.fork();
	const suffix = Math.random().toString(36).slice(2, 8);
	const practitioner = em.create(User, {
		kind: 'staff',
		name: `Fleet physio ${suffix}`,
		email: `fleet-physio-${suffix}@chaos.test`,
		roles: ['practitioner']
	});
	const type = em.create(AppointmentType, {
		name: `Fleet consult ${suffix}`,
		durationMinutes: 30,
		priceCents: 9000
	});
	const patient = em.create(Patient, {
		firstName: 'Fleet',
		lastName: `Patient ${suffix}`,
		phoneNumbers: [],
		medicalAlerts: []
	});
	await em.flush();
	const base = Date.UTC(2033, 0, 1) + Math.floor(Math.random() * 1000) * 86_400_000;
	const ids: string[] = [];
	for (let i = 0; i < count; i += 1) {
		await em.fork().transactional(async (tx) => {
			const startsAt = new Date(base + i * 3_600_000);
			const expiresAt = new Date(at(i));
			const appointment = tx.create(Appointment, {
				patient: tx.getReference(Patient, patient.id),
				practitioner: tx.getReference(User, practitioner.id),
				appointmentType: tx.getReference(AppointmentType, type.id),
				startsAt,
				endsAt: new Date(startsAt.getTime() + 30 * 60_000),
				status: 'reserved',
				reservationExpiresAt: expiresAt
			});
			await tx.flush();
			await enqueue(tx, reservationExpireJob, { appointmentId: appointment.id }, { startAfter: expiresAt });
			ids.push(appointment.id);
		});
	}
	return ids;
}

export async function runFleet(env: ChaosEnv, options: FleetOptions): Promise<FleetReport> {
	await buildIfNeeded(env.log);
	const started = Date.now();
	const windowMs = options.windowSeconds * 1000;

	// The daily job: the schedule exists and the last cron pass was yesterday, as if the fleet had
	// been down at 07:00. Each worker's timekeeper owes the catch-up; exactly one may send it.
	await getBoss().schedule('case.warnings', '0 7 * * *', null, {
		tz: getConfig().CASEBOOK_TIME_ZONE,
		missed: 'once'
	});
	await query(
		env,
		`update pgboss.schedule set created_on = now() - interval '3 days' where name = 'case.warnings'`
	);
	await query(env, `update pgboss.version set cron_on = now() - interval '25 hours'`);

	const admin = await staffUser(env, 'admin', ['admin']);
	const scheduler = await staffUser(env, 'scheduler', ['scheduler']);
	const apiOwner = await staffUser(env, 'api', ['scheduler']);
	const { secret: apiKey } = await createApiKey(env.orm.em.fork(), SYSTEM_ACTOR, {
		name: 'Fleet load',
		userId: apiOwner.user.id
	});
	// A team for the load's writes (Normal: nothing falls due during the run) and the live inbox.
	const em = env.orm.em.fork();
	const liveMember = await staffUser(env, 'member', ['practitioner']);
	const liveTeam = em.create(Team, {
		name: `Fleet desk ${Date.now()}`,
		escalationPolicy: defaultEscalationPolicy()
	});
	em.create(TeamMember, { team: liveTeam, user: em.getReference(User, liveMember.user.id) });
	await em.flush();
	const paged = await createPagedTeam(env, 'Fleet paged');

	const ports = await Promise.all(Array.from({ length: options.webs }, () => freePort()));
	const webs = ports.map((port, i) => startRole(env, 'web', i, port, options.viaLaunchers));
	const workers = Array.from({ length: options.workers }, (_, i) =>
		startRole(env, 'worker', i, null, options.viaLaunchers)
	);
	const roles = [...webs, ...workers];
	try {
		const up = await waitUntil(
			async () =>
				(await Promise.all(webs.map(webHealthy))).every(Boolean) &&
				(await liveWorkers(env)).size >= options.workers,
			// Six Node processes loading the app at once: minutes on a busy two-core machine.
			300_000
		);
		if (!up) {
			const logs = roles.map(
				(r) => `${r.kind}-${r.index}:\n${tailOf(env, `${r.kind}-${r.index}.log`, 1500)}`
			);
			throw new Error(`the fleet did not start:\n${logs.join('\n')}`);
		}
		const startSeconds = (Date.now() - started) / 1000;
		env.log(`fleet: ${options.webs} web + ${options.workers} workers up in ${startSeconds.toFixed(1)} s`);

		// What falls due during the load: SMS steps and reservation expiries, spread over the window.
		const first = Date.now() + 3000;
		const dueAt = (i: number, n: number) => first + Math.floor((i / n) * windowMs);
		const due = await sendDueCases(env, paged, options.steps, (i) => dueAt(i, options.steps), 'Fleet');
		const reservations = await reserveExpiring(env, options.reservations, (i) =>
			dueAt(i, options.reservations)
		);

		// The load: tRPC clients round the ports (skipping one that is down, as a load balancer's
		// health check would), and a burst of REST calls with one key, more than its limit.
		const load = { requests: 0, ok: 0, interrupted: 0, failed: 0, errors: [] as string[] };
		const rate = { limit: API_LIMIT, sent: 0, ok: 0, limited: 0, failed: 0 };
		const down = new Set<number>();
		let stopping = false;
		let turn = 0;
		const nextWeb = () => {
			const up = webs.filter((w) => !down.has(w.port!));
			return up[turn++ % up.length] ?? webs[0]!;
		};
		const clients = Array.from({ length: options.clients }, async (_, c) => {
			let n = 0;
			while (!stopping) {
				const web = nextWeb();
				const isWrite = n % 3 === 0;
				n += 1;
				load.requests += 1;
				try {
					const { status, body } = isWrite
						? await trpcCall(web.baseUrl!, scheduler.token, 'cases.send', {
								subject: `Fleet load ${c}-${n}`,
								teamIds: [liveTeam.id],
								priority: 'normal'
							})
						: await trpcCall(web.baseUrl!, scheduler.token, 'cases.inbox', {}, 'GET');
					if (status === 200) load.ok += 1;
					else {
						load.failed += 1;
						if (load.errors.length < 5) load.errors.push(`${status} ${body.slice(0, 200)}`);
					}
				} catch (error) {
					if (down.has(web.port!)) load.interrupted += 1;
					else {
						load.failed += 1;
						if (load.errors.length < 5) load.errors.push(String(error));
					}
				}
			}
		});
		const authorization = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
		const api = Promise.all(
			Array.from({ length: 6 }, async () => {
				while (rate.sent < options.apiRequests) {
					rate.sent += 1;
					const web = nextWeb();
					try {
						const response = await fetch(`${web.baseUrl}/api/v1/patients?per_page=1`, {
							headers: { authorization },
							signal: AbortSignal.timeout(15_000)
						});
						await response.arrayBuffer();
						if (response.status === 200) rate.ok += 1;
						else if (response.status === 429) rate.limited += 1;
						else rate.failed += 1;
					} catch {
						rate.failed += 1;
					}
				}
			})
		);

		// The kills: a worker a third of the way in, a web process half way.
		await sleep(Math.max(0, first + windowMs / 3 - Date.now()));
		const victimWorker = workers[0]!;
		const sending = await query<{ id: string }>(
			env,
			`select id::text as id from notification where status = 'sending' and related_type = 'case' and related_id = any($1)`,
			[[...due.keys()]]
		);
		const workerKilledAt = Date.now();
		const workerPid = await victimWorker.kill();
		env.log(`fleet: SIGKILLed worker ${workerPid}`);

		await sleep(Math.max(0, first + windowMs / 2 - Date.now()));
		const victimWeb = webs[0]!;
		down.add(victimWeb.port!);
		const webKilledAt = Date.now();
		const webPid = await victimWeb.kill();
		env.log(`fleet: SIGKILLed web ${webPid} (port ${victimWeb.port})`);

		const webBack = await waitUntil(
			async () => victimWeb.pid() !== null && victimWeb.pid() !== webPid && (await webHealthy(victimWeb)),
			60_000
		);
		const webRestartSeconds = webBack ? (Date.now() - webKilledAt) / 1000 : null;
		down.delete(victimWeb.port!);
		const workerBack = await waitUntil(async () => {
			const pid = victimWorker.pid();
			return pid !== null && pid !== workerPid && (await liveWorkers(env)).has(workerId(pid));
		}, 60_000);
		const workerRestartSeconds = workerBack ? (Date.now() - workerKilledAt) / 1000 : null;

		await sleep(Math.max(0, first + windowMs - Date.now()));
		stopping = true;
		await Promise.all([...clients, api]);
		env.log('fleet: load done; waiting for every step and expiry');

		const reservationState = async () => {
			const rows = await query<{ released: string; audits: string; twice: string }>(
				env,
				`select count(*) filter (where a.reservation_outcome = 'expired') as released,
				   (select count(*) from audit_event e where e.action = 'appointment.reservation.expire'
				      and e.record_id = any($1::text[])) as audits,
				   (select count(*) from (select record_id from audit_event e where e.action = 'appointment.reservation.expire'
				      and e.record_id = any($1::text[]) group by record_id having count(*) > 1) d) as twice
				 from appointment a where a.id = any($1::bigint[])`,
				[reservations]
			);
			const row = rows[0]!;
			return { released: Number(row.released), audits: Number(row.audits), twice: Number(row.twice) };
		};
		const dailyState = async () => {
			const rows = await query<{ jobs: string; completed: string }>(
				env,
				`select count(*) as jobs, count(*) filter (where state = 'completed') as completed
				 from pgboss.job where name = 'case.warnings'`
			);
			return { jobs: Number(rows[0]!.jobs), completed: Number(rows[0]!.completed) };
		};
		await waitUntil(
			async () =>
				lossCounts(env, paged, due).missed === 0 &&
				(await reservationState()).released === reservations.length &&
				(await dailyState()).completed >= 1,
			options.timeoutSeconds * 1000
		);
		// A late duplicate (a retried SMS of the killed worker) would arrive within a few seconds.
		await sleep(2000);
		const { byCase, missed, duplicates } = lossCounts(env, paged, due);
		const [steps] = await query<{ n: string }>(
			env,
			'select count(*) as n from case_escalation_step where case_id = any($1)',
			[[...due.keys()]]
		);
		const released = await reservationState();
		const daily = await dailyState();

		// Sessions: a sign-out on the first web process, then a deactivation there; the others are
		// asked with the same cookie until they refuse it. Each has the session in its cache first.
		const others = webs.slice(1);
		const signOutUser = await staffUser(env, 'leaver', ['practitioner']);
		await Promise.all(
			webs.map((w) => trpcCall(w.baseUrl!, signOutUser.token, 'cases.inboxCount', undefined, 'GET'))
		);
		const signOutAt = Date.now();
		await fetch(`${webs[0]!.baseUrl}/sign-out`, {
			method: 'POST',
			headers: {
				cookie: `casebook_session=${signOutUser.token}`,
				origin: webs[0]!.baseUrl!,
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: '',
			redirect: 'manual'
		});
		const signOutMs = await Promise.all(
			others.map((w) => refusedAfter(w.baseUrl!, signOutUser.token, signOutAt, SESSION_CACHE_MS * 2))
		);
		const deactivated = await staffUser(env, 'deactivated', ['practitioner']);
		await Promise.all(
			webs.map((w) => trpcCall(w.baseUrl!, deactivated.token, 'cases.inboxCount', undefined, 'GET'))
		);
		const [row] = await query<{ version: number; email: string; name: string }>(
			env,
			'select version, email, name from app_user where id = $1',
			[deactivated.user.id]
		);
		const deactivateAt = Date.now();
		const update = await trpcCall(webs[0]!.baseUrl!, admin.token, 'staff.update', {
			id: deactivated.user.id,
			version: row!.version,
			name: row!.name,
			email: row!.email,
			mobile: null,
			roles: ['practitioner'],
			isActive: false
		});
		if (update.status !== 200) throw new Error(`deactivation failed: ${update.status} ${update.body}`);
		const deactivationMs = await Promise.all(
			others.map((w) => refusedAfter(w.baseUrl!, deactivated.token, deactivateAt, SESSION_CACHE_MS * 2))
		);

		// The live inbox: the member listens on every web process; cases are sent through each in turn.
		const streams = webs.map((w) => openStream(w.baseUrl!, liveMember.token));
		await Promise.race([Promise.all(streams.map((s) => s.ready)), sleep(10_000)]);
		const crossMs: number[] = [];
		const sameMs: number[] = [];
		let heard = 0;
		for (let i = 0; i < options.liveSamples; i += 1) {
			const from = i % webs.length;
			const sentAt = Date.now();
			const { status, body } = await trpcCall(webs[from]!.baseUrl!, scheduler.token, 'cases.send', {
				subject: `Fleet live ${i}`,
				teamIds: [liveTeam.id],
				priority: 'high'
			});
			if (status !== 200) throw new Error(`cases.send: ${status} ${body}`);
			const caseId = String(
				(JSON.parse(body) as { result: { data: { json: { id: string } } } }).result.data.json.id
			);
			await waitUntil(() => streams.every((s) => s.heard.has(caseId)), 5000);
			streams.forEach((s, to) => {
				const at = s.heard.get(caseId);
				if (at === undefined) return;
				heard += 1;
				(to === from ? sameMs : crossMs).push(at - sentAt);
			});
		}
		streams.forEach((s) => s.close());

		return {
			viaLaunchers: options.viaLaunchers,
			webs: options.webs,
			workers: options.workers,
			startSeconds,
			load,
			kills: { web: { restartSeconds: webRestartSeconds }, worker: { restartSeconds: workerRestartSeconds } },
			escalations: {
				steps: options.steps,
				stepsRecorded: Number(steps?.n ?? 0),
				sent: byCase.size,
				missed,
				duplicates,
				sendingAtKill: sending.length,
				lateness: lateness(byCase, due)
			},
			dailyJob: daily,
			reservations: {
				total: reservations.length,
				released: released.released,
				releaseAudits: released.audits,
				releasedTwice: released.twice
			},
			rateLimit: rate,
			sessions: { documentedMs: SESSION_CACHE_MS, signOutMs, deactivationMs },
			live: {
				samples: options.liveSamples * webs.length,
				heard,
				p50Ms: percentile(crossMs, 0.5),
				maxMs: crossMs.length ? Math.max(...crossMs) : null,
				sameProcessMaxMs: sameMs.length ? Math.max(...sameMs) : null
			}
		};
	} finally {
		// SIGTERM to each launcher (it stops its process and exits), or to the process itself.
		await Promise.all(roles.map((r) => stopChild(r.proc, 'SIGTERM')));
	}
}
