// Issue 18: the clinic's clock is a setting an admin changes; it is checked and audited like the
// others. The settings row is the clinic's own (one per database), so this test puts it back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { callerFor, createTestUser } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import type { User } from '../auth/user.entity.ts';
import { ClinicSettings } from './clinic-settings.entity.ts';
import { getClinicSettings } from './settings.service.ts';

let db: TestDb;
let admin: User;

beforeAll(async () => {
	db = await openTestDb();
	admin = await createTestUser(db.em(), { roles: ['admin'] });
});
afterAll(async () => {
	await db?.close();
});

describe('the clinic clock', () => {
	it('is changed by an admin, read by everyone (the portal too), and audited', async () => {
		const api = callerFor(db.em(), admin);
		const before = await api.settings.get();
		const other = before.clock === '12h' ? '24h' : '12h';
		try {
			const saved = await api.settings.update({
				clinicName: before.clinicName,
				requireTwoFactor: before.requireTwoFactor,
				clock: other,
				version: before.version
			});
			expect(saved.clock).toBe(other);
			expect((await api.settings.get()).clock).toBe(other);
			expect((await callerFor(db.em(), null).settings.clinic()).clock).toBe(other);
			const audit = await db
				.em()
				.findOne(AuditEvent, { action: 'settings.update', actorId: admin.id }, { orderBy: { id: 'desc' } });
			expect(audit?.changedFields).toEqual(['clock']);
		} finally {
			const now = await api.settings.get();
			await api.settings.update({
				clinicName: now.clinicName,
				requireTwoFactor: now.requireTwoFactor,
				clock: before.clock,
				version: now.version
			});
		}
	});

	it('refuses anything but a 12- or 24-hour clock, naming the field', async () => {
		const api = callerFor(db.em(), admin);
		const before = await api.settings.get();
		const failure = await failureOf(
			api.settings.update({
				clinicName: before.clinicName,
				requireTwoFactor: before.requireTwoFactor,
				clock: '13h' as never,
				version: before.version
			})
		);
		expect(failure.code).toBe('BAD_REQUEST');
		expect(failure.fieldErrors.clock?.[0]).toBe('Choose a 12-hour or a 24-hour clock');
		expect((await api.settings.get()).version).toBe(before.version);
	});
});

describe('reading the settings inside a transaction', () => {
	// Read on another connection, ten reminder jobs each holding a transaction (and a connection)
	// waited for an eleventh from a pool of ten, for ever: the read must go through the transaction.
	it('reads through the caller’s transaction, not a connection of its own', async () => {
		const marker = `Rolled back ${Date.now()}`;
		const seen = await db
			.em()
			.transactional(async (tx) => {
				await tx.nativeUpdate(ClinicSettings, { id: 1 }, { clinicName: marker });
				const inside = await getClinicSettings(tx, { fresh: true });
				throw Object.assign(new Error('roll back'), { inside });
			})
			.catch((e: { inside?: { clinicName: string } }) => e.inside);
		expect(seen?.clinicName).toBe(marker);
		// Nor does the rolled-back value linger in the shared cache.
		expect((await getClinicSettings(db.em())).clinicName).not.toBe(marker);
		expect((await getClinicSettings(db.em(), { fresh: true })).clinicName).not.toBe(marker);
	});
});
