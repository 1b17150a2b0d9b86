// What a fleet's web processes hear from each other: a sign-out or a deactivation is announced on
// the sessions channel when its transaction commits (never before, never after a rollback), and a
// listener that loses its connection listens again by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSIONS_CHANNEL, sessionsChanged } from '../auth/session-cache.ts';
import { createSession, endSession } from '../auth/sessions.service.ts';
import { updateStaff } from '../staff/staff.service.ts';
import { actorFor, createTestUser } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { listenTo, type Listener } from './listen.ts';

let db: TestDb;
let listener: Listener;
let heard = 0;

async function heardWithin(ms: number, before: number): Promise<boolean> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		if (heard > before) return true;
		await new Promise((r) => setTimeout(r, 20));
	}
	return heard > before;
}

beforeAll(async () => {
	db = await openTestDb();
	// Other test files share the database and announce their own changes: count only ours.
	const ours = String(process.pid);
	listener = listenTo(
		db.url,
		{ [SESSIONS_CHANNEL]: (from) => from === ours && (heard += 1) },
		{ retryMs: 100 }
	);
	await listener.ready;
});

afterAll(async () => {
	await listener.close();
	await db.close();
});

describe('the sessions channel', () => {
	it('announces a change made in a transaction only when it commits', async () => {
		const before = heard;
		await db.em().transactional(async (tx) => {
			await sessionsChanged(tx);
			// Inside the transaction: nothing is delivered yet.
			expect(await heardWithin(300, before)).toBe(false);
		});
		expect(await heardWithin(2000, before)).toBe(true);
	});

	it('announces nothing when the transaction rolls back', async () => {
		const before = heard;
		await expect(
			db.em().transactional(async (tx) => {
				await sessionsChanged(tx);
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		expect(await heardWithin(500, before)).toBe(false);
	});

	it('announces a sign-out and a deactivation', async () => {
		const em = db.em();
		const admin = await createTestUser(em, { roles: ['admin'] });
		const user = await createTestUser(em, { roles: ['practitioner'] });
		const { session } = await createSession(em, { user });

		let before = heard;
		await endSession(db.em(), session.id, 'signed out');
		expect(await heardWithin(2000, before)).toBe(true);

		before = heard;
		await updateStaff(db.em(), actorFor(admin), {
			id: user.id,
			version: user.version,
			name: user.name,
			email: user.email,
			mobile: null,
			roles: user.roles,
			isActive: false
		});
		expect(await heardWithin(2000, before)).toBe(true);
	});

	it('listens again after its connection is cut', async () => {
		const em = db.em();
		await em.execute(
			`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'casebook-listen' and datname = current_database()`
		);
		const deadline = Date.now() + 5000;
		// The listener notices, reconnects and listens again.
		await new Promise((r) => setTimeout(r, 300));
		while (!listener.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
		expect(listener.connected).toBe(true);
		const before = heard;
		await sessionsChanged(db.em());
		expect(await heardWithin(2000, before)).toBe(true);
	});
});
