// Fault injection (issue 10), the figures: `npm run chaos [-- restart|kill-worker|kill-web] [--steps N]
// [--burst N] [--kills K] [--webKills K] [--pairs N]`. Each run gets its own embedded PostgreSQL on
// a throwaway data dir (never the test database or .data) and the real processes: the worker
// (`node worker/index.ts`, SMS through the twilio SDK to the local stand-in) and the built web server.
// Prints counts, never asserts; the short form in `npm test` (src/lib/server/testing/
// chaos.integration.test.ts) runs the same scenarios small and asserts them.
//   restart      PostgreSQL stopped and started again while the worker works a stream of escalations
//   kill-worker  the worker SIGKILLed again and again during a burst of escalations
//   kill-web     the web server SIGKILLed while clients send cases to three teams and merge cases;
//                afterwards every case is checked whole or absent (nothing half-written)
//   fleet        three web processes and three workers (start:web / start:worker) on one PostgreSQL,
//                a mixed load over the web ports, a worker and a web process SIGKILLed during it:
//                escalations, the daily job, reservation expiries, the REST limit, session ends and
//                the live inbox across processes (src/lib/server/testing/chaos-fleet.ts). Not in the
//                default set (it starts six processes): `npm run chaos -- fleet`.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { logger } from '../../src/lib/server/logger.ts';
import { runFleet, type FleetReport } from '../../src/lib/server/testing/chaos-fleet.ts';
import {
	killWorkerDuringBurst,
	killWriterDuringWrites,
	openChaosEnv,
	restartDatabaseDuringEscalations,
	type RestartReport,
	type WorkerKillReport,
	type WriteKillReport
} from '../../src/lib/server/testing/chaos-scenarios.ts';

const fmt = (n: number | null, digits = 1) => (n === null ? '-' : n.toFixed(digits));

export function printRestart(r: RestartReport): void {
	console.log(
		`\na. PostgreSQL restarted (down ${r.downSeconds} s) while the worker works ${r.steps} Urgent steps`
	);
	console.log(`   worker process: ${r.workerSurvived ? 'same process throughout (reconnected)' : 'DIED'}`);
	console.log(
		`   resumed: first SMS ${fmt(r.resumeSeconds)} s after PostgreSQL was back (target < 30 s); steps that fell due while it was down all sent within ${fmt(r.backlogSeconds)} s of it being back`
	);
	console.log(
		`   SMS sent for ${r.sent} of ${r.steps} steps; missed: ${r.missed} (target 0); duplicate SMS: ${r.duplicates}`
	);
	console.log(
		`   lateness from the due time: median ${fmt(r.lateness.p50)} s, worst ${fmt(r.lateness.max)} s (PostgreSQL was down for ${r.downSeconds} s of it)`
	);
}

export function printWorkerKills(r: WorkerKillReport): void {
	console.log(`\nb. Worker SIGKILLed ${r.kills} times (and restarted) during ${r.steps} Urgent steps`);
	console.log(
		`   escalation steps recorded: ${r.stepsRecorded} of ${r.steps} (each once: primary key per step)`
	);
	console.log(
		`   SMS sent for ${r.sent} of ${r.steps} steps; missed: ${r.missed} (target 0); duplicate SMS: ${r.duplicates}; SMS in 'sending' at the moment of a kill: ${r.sendingAtKill}`
	);
	console.log(
		`   lateness from the due time: median ${fmt(r.lateness.p50)} s, worst ${fmt(r.lateness.max)} s (a dead worker's jobs are retried once their heartbeat lapses, with backoff)`
	);
}

export function printWriteKills(r: WriteKillReport): void {
	const victim = r.mode === 'http' ? 'web server' : 'writer process';
	console.log(`\nc. ${victim} SIGKILLed ${r.kills} times during cases.send (3 teams) and cases.merge`);
	console.log(
		`   writes: ${r.attempted} attempted, ${r.committed} committed, ${r.interrupted} in flight at a kill, ${r.failed} refused`
	);
	console.log(
		`   sent cases: ${r.sends.cases}, whole ${r.sends.whole}, half-written ${r.sends.halfWritten} (target 0); jobs without a case: ${r.sends.orphanJobs}; audit events without a case: ${r.sends.orphanAudits}`
	);
	console.log(
		`   merge pairs: ${r.merges.pairs}: merged ${r.merges.merged}, untouched ${r.merges.untouched}, half-merged ${r.merges.halfWritten} (target 0)`
	);
	console.log(`   committed writes missing afterwards: ${r.lostCommitted} (target 0)`);
	for (const problem of r.problems.slice(0, 5)) console.log(`   ! ${problem}`);
	for (const error of r.errors) console.log(`   refused: ${error}`);
}

const ms = (n: number | null) => (n === null ? 'not refused' : `${n} ms`);

