// The fleet check, short form (issue 23): `npm run chaos -- fleet` small. Three web processes and
// three workers (the processes start:web / start:worker run, started without their launchers to
// keep it short) on one embedded PostgreSQL of its own (a temp data dir, removed afterwards), a
// mixed load over the web ports, one worker and one web process SIGKILLed during it and restarted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFleet, type FleetReport } from './chaos-fleet.ts';
import { openChaosEnv, tailOf, type ChaosEnv } from './chaos-scenarios.ts';

describe('a fleet of three web processes and three workers on one PostgreSQL', () => {
	let env: ChaosEnv;
	let report: FleetReport;
	const logs = () =>
		['web-0', 'web-1', 'worker-0', 'worker-1']
			.map((n) => `${n}:\n${tailOf(env, `${n}.log`, 1200)}`)
			.join('\n');

	beforeAll(async () => {
		env = await openChaosEnv();
		report = await runFleet(env, {
			webs: 3,
			workers: 3,
			steps: 12,
			reservations: 6,
			windowSeconds: 10,
			clients: 3,
			apiRequests: 230,
			liveSamples: 3,
			// A job a killed worker held is retried once it expires (30 to 60 s, see the job contracts).
			timeoutSeconds: 120,
			// The processes the launchers run, without them: half the processes to start.
			viaLaunchers: false
		});
	}, 480_000);

	afterAll(async () => {
		await env?.close();
	}, 60_000);

	it('comes back from the kills and serves the load', () => {
		expect(report.kills.web.restartSeconds, logs()).not.toBeNull();
		expect(report.kills.worker.restartSeconds, logs()).not.toBeNull();
		expect(report.load.ok).toBeGreaterThan(0);
		expect(report.load.failed, report.load.errors.join('\n')).toBe(0);
	});

	it('sends every escalation step once', () => {
		const e = report.escalations;
		expect(e.missed, logs()).toBe(0);
		expect(e.stepsRecorded).toBe(e.steps);
		// A duplicate needs a kill between the provider accepting an SMS and our commit.
		expect(e.duplicates).toBeLessThanOrEqual(e.sendingAtKill);
	});

	it('runs the daily case-warnings job once, not once per worker', () => {
		expect(report.dailyJob).toEqual({ jobs: 1, completed: 1 });
	});

	it('releases each expired reservation once', () => {
		const r = report.reservations;
		expect(r.released).toBe(r.total);
		expect(r.releaseAudits).toBe(r.total);
		expect(r.releasedTwice).toBe(0);
	});

	it('holds the REST limit of 200 requests a minute per key across the processes', () => {
		const r = report.rateLimit;
		expect(r.ok).toBeLessThanOrEqual(r.limit);
		expect(r.ok + r.limited + r.failed).toBe(r.sent);
		// Every request beyond the limit that reached a process was refused.
		expect(r.limited).toBeGreaterThanOrEqual(r.sent - r.limit - r.failed);
	});

	it('refuses a session signed out or deactivated on one web process on the others within the documented delay', () => {
		const { documentedMs, signOutMs, deactivationMs } = report.sessions;
		for (const ms of [...signOutMs, ...deactivationMs]) {
			expect(ms).not.toBeNull();
			expect(ms!).toBeLessThanOrEqual(documentedMs);
		}
	});

	it('delivers a live-inbox event to a client connected to another web process within 2 s', () => {
		expect(report.live.heard).toBe(report.live.samples);
		expect(report.live.maxMs!).toBeLessThan(2000);
	});
});
