import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import type { FieldErrors } from '../errors.ts';
import { contextFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { createCallerFactory } from '../trpc/init.ts';
import { BodyPart } from './body-part.entity.ts';
import { bodyPartsRouter } from './body-parts.router.ts';
import { DUPLICATE_BODY_PART } from './body-parts.service.ts';

let db: TestDb;
let admin: User;
let scheduler: User;
let practitioner: User;

const createCaller = createCallerFactory(bodyPartsRouter);
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

// Unique per test, so files and tests never share rows (the defaults from the migration exist too).
const name = (label = 'Left shoulder') => `${label} ${uniqueSuffix()}`;

async function audits(recordId: string, action: string) {
	return db.em().find(AuditEvent, { recordType: 'body_part', recordId, action });
}

describe('body parts', () => {
	it('starts with the default vocabulary from the migration', async () => {
		const names = (await api(scheduler).find({ includeArchived: true })).map((p) => p.name);
		expect(names).toEqual(expect.arrayContaining(['Neck', 'Lumbar spine', 'Left knee', 'Jaw (TMJ)']));
	});

	it('creates a part with a trimmed name, audited, as a plain view', async () => {
		const n = name();
		const created = await api().create({ name: `  ${n}  ` });
		expect(created).toEqual({ id: expect.any(String), name: n, isActive: true });
		expect(created).not.toBeInstanceOf(BodyPart);
		const [event] = await audits(created.id, 'body_part.create');
		expect(event?.actorId).toBe(admin.id);
		expect(event?.details).toEqual({ name: n });
	});

	it('refuses an empty or too long name at the field', async () => {
		const empty = await trpcError(api().create({ name: '   ' }));
		expect(empty.code).toBe('BAD_REQUEST');
		expect(empty.fieldErrors.name).toEqual(['Enter a name']);
		const long = await trpcError(api().create({ name: 'x'.repeat(81) }));
		expect(long.fieldErrors.name).toEqual(['Use at most 80 characters']);
		expect((await api().create({ name: `${uniqueSuffix()}${'x'.repeat(72)}` })).name).toHaveLength(80);
	});

	it('renames, audited with the old and new name; a no-op rename writes nothing', async () => {
		const part = await api().create({ name: name() });
		const newName = name('Right shoulder');
		const renamed = await api().rename({ id: part.id, name: ` ${newName} ` });
		expect(renamed).toEqual({ id: part.id, name: newName, isActive: true });
		const [event] = await audits(part.id, 'body_part.rename');
		expect(event?.changedFields).toEqual(['name']);
		expect(event?.details).toEqual({ from: part.name, to: newName });

		await api().rename({ id: part.id, name: newName });
		expect(await audits(part.id, 'body_part.rename')).toHaveLength(1);
		// Changing only the case is allowed (the part does not clash with itself).
		expect((await api().rename({ id: part.id, name: newName.toUpperCase() })).name).toBe(
			newName.toUpperCase()
		);
	});

	it('refuses a duplicate active name, ignoring case, at the name field', async () => {
		const n = name();
		const first = await api().create({ name: n });
		const dup = await trpcError(api().create({ name: n.toUpperCase() }));
		expect(dup.code).toBe('CONFLICT');
		expect(dup.fieldErrors).toEqual({ name: [DUPLICATE_BODY_PART] });

		const other = await api().create({ name: name() });
		const renameDup = await trpcError(api().rename({ id: other.id, name: ` ${n.toLowerCase()} ` }));
		expect(renameDup.code).toBe('CONFLICT');
		expect(renameDup.fieldErrors.name).toEqual([DUPLICATE_BODY_PART]);
		// Nothing was stored by the failed calls.
		const found = await api().find({ search: n });
		expect(found).toEqual([first]);
		expect(await audits(other.id, 'body_part.rename')).toHaveLength(0);
	});

	it('keeps names unique among active parts only: an archived name may be reused', async () => {
		const n = name();
		const old = await api().create({ name: n });
		const archived = await api().archive({ id: old.id });
		expect(archived.isActive).toBe(false);
		const [event] = await audits(old.id, 'body_part.archive');
		expect(event?.changedFields).toEqual(['isActive']);

		const again = await api().create({ name: n.toLowerCase() });
		expect(again.isActive).toBe(true);
		// An archived part may take an active part's name: it is not offered anyway...
		const otherArchived = await api().create({ name: name() });
		await api().archive({ id: otherArchived.id });
		expect((await api().rename({ id: otherArchived.id, name: n })).name).toBe(n);

		// ...but cannot come back while the active one holds the name.
		const conflict = await trpcError(api().unarchive({ id: old.id }));
		expect(conflict.code).toBe('CONFLICT');
		expect(conflict.fieldErrors).toEqual({ name: [DUPLICATE_BODY_PART] });
		expect(await audits(old.id, 'body_part.unarchive')).toHaveLength(0);

		await api().archive({ id: again.id });
		const back = await api().unarchive({ id: old.id });
		expect(back).toEqual({ id: old.id, name: n, isActive: true });
		expect(await audits(old.id, 'body_part.unarchive')).toHaveLength(1);
	});

	it('archives and unarchives idempotently, auditing only real changes', async () => {
		const part = await api().create({ name: name() });
		await api().archive({ id: part.id });
		await api().archive({ id: part.id });
		expect(await audits(part.id, 'body_part.archive')).toHaveLength(1);
		await api().unarchive({ id: part.id });
		await api().unarchive({ id: part.id });
		expect(await audits(part.id, 'body_part.unarchive')).toHaveLength(1);
	});

	it('finds by search, sorted by name, hiding archived parts unless asked', async () => {
		const tag = uniqueSuffix();
		const knee = await api().create({ name: `knee ${tag}` });
		const ankle = await api().create({ name: `Ankle ${tag}` });
		const hip = await api().create({ name: `Hip ${tag}` });
		await api().archive({ id: hip.id });

		expect(await api(practitioner).find({ search: tag })).toEqual([ankle, knee]);
		const all = await api(scheduler).find({ search: tag.toUpperCase(), includeArchived: true });
		expect(all.map((p) => p.name)).toEqual([`Ankle ${tag}`, `Hip ${tag}`, `knee ${tag}`]);
		expect(all.find((p) => p.id === hip.id)?.isActive).toBe(false);
		// LIKE wildcards are literal.
		expect(await api().find({ search: `%${tag}` })).toEqual([]);
		expect(await api().find({ search: `_nkle ${tag}` })).toEqual([]);
	});

	it('gives schedulers and practitioners FORBIDDEN on every mutation, and changes nothing', async () => {
		const part = await api().create({ name: name() });
		for (const user of [scheduler, practitioner]) {
			expect((await trpcError(api(user).create({ name: name() }))).code).toBe('FORBIDDEN');
			expect((await trpcError(api(user).rename({ id: part.id, name: name() }))).code).toBe('FORBIDDEN');
			expect((await trpcError(api(user).archive({ id: part.id }))).code).toBe('FORBIDDEN');
			expect((await trpcError(api(user).unarchive({ id: part.id }))).code).toBe('FORBIDDEN');
			expect(await api(user).find({ search: part.name })).toEqual([part]);
		}
	});

	it('is NOT_FOUND for an unknown id and BAD_REQUEST for a malformed one', async () => {
		expect((await trpcError(api().rename({ id: '999999999999', name: name() }))).code).toBe('NOT_FOUND');
		expect((await trpcError(api().archive({ id: '999999999999' }))).code).toBe('NOT_FOUND');
		expect((await trpcError(api().unarchive({ id: 'abc' }))).code).toBe('BAD_REQUEST');
	});
});