export function printFleet(r: FleetReport): void {
	console.log(
		`\nd. Fleet: ${r.webs} web processes + ${r.workers} workers (${r.viaLaunchers ? 'each through its launcher, start:web / start:worker' : 'without launchers'}) on one PostgreSQL, up in ${fmt(r.startSeconds)} s`
	);
	console.log(
		`   load over the ${r.webs} web ports: ${r.load.requests} tRPC requests, ${r.load.ok} OK, ${r.load.interrupted} cut by the web kill, ${r.load.failed} failed`
	);
	console.log(
		`   SIGKILLed: one web process (back in ${fmt(r.kills.web.restartSeconds)} s) and one worker (back in ${fmt(r.kills.worker.restartSeconds)} s), restarted by ${r.viaLaunchers ? 'their launchers' : 'the check'}`
	);
	const e = r.escalations;
	console.log(
		`   escalation steps: ${e.steps}, recorded ${e.stepsRecorded}; SMS sent for ${e.sent}, missed ${e.missed} (target 0), duplicate SMS ${e.duplicates} (possible only for the ${e.sendingAtKill} SMS in 'sending' at the worker kill: accepted by the provider, not yet committed by us)`
	);
	console.log(
		`   lateness from the due time: median ${fmt(e.lateness.p50)} s, worst ${fmt(e.lateness.max)} s`
	);
	console.log(
		`   daily case-warnings job: ${r.dailyJob.jobs} job(s) for the day, ${r.dailyJob.completed} completed (target 1, whatever the number of workers)`
	);
	const v = r.reservations;
	console.log(
		`   reservation expiries: ${v.released} of ${v.total} released, ${v.releaseAudits} release events, released twice: ${v.releasedTwice} (target 0)`
	);
	const l = r.rateLimit;
	console.log(
		`   REST limit (${l.limit}/min per key, counted in PostgreSQL): ${l.sent} requests with one key over ${r.webs} processes: ${l.ok} OK, ${l.limited} refused with 429, ${l.failed} failed`
	);
	console.log(
		`   sign-out on web 1, refused by the others after: ${r.sessions.signOutMs.map(ms).join(', ')}; deactivation: ${r.sessions.deactivationMs.map(ms).join(', ')} (documented bound ${r.sessions.documentedMs} ms)`
	);
	console.log(
		`   live inbox, an event heard on another web process: ${r.live.heard} of ${r.live.samples} heard, median ${r.live.p50Ms ?? '-'} ms, worst ${r.live.maxMs ?? '-'} ms (target < 2000 ms; same process worst ${r.live.sameProcessMaxMs ?? '-'} ms)`
	);
}

async function main(): Promise<void> {
	const { values, positionals } = parseArgs({
		allowPositionals: true,
		options: {
			steps: { type: 'string' },
			burst: { type: 'string' },
			kills: { type: 'string' },
			webKills: { type: 'string' },
			pairs: { type: 'string' },
			down: { type: 'string' },
			window: { type: 'string' }
		}
	});
	const scenarios = ['restart', 'kill-worker', 'kill-web'];
	const chosen = positionals.length ? positionals : scenarios;
	for (const name of chosen)
		if (![...scenarios, 'fleet'].includes(name)) {
			console.error(`unknown scenario ${name}; choose from: ${scenarios.join(', ')}`);
			process.exit(2);
		}
	logger.level = 'silent';
	const log = (line: string) => console.log(`[chaos] ${line}`);
	const started = Date.now();
	const env = await openChaosEnv(log);
	const reports: (() => void)[] = [];
	try {
		if (chosen.includes('restart')) {
			const r = await restartDatabaseDuringEscalations(env, {
				steps: Number(values.steps ?? 200),
				windowSeconds: 30,
				downSeconds: Number(values.down ?? 5),
				timeoutSeconds: 90
			});
			printRestart(r);
			reports.push(() => printRestart(r));
		}
		if (chosen.includes('kill-worker')) {
			const kills = Number(values.kills ?? 20);
			const r = await killWorkerDuringBurst(env, {
				steps: Number(values.burst ?? 300),
				// A restarted worker needs ~2 s to start: spread the steps over the kills.
				windowSeconds: Math.max(20, kills * 3),
				kills,
				timeoutSeconds: 180
			});
			printWorkerKills(r);
			reports.push(() => printWorkerKills(r));
		}
		if (chosen.includes('kill-web')) {
			const r = await killWriterDuringWrites(env, {
				mode: 'http',
				kills: Number(values.webKills ?? 10),
				pairs: Number(values.pairs ?? 400),
				clients: 4
			});
			printWriteKills(r);
			reports.push(() => printWriteKills(r));
		}
		if (chosen.includes('fleet')) {
			const r = await runFleet(env, {
				webs: 3,
				workers: 3,
				steps: Number(values.steps ?? 150),
				reservations: 60,
				windowSeconds: Number(values.window ?? 40),
				clients: 6,
				apiRequests: 400,
				liveSamples: 20,
				timeoutSeconds: 120,
				viaLaunchers: true
			});
			printFleet(r);
			reports.push(() => printFleet(r));
		}
	} finally {
		await env.close();
	}
	console.log(
		`\nFault injection summary (${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${((Date.now() - started) / 1000).toFixed(0)} s):`
	);
	for (const print of reports) print();
}

await main();
process.exit(0);
