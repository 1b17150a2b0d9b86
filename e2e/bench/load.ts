// Benchmark: a mixed workload (issue 10) against the built web server on localhost, on the bench
// database seeded by load-seed.ts (100,000 patients, 20,000 cases). One autocannon instance per kind
// of work, run together and sharing the connections (50 by default, for 60 s): staff reading patient
// lists, case lists, case pages and their team inbox; staff sending a case to their team and
// acknowledging it; patients requesting an appointment in the portal and withdrawing it (so a run
// leaves the database as it found it, apart from the audit trail). Latency is measured per
// operation from the request being written to its response; every non-2xx, timeout and connection
// error counts as an error, and the first error bodies are printed.
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import superjson from 'superjson';
import { hashToken, newToken } from '../../src/lib/server/auth/tokens.ts';
import { percentile, startWebServer, type BenchContext } from './common.ts';
import { seedLoad, type LoadFixture } from './load-seed.ts';

const CASES = 20_000;
const PORTAL_PATIENTS = 200;
/** The issue's target for reads on this 2-core machine. */
const READ_P95_TARGET_MS = 100;

interface OpStats {
	name: string;
	isRead: boolean;
	latencies: number[];
	non2xx: number;
	firstErrors: string[];
}

interface Mix {
	name: string;
	/** Connections out of 50. */
	share: number;
	requests: autocannon.Request[];
	/** Timeouts and connection errors of this instance (not tied to one operation). */
	transportErrors: number;
}

type Context = Record<string, unknown> & { startedAt?: number };

// autocannon types the per-connection context as `object`; ours holds what a sequence passes on.
const setup =
	(fn: (req: autocannon.Request, context: Context) => autocannon.Request | null) =>
	(req: autocannon.Request, context: object) =>
		// null skips the rest of the sequence (autocannon's documented use of a falsy result).
		fn(req, context as Context) as autocannon.Request;
const respond =
	(fn: (status: number, body: string, context: Context) => void) =>
	(status: number, body: string, context: object) =>
		fn(status, body, context as Context);

function stats(name: string, isRead: boolean): OpStats {
	return { name, isRead, latencies: [], non2xx: 0, firstErrors: [] };
}

function record(op: OpStats, context: Context, status: number, body: string): boolean {
	op.latencies.push(performance.now() - (context.startedAt ?? performance.now()));
	if (status >= 200 && status < 300) return true;
	op.non2xx += 1;
	if (op.firstErrors.length < 3) op.firstErrors.push(`${status} ${body.slice(0, 400)}`);
	return false;
}

const encode = (input: unknown) => encodeURIComponent(JSON.stringify(superjson.serialize(input)));

/** The `json` of a tRPC answer: `{"result":{"data":{"json":...}}}`. */
function resultOf<T>(body: string): T | null {
	try {
		return (JSON.parse(body) as { result?: { data?: { json?: T } } }).result?.data?.json ?? null;
	} catch {
		return null;
	}
}

interface Sessions {
	staff: { cookie: string; teamIds: string[] }[];
	portal: { cookie: string; patientId: string; caseId: string }[];
	staffSessionIds: string[];
	portalSessionIds: string[];
}

/** Fresh sessions for this run (only their hashes are stored, so a run cannot reuse the last one's). */
async function openSessions(client: pg.Client, fixture: LoadFixture): Promise<Sessions> {
	const sessions: Sessions = { staff: [], portal: [], staffSessionIds: [], portalSessionIds: [] };
	for (const member of fixture.staff) {
		const token = newToken();
		const { rows } = await client.query<{ id: string }>(
			`insert into session (token_hash, user_id, created_at, last_seen_at, expires_at, user_agent)
			 values ($1, $2, now(), now(), now() + interval '2 hours', 'bench load') returning id::text as id`,
			[hashToken(token), member.id]
		);
		sessions.staffSessionIds.push(rows[0]!.id);
		sessions.staff.push({ cookie: `casebook_session=${token}`, teamIds: member.teamIds });
	}
	for (const patient of fixture.portal) {
		const token = newToken();
		const { rows } = await client.query<{ id: string }>(
			`insert into portal_session (token_hash, patient_id, created_at, last_seen_at, expires_at, user_agent)
			 values ($1, $2, now(), now(), now() + interval '2 hours', 'bench load') returning id::text as id`,
			[hashToken(token), patient.patientId]
		);
		sessions.portalSessionIds.push(rows[0]!.id);
		sessions.portal.push({ cookie: `casebook_portal=${token}`, ...patient });
	}
	return sessions;
}

