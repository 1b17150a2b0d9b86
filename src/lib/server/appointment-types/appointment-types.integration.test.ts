import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import type { FieldErrors } from '../errors.ts';
import { createService } from '../services/services.service.ts';
import { actorFor, contextFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { createCallerFactory } from '../trpc/init.ts';
import { AppointmentType } from './appointment-type.entity.ts';
import { appointmentTypesRouter } from './appointment-types.router.ts';
import { centsToDollars, dollarsToCents } from './appointment-types.schemas.ts';

let db: TestDb;
let admin: User;
let scheduler: User;
let practitioner: User;
let physio: string;
let ot: string;
let retired: string;

const createCaller = createCallerFactory(appointmentTypesRouter);
const api = (user: User = admin) => createCaller(contextFor(db.em(), user));

beforeAll(async () => {
	db = await openTestDb();
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
	practitioner = await createTestUser(db.em(), { roles: ['practitioner'] });
	const actor = actorFor(admin);
	physio = (await createService(db.em(), actor, { name: `Physio ${uniqueSuffix()}` })).id;
	ot = (await createService(db.em(), actor, { name: `OT ${uniqueSuffix()}` })).id;
	retired = (await createService(db.em(), actor, { name: `Retired ${uniqueSuffix()}`, isActive: false })).id;
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

const name = (label = 'Initial consultation') => `${label} ${uniqueSuffix()}`;
const valid = () => ({
	name: name(),
	serviceIds: [physio],
	durationMinutes: 45,
	priceCents: 9500,
	colour: '#0284c7'
});

async function countNamed(n: string) {
	return db.em().count(AppointmentType, { name: n });
}

describe('appointment types', () => {
	it('creates, reads and updates a type, audited', async () => {
		const created = await api().create({ ...valid(), serviceIds: [physio, ot, physio] });
		expect([...created.serviceIds].sort()).toEqual([physio, ot].sort());
		expect(created.durationMinutes).toBe(45);
		expect(created.priceCents).toBe(9500);
		expect(created.isActive).toBe(true);
		expect(created).not.toBeInstanceOf(AppointmentType);
		expect(await api(practitioner).get({ id: created.id })).toEqual(created);

		const updated = await api().update({ ...created, serviceIds: [ot], durationMinutes: 60, priceCents: 0 });
		expect(updated.serviceIds).toEqual([ot]);
		expect(updated.priceCents).toBe(0);
		const events = await db.em().find(AuditEvent, { recordType: 'appointment_type', recordId: created.id });
		expect(events.map((e) => e.action).sort()).toEqual(['appointmentType.create', 'appointmentType.update']);
		const update = events.find((e) => e.action === 'appointmentType.update');
		expect(update?.changedFields?.sort()).toEqual(['durationMinutes', 'priceCents', 'services'].sort());

		expect((await trpcError(api().update({ ...created }))).code).toBe('CONFLICT');
	});

	it.each([
		['0', 0],
		['7', 7],
		['481', 481],
		['not a number', Number.NaN],
		['a fraction', 12.5]
	])('rejects a duration of %s with a field error and stores nothing', async (_label, minutes) => {
		const input = { ...valid(), durationMinutes: minutes };
		const error = await trpcError(api().create(input));
		expect(error.code).toBe('BAD_REQUEST');
		expect(error.fieldErrors.durationMinutes?.[0]).toMatch(/5 to 480, in steps of 5/);
		expect(await countNamed(input.name)).toBe(0);
	});

	it('accepts the edges of the duration range', async () => {
		expect((await api().create({ ...valid(), durationMinutes: 5 })).durationMinutes).toBe(5);
		expect((await api().create({ ...valid(), durationMinutes: 480 })).durationMinutes).toBe(480);
	});

	it('rejects a price below zero or in fractions of a cent', async () => {
		for (const price of [-1, -500, 10.5, Number.NaN]) {
			const input = { ...valid(), priceCents: price };
			const error = await trpcError(api().create(input));
			expect(error.code).toBe('BAD_REQUEST');
			expect(error.fieldErrors.priceCents).toBeDefined();
			expect(await countNamed(input.name)).toBe(0);
		}
	});

	it('needs at least one existing, active service', async () => {
		for (const serviceIds of [[], [retired], ['999999999999']]) {
			const input = { ...valid(), serviceIds };
			const error = await trpcError(api().create(input));
			expect(error.code).toBe('BAD_REQUEST');
			expect(error.fieldErrors.serviceIds).toBeDefined();
			expect(await countNamed(input.name)).toBe(0);
		}
	});

	it('keeps active names unique, case-insensitively, with a field error on name', async () => {
		const first = await api().create(valid());
		const error = await trpcError(api().create({ ...valid(), name: first.name.toLowerCase() }));
		expect(error.code).toBe('CONFLICT');
		expect(error.fieldErrors.name).toBeDefined();
		expect(await countNamed(first.name.toLowerCase())).toBe(0);

		const renamed = await api().create(valid());
		const clash = await trpcError(api().update({ ...renamed, name: first.name }));
		expect(clash.code).toBe('CONFLICT');
		expect(clash.fieldErrors.name).toBeDefined();

		// Once the first is inactive its name is free again.
		await api().update({ ...first, isActive: false });
		expect((await api().create({ ...valid(), name: first.name })).name).toBe(first.name);
	});

	it('rejects a missing or blank name and a bad colour', async () => {
		const error = await trpcError(api().create({ ...valid(), name: '  ', colour: '#12345' }));
		expect(Object.keys(error.fieldErrors).sort()).toEqual(['colour', 'name']);
	});

	it('lists active types by default, filtered by service and search', async () => {
		const tag = uniqueSuffix();
		const a = await api().create({ ...valid(), name: `Review ${tag}`, serviceIds: [physio, ot] });
		const b = await api().create({ ...valid(), name: `Assessment ${tag}`, serviceIds: [ot] });
		const gone = await api().create({ ...valid(), name: `Old ${tag}`, isActive: false });

		const active = await api(scheduler).find({ search: tag });
		expect(active.items.map((t) => t.id)).toEqual([b.id, a.id]);
		const all = await api(scheduler).find({ search: tag, includeInactive: true });
		expect(all.items.map((t) => t.id)).toEqual([b.id, a.id, gone.id]);
		const physioOnly = await api(practitioner).find({ search: tag, serviceId: physio });
		expect(physioOnly.items.map((t) => t.id)).toEqual([a.id]);
		// Filtering by one service still returns every service of the type.
		expect([...(physioOnly.items[0]?.serviceIds ?? [])].sort()).toEqual([physio, ot].sort());
	});

	it('gives schedulers and practitioners FORBIDDEN on every mutation', async () => {
		const type = await api().create(valid());
		for (const user of [scheduler, practitioner]) {
			const create = await trpcError(api(user).create(valid()));
			expect(create.code).toBe('FORBIDDEN');
			expect((await trpcError(api(user).update({ ...type, name: name() }))).code).toBe('FORBIDDEN');
		}
		expect((await api().get({ id: type.id })).version).toBe(type.version);
	});

	it('converts dollars typed in a form to cents', () => {
		expect(dollarsToCents('95')).toBe(9500);
		expect(dollarsToCents('$1,200.5')).toBe(120050);
		expect(dollarsToCents('0.05')).toBe(5);
		expect(dollarsToCents('-5')).toBe(-500);
		expect(dollarsToCents('')).toBeNaN();
		expect(dollarsToCents('abc')).toBeNaN();
		expect(dollarsToCents('1.234')).toBeNaN();
		expect(centsToDollars(9550)).toBe('95.50');
	});
});
