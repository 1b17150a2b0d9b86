// Fault injection, short form (issue 10): the scenarios of `npm run chaos` (e2e/bench/chaos.ts),
// small. They run on an embedded PostgreSQL of their own (a temp data dir, removed afterwards), never
// on the shared test database: one of them stops and starts the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	killWorkerDuringBurst,
	killWriterDuringWrites,
	openChaosEnv,
	restartDatabaseDuringEscalations,
	tailOf,
	type ChaosEnv
} from './chaos-scenarios.ts';

describe('fault injection (short form of npm run chaos)', () => {
	let env: ChaosEnv;

	beforeAll(async () => {
		env = await openChaosEnv();
	}, 120_000);

	afterAll(async () => {
		await env?.close();
	}, 60_000);

	it('the worker reconnects after PostgreSQL restarts and loses no escalation', async () => {
		const report = await restartDatabaseDuringEscalations(env, {
			steps: 20,
			windowSeconds: 8,
			downSeconds: 2,
			timeoutSeconds: 45
		});
		expect(report.workerSurvived, tailOf(env, 'worker.log')).toBe(true);
		expect(report.missed, tailOf(env, 'worker.log')).toBe(0);
		expect(report.resumeSeconds).not.toBeNull();
		expect(report.resumeSeconds!).toBeLessThan(30);
	}, 120_000);

	// The two kill scenarios share nothing but the database: run together, to keep `npm test` short.
	describe.concurrent('processes SIGKILLed', () => {
		it('a worker SIGKILLed during a burst loses no escalation', async () => {
			const report = await killWorkerDuringBurst(env, {
				steps: 20,
				windowSeconds: 9,
				kills: 3,
				timeoutSeconds: 60
			});
			expect(report.missed, tailOf(env, 'worker.log')).toBe(0);
			// The step table's primary key: however often a job is retried, each step fires once.
			expect(report.stepsRecorded).toBe(20);
			// A duplicate needs a kill between the provider accepting an SMS and our commit.
			expect(report.duplicates).toBeLessThanOrEqual(report.sendingAtKill);
		}, 120_000);

		it('a process SIGKILLed in the middle of multi-row writes leaves nothing half-written', async () => {
			const report = await killWriterDuringWrites(env, { mode: 'direct', kills: 3, pairs: 60, clients: 3 });
			const problems = [...report.problems, ...report.errors].join('\n');
			expect(report.committed).toBeGreaterThan(0);
			expect(report.failed, problems).toBe(0);
			expect(report.sends.halfWritten, problems).toBe(0);
			expect(report.sends.orphanJobs).toBe(0);
			expect(report.sends.orphanAudits).toBe(0);
			expect(report.merges.halfWritten, problems).toBe(0);
			expect(report.lostCommitted).toBe(0);
		}, 120_000);
	});
});