function buildMixes(
	baseUrl: string,
	fixture: LoadFixture,
	sessions: Sessions,
	runId: string,
	part: 'warm-up' | 'measured'
) {
	const ops = {
		patientList: stats('patients.find (list)', true),
		patientSearch: stats('patients.find (search)', true),
		caseList: stats('cases.find', true),
		caseGet: stats('cases.get', true),
		inbox: stats('cases.inbox', true),
		send: stats('cases.send', false),
		acknowledge: stats('cases.acknowledge', false),
		request: stats('portal.requestAppointment', false),
		withdraw: stats('portal.withdrawRequest', false)
	};
	let turn = 0;
	const staffAt = (n: number) => sessions.staff[n % sessions.staff.length]!;
	const get = (op: OpStats, pathFor: (n: number) => string): autocannon.Request => ({
		method: 'GET',
		setupRequest: setup((req, context) => {
			const n = turn++;
			context.startedAt = performance.now();
			return { ...req, path: pathFor(n), headers: { ...req.headers, cookie: staffAt(n).cookie } };
		}),
		onResponse: respond((status, body, context) => void record(op, context, status, body))
	});
	const post = (procedure: string, cookie: string, input: unknown) => ({
		method: 'POST' as const,
		path: `/api/trpc/${procedure}`,
		headers: { 'content-type': 'application/json', origin: baseUrl, cookie },
		body: JSON.stringify(superjson.serialize(input))
	});

	const searches = ['smi', 'nguyen', 'oli', 'tay', 'patel', 'ch', 'will', 'mar', 'kel', 'ros'];
	const caseSearches = ['knee', 'smith', 'back pain', 'nguyen', 'shoulder', 'patel'];
	const sorts = ['lastName', 'firstName', 'dateOfBirth', 'createdAt'] as const;
	let sent = 0;
	// Portal patients are taken by one connection at a time: a patient has at most one pending request.
	// The warm-up and the measured run use different halves: a request still in flight when the
	// warm-up ends may commit after it, and must not collide with the measured run's requests.
	const half = Math.floor(sessions.portal.length / 2);
	const freePatients = part === 'warm-up' ? sessions.portal.slice(0, half) : sessions.portal.slice(half);
	const mixes: Mix[] = [
		{
			name: 'patients.find (list)',
			share: 8,
			transportErrors: 0,
			requests: [
				get(
					ops.patientList,
					(n) =>
						`/api/trpc/patients.find?input=${encode({ limit: 25, sort: { field: sorts[n % sorts.length], direction: n % 2 ? 'asc' : 'desc' } })}`
				)
			]
		},
		{
			name: 'patients.find (search)',
			share: 8,
			transportErrors: 0,
			requests: [
				get(
					ops.patientSearch,
					(n) =>
						`/api/trpc/patients.find?input=${encode({ search: searches[n % searches.length], limit: 25 })}`
				)
			]
		},
		{
			name: 'cases.find',
			share: 6,
			transportErrors: 0,
			requests: [
				get(ops.caseList, (n) =>
					n % 2
						? `/api/trpc/cases.find?input=${encode({ search: caseSearches[n % caseSearches.length] })}`
						: `/api/trpc/cases.find?input=${encode({ status: n % 4 ? 'open' : 'all', page: 1 + (n % 20) })}`
				)
			]
		},
		{
			name: 'cases.get',
			share: 6,
			transportErrors: 0,
			requests: [
				get(
					ops.caseGet,
					(n) =>
						`/api/trpc/cases.get?input=${encode({ id: fixture.caseIds[(n * 7) % fixture.caseIds.length] })}`
				)
			]
		},
		{
			name: 'cases.inbox',
			share: 8,
			transportErrors: 0,
			requests: [
				get(ops.inbox, (n) =>
					n % 3
						? '/api/trpc/cases.inbox?input=' + encode({})
						: `/api/trpc/cases.inbox?input=${encode({ include: 'all', page: 1 + (n % 5) })}`
				)
			]
		},
		{
			// A staff member sends a case to one of their teams, then acknowledges it.
			name: 'cases.send + cases.acknowledge',
			share: 6,
			transportErrors: 0,
			requests: [
				{
					method: 'POST',
					setupRequest: setup((req, context) => {
						const member = staffAt(turn++);
						context.cookie = member.cookie;
						context.startedAt = performance.now();
						return {
							...req,
							...post('cases.send', member.cookie, {
								subject: `Load send ${runId} ${sent++}`,
								details: 'Sent by the load benchmark.',
								teamIds: [member.teamIds[0]],
								priority: (['normal', 'high', 'urgent'] as const)[sent % 3]
							})
						};
					}),
					onResponse: respond((status, body, context) => {
						if (record(ops.send, context, status, body)) context.caseId = resultOf<{ id: string }>(body)?.id;
					})
				},
				{
					method: 'POST',
					setupRequest: setup((req, context) => {
						if (!context.caseId) return null;
						context.startedAt = performance.now();
						return {
							...req,
							...post('cases.acknowledge', context.cookie as string, { caseId: context.caseId })
						};
					}),
					onResponse: respond((status, body, context) => void record(ops.acknowledge, context, status, body))
				}
			]
		},
		{
			// A patient requests an appointment on their case, then withdraws it.
			name: 'portal.requestAppointment + withdrawRequest',
			share: 8,
			transportErrors: 0,
			requests: [
				{
					method: 'POST',
					setupRequest: setup((req, context) => {
						const patient = freePatients.shift()!;
						context.patient = patient;
						const startsAt = new Date(Date.now() + 2 * 86_400_000 + (turn++ % 200) * 3_600_000);
						context.startedAt = performance.now();
						return {
							...req,
							...post('portal.requestAppointment', patient.cookie, {
								caseId: patient.caseId,
								appointmentTypeId: fixture.requestTypeId,
								windows: [{ startsAt, endsAt: new Date(startsAt.getTime() + 2 * 3_600_000) }],
								note: 'Mornings suit me best.'
							})
						};
					}),
					onResponse: respond((status, body, context) => {
						const patient = context.patient as (typeof freePatients)[number];
						if (record(ops.request, context, status, body))
							context.requestId = resultOf<{ id: string }>(body)?.id;
						if (!context.requestId) freePatients.push(patient);
					})
				},
				{
					method: 'POST',
					setupRequest: setup((req, context) => {
						if (!context.requestId) return null;
						const patient = context.patient as (typeof freePatients)[number];
						context.startedAt = performance.now();
						return { ...req, ...post('portal.withdrawRequest', patient.cookie, { id: context.requestId }) };
					}),
					onResponse: respond((status, body, context) => {
						// A request that could not be withdrawn stays pending: that patient sits out the run.
						if (record(ops.withdraw, context, status, body))
							freePatients.push(context.patient as (typeof freePatients)[number]);
					})
				}
			]
		}
	];
	return { ops, mixes };
}

