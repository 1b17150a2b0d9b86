import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import type { FieldErrors } from '../errors.ts';
import { contextFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { createCallerFactory } from '../trpc/init.ts';
import { Service } from './service.entity.ts';
import { servicesRouter } from './services.router.ts';

let db: TestDb;
let admin: User;
let scheduler: User;
let practitioner: User;

const createCaller = createCallerFactory(servicesRouter);
const api = (user: User = admin) => createCaller(contextFor(db.em(), user));

beforeAll(async () => {
	db = await openTestDb();
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
	practitioner = await createTestUser(db.em(), { roles: ['practitioner'] });
});
afterAll(async () => {
	await db?.close();
});

async function trpcError(promise: Promise<unknown>): Promise<{ code: string; fieldErrors: FieldErrors }> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof TRPCError) {
			const cause = error.cause as { fieldErrors?: FieldErrors } | undefined;
			return { code: error.code, fieldErrors: cause?.fieldErrors ?? {} };
		}
		throw error;
	}
	throw new Error('expected the call to fail');
}

const name = (label = 'Physio') => `${label} ${uniqueSuffix()}`;

async function audits(recordId: string, action: string) {
	return db.em().find(AuditEvent, { recordType: 'service', recordId, action });
}

describe('services', () => {
	it('creates, reads and updates a service, audited, returning plain views', async () => {
		const created = await api().create({ name: `  ${name()}  `, colour: '#AABBCC' });
		expect(created.name).not.toMatch(/^\s|\s$/);
		expect(created.colour).toBe('#aabbcc');
		expect(created.isActive).toBe(true);
		expect(created.practitioners).toEqual([]);
		expect(created).not.toBeInstanceOf(Service);
		expect(await audits(created.id, 'service.create')).toHaveLength(1);

		const got = await api(scheduler).get({ id: created.id });
		expect(got).toEqual(created);

		const updated = await api().update({
			...created,
			name: name('Occupational therapy'),
			version: created.version
		});
		expect(updated.version).toBe(created.version + 1);
		const [event] = await audits(created.id, 'service.update');
		expect(event?.changedFields).toEqual(['name']);

		// A stale version is a conflict.
		expect((await trpcError(api().update({ ...created, version: created.version }))).code).toBe('CONFLICT');
	});

	it('rejects bad input with field errors', async () => {
		const bad = await trpcError(api().create({ name: '', colour: 'red' }));
		expect(bad.code).toBe('BAD_REQUEST');
		expect(Object.keys(bad.fieldErrors).sort()).toEqual(['colour', 'name']);
	});

	it('keeps active names unique (case-insensitive) but allows reusing an inactive one', async () => {
		const n = name();
		const first = await api().create({ name: n });
		const dup = await trpcError(api().create({ name: n.toUpperCase() }));
		expect(dup.code).toBe('CONFLICT');
		expect(dup.fieldErrors.name).toBeDefined();

		await api().update({ ...first, isActive: false });
		const again = await api().create({ name: n });
		expect(again.isActive).toBe(true);
		// Reactivating the old one would now clash.
		const reactivate = await trpcError(
			api().update({ ...first, version: first.version + 1, isActive: true })
		);
		expect(reactivate.code).toBe('CONFLICT');
		expect(reactivate.fieldErrors.name).toBeDefined();
	});

	it('finds by search and hides inactive services unless asked', async () => {
		const tag = uniqueSuffix();
		const active = await api().create({ name: `Speech ${tag}` });
		const inactive = await api().create({ name: `Hydro ${tag}`, isActive: false });
		const found = await api(practitioner).find({ search: tag });
		expect(found.items.map((s) => s.id)).toEqual([active.id]);
		const all = await api(scheduler).find({ search: tag, includeInactive: true });
		expect(all.items.map((s) => s.id).sort()).toEqual([active.id, inactive.id].sort());
		// LIKE wildcards are literal.
		expect((await api().find({ search: `%${tag}` })).items).toEqual([]);
	});

	it('links practitioners (and admins), but not schedulers or inactive staff', async () => {
		const service = await api().create({ name: name() });
		const other = await createTestUser(db.em(), { roles: ['practitioner'], name: `Aaron ${uniqueSuffix()}` });
		const linked = await api().setPractitioners({
			serviceId: service.id,
			userIds: [practitioner.id, admin.id, other.id]
		});
		expect(linked.practitionerIds.sort()).toEqual([practitioner.id, admin.id, other.id].sort());
		expect(linked.practitioners.find((p) => p.id === other.id)?.name).toBe(other.name);
		const [event] = await audits(service.id, 'service.practitioners');
		expect(event?.details).toMatchObject({ removed: [] });

		const found = await api(scheduler).find({ search: service.name });
		expect(found.items[0]?.practitionerIds.sort()).toEqual(linked.practitionerIds);

		const withScheduler = await trpcError(
			api().setPractitioners({ serviceId: service.id, userIds: [practitioner.id, scheduler.id] })
		);
		expect(withScheduler.code).toBe('BAD_REQUEST');
		expect(withScheduler.fieldErrors.userIds).toBeDefined();

		const leaver = await createTestUser(db.em(), { roles: ['practitioner'], isActive: false });
		const withLeaver = await trpcError(
			api().setPractitioners({ serviceId: service.id, userIds: [leaver.id] })
		);
		expect(withLeaver.fieldErrors.userIds).toBeDefined();
		// Nothing was stored by the failed calls.
		expect((await api().get({ id: service.id })).practitionerIds.sort()).toEqual(linked.practitionerIds);

		const cleared = await api().setPractitioners({ serviceId: service.id, userIds: [] });
		expect(cleared.practitioners).toEqual([]);

		const candidates = await api().practitionerCandidates();
		const ids = candidates.map((c) => c.id);
		expect(ids).toEqual(expect.arrayContaining([practitioner.id, admin.id]));
		expect(ids).not.toContain(scheduler.id);
		expect(ids).not.toContain(leaver.id);
	});

	it('gives schedulers and practitioners FORBIDDEN on every mutation', async () => {
		const service = await api().create({ name: name() });
		for (const user of [scheduler, practitioner]) {
			expect((await trpcError(api(user).create({ name: name() }))).code).toBe('FORBIDDEN');
			expect((await trpcError(api(user).update({ ...service }))).code).toBe('FORBIDDEN');
			expect((await trpcError(api(user).setPractitioners({ serviceId: service.id, userIds: [] }))).code).toBe(
				'FORBIDDEN'
			);
			expect((await trpcError(api(user).practitionerCandidates())).code).toBe('FORBIDDEN');
		}
	});

	it('is NOT_FOUND for an unknown id', async () => {
		expect((await trpcError(api().get({ id: '999999999999' }))).code).toBe('NOT_FOUND');
	});
});
