import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import { callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';

let db: TestDb;
let scheduler: User;

beforeAll(async () => {
	db = await openTestDb();
	scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
});
afterAll(async () => {
	await db?.close();
});

const api = (user: User = scheduler) => callerFor(db.em(), user).contacts;

describe('archiving and restoring a referring doctor', () => {
	it('moves them between the current and archived lists, auditing each change once', async () => {
		const lastName = `Archivable ${uniqueSuffix()}`;
		const contact = await api().create({ type: 'gp', lastName, firstName: 'Ada' });
		const listed = async (archived: boolean) =>
			(await api().find({ search: lastName, archived })).items.map((c) => c.id);
		expect(await listed(false)).toEqual([contact.id]);
		expect(await listed(true)).toEqual([]);

		expect((await api().archive({ id: contact.id })).archivedAt).toBeInstanceOf(Date);
		expect(await listed(false)).toEqual([]);
		expect(await listed(true)).toEqual([contact.id]);

		expect((await api().unarchive({ id: contact.id })).archivedAt).toBeNull();
		// Restoring a current contact changes nothing and writes no audit event.
		await api().unarchive({ id: contact.id });
		expect(await listed(false)).toEqual([contact.id]);
		expect(await listed(true)).toEqual([]);
		const events = await db
			.em()
			.find(AuditEvent, { recordType: 'contact', recordId: contact.id }, { orderBy: { id: 'asc' } });
		expect(events.map((e) => e.action)).toEqual(['contact.create', 'contact.archive', 'contact.unarchive']);
	});

	it('answers NOT_FOUND for a contact that does not exist, and refuses staff without a role', async () => {
		expect((await failureOf(api().unarchive({ id: '999999999' }))).code).toBe('NOT_FOUND');
		const roleless = await createTestUser(db.em(), { roles: [] });
		expect((await failureOf(api(roleless).unarchive({ id: '1' }))).code).toBe('FORBIDDEN');
	});
});