/** Splits `connections` over the mixes by their shares (largest remainder, at least one each). */
function allot(mixes: Mix[], connections: number): number[] {
	const total = mixes.reduce((sum, m) => sum + m.share, 0);
	const exact = mixes.map((m) => (m.share / total) * connections);
	const counts = exact.map((x) => Math.max(1, Math.floor(x)));
	const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
	for (let k = 0; counts.reduce((a, b) => a + b, 0) < connections; k += 1)
		counts[order[k % order.length]![1]]! += 1;
	return counts;
}

async function runMixes(baseUrl: string, mixes: Mix[], connections: number, seconds: number) {
	const shares = allot(mixes, connections);
	return Promise.all(
		mixes.map(async (mix, i) => {
			const result = await autocannon({
				url: baseUrl,
				connections: shares[i]!,
				duration: seconds,
				timeout: 10,
				requests: mix.requests
			});
			mix.transportErrors += result.errors + result.timeouts;
			return { mix, share: shares[i]!, result };
		})
	);
}

export async function benchLoad(ctx: BenchContext): Promise<void> {
	const { url, log, args } = ctx;
	const seconds = Number(args.seconds ?? 60);
	const connections = Number(args.connections ?? 50);
	const patients = Number(args.patients ?? 100_000);

	const fixture = await seedLoad(url, { patients, cases: CASES, portalPatients: PORTAL_PATIENTS }, log);
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	// A request made as a run (or its warm-up) ends is never withdrawn by it: withdraw it here, so the
	// patient's next request is accepted.
	const withdrawPending = () =>
		client.query(
			`update appointment_request set status = 'withdrawn', decided_at = now()
			 where status = 'pending' and patient_id = any($1::bigint[])`,
			[fixture.portal.map((p) => p.patientId)]
		);
	await withdrawPending();
	// A run that was stopped early leaves its sent cases open: close them, so every run starts from
	// the seeded inboxes.
	await client.query(
		`update clinic_case set status = 'closed', closed_at = now() where name like 'Load send %' and status = 'open'`
	);
	const sessions = await openSessions(client, fixture);
	const runId = Date.now().toString(36);
	const { rows: clock } = await client.query<{ now: Date }>('select now() as now');
	const runStart = clock[0]!.now;

	// `--profile`: the web server writes a V8 CPU profile to .data/profiles when the run ends.
	const web = await startWebServer(ctx, { profile: args.profile !== undefined });
	const { baseUrl } = web;
	try {
		log('warming up for 5 s…');
		await runMixes(
			baseUrl,
			buildMixes(baseUrl, fixture, sessions, `${runId}w`, 'warm-up').mixes,
			connections,
			5
		);

		log(`measuring: ${connections} concurrent clients for ${seconds} s…`);
		const { ops, mixes } = buildMixes(baseUrl, fixture, sessions, runId, 'measured');
		const results = await runMixes(baseUrl, mixes, connections, seconds);
		printLoad({
			ops: Object.values(ops),
			results,
			seconds,
			patients,
			connections: results.reduce((s, r) => s + r.share, 0)
		});
	} finally {
		await web.stop();
		// Leave the database as a run found it: the run's cases closed and their jobs (due in minutes)
		// removed, the withdrawn requests and their jobs removed, the sessions ended.
		await withdrawPending();
		await client.query(
			`update clinic_case set status = 'closed', closed_at = now() where name like $1 and status = 'open'`,
			[`Load send ${runId}%`]
		);
		await client.query(
			`delete from pgboss.job where state = 'created' and created_on >= $1
			 and name in ('case.escalate', 'appointment-request.notify', 'notification.send')`,
			[runStart]
		);
		await client.query(
			`delete from appointment_request where status = 'withdrawn' and patient_id = any($1::bigint[])`,
			[fixture.portal.map((p) => p.patientId)]
		);
		await client.query(
			`update session set ended_at = now(), end_reason = 'bench' where id = any($1::bigint[])`,
			[sessions.staffSessionIds]
		);
		await client.query(
			`update portal_session set ended_at = now(), end_reason = 'bench' where id = any($1::bigint[])`,
			[sessions.portalSessionIds]
		);
		await client.end();
	}
}

