// API keys: each staff member creates, lists and revokes only their own; the key is shown once and
// only its hash is stored; a revoked key, or the key of a deactivated user, no longer authenticates.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { SYSTEM_ACTOR } from './actor.ts';
import { hashToken } from './tokens.ts';
import { User } from './user.entity.ts';
import { actorFor, callerFor, createTestUser } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { ApiKey } from './api-key.entity.ts';
import { authenticateApiKey, createApiKey, MAX_LIVE_KEYS } from './api-keys.service.ts';

let db: TestDb;

beforeAll(async () => {
	db = await openTestDb();
});
afterAll(async () => {
	await db?.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof TRPCError) return error.code;
		throw error;
	}
	throw new Error('expected the call to fail');
}

describe('API keys', () => {
	it('shows a new key once, stores only its hash, and audits create, list and revoke', async () => {
		const user = await createTestUser(db.em(), { roles: ['practitioner'] });
		const api = callerFor(db.em(), user).apiKeys;
		const { key, secret } = await api.create({ name: '  Practice website  ' });
		expect(secret).toMatch(/^cbk_[A-Za-z0-9_-]{43}$/);
		expect(key).toMatchObject({ name: 'Practice website', prefix: secret.slice(0, 12), revokedAt: null });

		const stored = await db.em().findOneOrFail(ApiKey, { id: key.id });
		expect(stored.tokenHash).toBe(hashToken(secret));
		expect(JSON.stringify(stored)).not.toContain(secret);

		const listed = await api.find();
		expect(listed).toEqual([key]);
		expect(JSON.stringify(listed)).not.toContain(secret.slice(12));

		const revoked = await api.revoke({ id: key.id });
		expect(revoked.revokedAt).toBeInstanceOf(Date);
		// Revoking again changes nothing.
		expect((await api.revoke({ id: key.id })).revokedAt).toEqual(revoked.revokedAt);

		const events = await db.em().find(AuditEvent, { actorId: user.id }, { orderBy: { id: 'asc' } });
		expect(events.map((e) => e.action)).toEqual(['api_key.create', 'api_key.list', 'api_key.revoke']);
	});

	it('keeps each person to their own keys', async () => {
		const owner = await createTestUser(db.em(), { roles: ['scheduler'] });
		const other = await createTestUser(db.em(), { roles: ['admin'] });
		const { key } = await callerFor(db.em(), owner).apiKeys.create({ name: 'Mine' });
		expect(await callerFor(db.em(), other).apiKeys.find()).toEqual([]);
		expect(await codeOf(callerFor(db.em(), other).apiKeys.revoke({ id: key.id }))).toBe('NOT_FOUND');
		await expect(createApiKey(db.em(), actorFor(other), { name: 'x', userId: owner.id })).rejects.toThrow(
			/only create API keys for yourself/
		);
	});

	it('refuses a blank name and more than the maximum of live keys', async () => {
		const user = await createTestUser(db.em(), { roles: ['scheduler'] });
		const api = callerFor(db.em(), user).apiKeys;
		expect(await codeOf(api.create({ name: '   ' }))).toBe('BAD_REQUEST');
		for (let i = 0; i < MAX_LIVE_KEYS; i++) await api.create({ name: `Key ${i}` });
		expect(await codeOf(api.create({ name: 'One too many' }))).toBe('CONFLICT');
	});

	it('authenticates a live key, and stops for a revoked key or a deactivated user', async () => {
		const user = await createTestUser(db.em(), { roles: ['scheduler'] });
		// The CLI creates keys as the system, for a named user.
		const { key, secret } = await createApiKey(db.em(), SYSTEM_ACTOR, { name: 'Script', userId: user.id });
		const now = new Date();
		const identity = await authenticateApiKey(db.em(), secret, now);
		expect(identity).toMatchObject({ keyId: key.id, user: { id: user.id, roles: ['scheduler'] } });
		expect((await db.em().findOneOrFail(ApiKey, { id: key.id })).lastUsedAt).toEqual(now);

		expect(await authenticateApiKey(db.em(), `${secret}x`)).toBeNull();
		expect(await authenticateApiKey(db.em(), 'not-a-key')).toBeNull();

		await db.em().nativeUpdate(User, { id: user.id }, { isActive: false });
		expect(await authenticateApiKey(db.em(), secret)).toBeNull();
		await db.em().nativeUpdate(User, { id: user.id }, { isActive: true });
		expect(await authenticateApiKey(db.em(), secret)).not.toBeNull();

		await db.em().nativeUpdate(ApiKey, { id: key.id }, { revokedAt: new Date() });
		expect(await authenticateApiKey(db.em(), secret)).toBeNull();
	});

	it('refuses a key for someone who is not active staff', async () => {
		const leaver = await createTestUser(db.em(), { roles: ['scheduler'], isActive: false });
		await expect(createApiKey(db.em(), SYSTEM_ACTOR, { name: 'x', userId: leaver.id })).rejects.toThrow(
			/No active staff member/
		);
	});
});
