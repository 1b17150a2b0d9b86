// An admin deactivating a colleague or sending them a reset link sees their live API keys and can
// revoke them (issue 15): neither a deactivation nor a new password stops a key for good.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateApiKey, createApiKey } from '../auth/api-keys.service.ts';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { actorFor, callerFor, createTestUser } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';

let db: TestDb;
beforeAll(async () => {
	db = await openTestDb();
});
afterAll(async () => {
	await db?.close();
});

async function staffWithKeys(names: string[]) {
	const user = await createTestUser(db.em(), { roles: ['practitioner'] });
	const keys = [];
	for (const name of names) keys.push(await createApiKey(db.em(), actorFor(user), { name, userId: user.id }));
	return { user, keys };
}

describe("a staff member's API keys on the admin's page", () => {
	it('are listed after a deactivation, and revoking them keeps them dead when the account comes back', async () => {
		const admin = callerFor(db.em(), await createTestUser(db.em(), { roles: ['admin'] }));
		const { user, keys } = await staffWithKeys(['Practice website', 'Spreadsheet']);
		const edit = { id: user.id, name: user.name, email: user.email, mobile: null, roles: user.roles };
		const deactivated = await admin.staff.update({ ...edit, version: user.version, isActive: false });
		expect(deactivated.isActive).toBe(false);

		const listed = await admin.staff.findApiKeys({ id: user.id });
		expect(listed.map((k) => k.name).sort()).toEqual(['Practice website', 'Spreadsheet']);
		expect(listed.map((k) => k.prefix)).toEqual(expect.arrayContaining(keys.map((k) => k.key.prefix)));

		expect(await admin.staff.revokeApiKeys({ id: user.id })).toEqual({ revoked: 2 });
		expect(await admin.staff.findApiKeys({ id: user.id })).toEqual([]);
		await admin.staff.update({ ...edit, version: deactivated.version, isActive: true });
		for (const { secret } of keys) expect(await authenticateApiKey(db.em(), secret)).toBeNull();
		const revocations = await db
			.em()
			.find(AuditEvent, { action: 'api_key.revoke', recordId: { $in: keys.map((k) => k.key.id) } });
		expect(revocations).toHaveLength(2);
	});

	it('are listed with a reset link sent, and only an admin may see or revoke them', async () => {
		const admin = callerFor(db.em(), await createTestUser(db.em(), { roles: ['admin'] }));
		const { user } = await staffWithKeys(['Integration']);
		await admin.staff.sendPasswordReset({ id: user.id });
		expect((await admin.staff.findApiKeys({ id: user.id })).map((k) => k.name)).toEqual(['Integration']);

		const scheduler = callerFor(db.em(), await createTestUser(db.em(), { roles: ['scheduler'] }));
		expect((await failureOf(scheduler.staff.findApiKeys({ id: user.id }))).code).toBe('FORBIDDEN');
		expect((await failureOf(scheduler.staff.revokeApiKeys({ id: user.id }))).code).toBe('FORBIDDEN');
		expect(await admin.staff.findApiKeys({ id: user.id })).toHaveLength(1);
	});
});