function printLoad(run: {
	ops: OpStats[];
	results: { mix: Mix; share: number; result: autocannon.Result }[];
	seconds: number;
	patients: number;
	connections: number;
}): void {
	const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-').padStart(8);
	const width = Math.max(...run.ops.map((o) => o.name.length));
	const total = run.ops.reduce((sum, o) => sum + o.latencies.length, 0);
	const transport = run.results.reduce((sum, r) => sum + r.mix.transportErrors, 0);
	const non2xx = run.ops.reduce((sum, o) => sum + o.non2xx, 0);
	console.log(
		`\nMixed load: ${run.connections} concurrent clients for ${run.seconds} s on ${run.patients.toLocaleString('en')} patients and ${CASES.toLocaleString('en')} cases`
	);
	console.log(
		`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${os
			.loadavg()
			.map((l) => l.toFixed(1))
			.join(' ')}`
	);
	console.log(
		`  ${'operation'.padEnd(width)} ${'p50'.padStart(8)} ${'p95'.padStart(8)} ${'p99'.padStart(8)} ${'req/s'.padStart(8)} ${'requests'.padStart(9)} ${'errors'.padStart(7)}   (latency in ms)`
	);
	const p95 = new Map<OpStats, number>();
	for (const op of run.ops) {
		const sorted = [...op.latencies].sort((a, b) => a - b);
		p95.set(op, percentile(sorted, 95));
		console.log(
			`  ${op.name.padEnd(width)} ${fmt(percentile(sorted, 50))} ${fmt(percentile(sorted, 95))} ${fmt(percentile(sorted, 99))} ${(op.latencies.length / run.seconds).toFixed(1).padStart(8)} ${String(op.latencies.length).padStart(9)} ${String(op.non2xx).padStart(7)}`
		);
	}
	console.log(
		`  ${'total'.padEnd(width)} ${''.padStart(26)} ${(total / run.seconds).toFixed(1).padStart(8)} ${String(total).padStart(9)} ${String(non2xx).padStart(7)}`
	);
	for (const { mix, share } of run.results)
		if (mix.transportErrors)
			console.log(
				`  timeouts / connection errors in "${mix.name}" (${share} clients): ${mix.transportErrors}`
			);
	console.log(
		`  errors: ${non2xx + transport} (non-2xx ${non2xx}, timeouts and connection errors ${transport}; target 0)`
	);
	const reads = run.ops.filter((o) => o.isRead);
	const slow = reads.filter((o) => !(p95.get(o)! < READ_P95_TARGET_MS));
	console.log(
		`  p95 under ${READ_P95_TARGET_MS} ms for reads: ${slow.length ? `NOT met (${slow.map((o) => `${o.name} ${p95.get(o)!.toFixed(0)} ms`).join(', ')})` : 'met'}`
	);
	for (const op of run.ops)
		for (const error of op.firstErrors) console.log(`  first errors of ${op.name}: ${error}`);
}
