import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import type { FieldErrors } from '../errors.ts';
import { Service } from '../services/service.entity.ts';
import { contextFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { createCallerFactory } from '../trpc/init.ts';
import { CaseTemplate } from './case-template.entity.ts';
import { caseTemplatesRouter } from './case-templates.router.ts';

let db: TestDb;
let admin: User;
let scheduler: User;
let practitioner: User;
let physio: Service;
let ot: Service;
let speech: Service;
let physioInitial: AppointmentType;
let otReview: AppointmentType;
let speechOnly: AppointmentType;

const createCaller = createCallerFactory(caseTemplatesRouter);
const api = (user: User) => createCaller(contextFor(db.em(), user));

beforeAll(async () => {
	db = await openTestDb();
	const em = db.em();
	admin = await createTestUser(em, { roles: ['admin'] });
	scheduler = await createTestUser(em, { roles: ['scheduler'] });
	practitioner = await createTestUser(em, { roles: ['practitioner'] });
	const suffix = uniqueSuffix();
	physio = em.create(Service, { name: `Physiotherapy ${suffix}`, colour: '#0f766e' });
	ot = em.create(Service, { name: `Occupational therapy ${suffix}`, colour: '#7c3aed' });
	speech = em.create(Service, { name: `Speech pathology ${suffix}`, colour: '#db2777' });
	physio.practitioners.add(practitioner);
	physioInitial = em.create(AppointmentType, { name: `Initial physio ${suffix}`, durationMinutes: 43 });
	physioInitial.services.add(physio);
	otReview = em.create(AppointmentType, { name: `OT review ${suffix}`, durationMinutes: 30 });
	otReview.services.add(ot);
	speechOnly = em.create(AppointmentType, { name: `Speech session ${suffix}`, durationMinutes: 60 });
	speechOnly.services.add(speech);
	await em.flush();
});
afterAll(async () => {
	await db?.close();
});

async function trpcError(
	promise: Promise<unknown>
): Promise<{ code: string; fieldErrors: FieldErrors; message: string }> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof TRPCError) {
			const cause = error.cause as { fieldErrors?: FieldErrors } | undefined;
			return { code: error.code, fieldErrors: cause?.fieldErrors ?? {}, message: error.message };
		}
		throw error;
	}
	throw new Error('expected the call to fail');
}

function templateName() {
	return `Shoulder rehabilitation ${uniqueSuffix()}`;
}

async function templateCount(name: string) {
	return db.em().count(CaseTemplate, { name });
}

describe('creating and reading a template', () => {
	it('stores a shared template with request types, defaults durations to a step of 5, and audits', async () => {
		const name = templateName();
		const created = await api(admin).create({
			name,
			description: 'Post-surgical knee, physio and OT together',
			serviceIds: [physio.id, ot.id],
			allowsRequests: true,
			requestTypes: [
				{ appointmentTypeId: physioInitial.id },
				{ appointmentTypeId: otReview.id, durationMinutes: 45 }
			]
		});
		expect(created.isShared).toBe(true);
		expect(created.services.map((s) => s.id).sort()).toEqual([physio.id, ot.id].sort());
		expect(created.isActive).toBe(true);
		expect(created.requestsWithoutTypes).toBe(false);
		const byType = Object.fromEntries(created.requestTypes.map((r) => [r.appointmentTypeId, r]));
		expect(byType[physioInitial.id]).toMatchObject({ durationMinutes: 45, defaultDuration: 45 });
		expect(byType[otReview.id]).toMatchObject({ durationMinutes: 45, defaultDuration: 30 });

		const fetched = await api(scheduler).get({ id: created.id });
		expect(fetched.affectedCases).toBe(0);
		expect(fetched.requestTypes).toHaveLength(2);

		const audit = await db.em().findOne(AuditEvent, { action: 'case_template.create', recordId: created.id });
		expect(audit?.changedFields).toContain('requestTypes');
	});

	it('is not shared with one service, and flags requests allowed without any type', async () => {
		const created = await api(admin).create({
			name: templateName(),
			serviceIds: [physio.id],
			allowsRequests: true,
			requestTypes: []
		});
		expect(created.isShared).toBe(false);
		expect(created.requestsWithoutTypes).toBe(true);
	});
});

describe('bad input: a field-level error and nothing stored', () => {
	for (const [label, duration] of [
		['0', 0],
		['7', 7],
		['481', 481],
		['NaN', Number.NaN]
	] as const) {
		it(`rejects duration ${label}`, async () => {
			const name = templateName();
			const error = await trpcError(
				api(admin).create({
					name,
					serviceIds: [physio.id],
					allowsRequests: true,
					requestTypes: [{ appointmentTypeId: physioInitial.id, durationMinutes: duration }]
				})
			);
			expect(error.code).toBe('BAD_REQUEST');
			expect(error.fieldErrors['requestTypes.0.durationMinutes']?.[0]).toMatch(/5 to 480/);
			expect(await templateCount(name)).toBe(0);
		});
	}

	it('rejects an appointment type outside the template’s services', async () => {
		const name = templateName();
		const error = await trpcError(
			api(admin).create({
				name,
				serviceIds: [physio.id],
				allowsRequests: true,
				requestTypes: [{ appointmentTypeId: physioInitial.id }, { appointmentTypeId: speechOnly.id }]
			})
		);
		expect(error.code).toBe('BAD_REQUEST');
		expect(error.fieldErrors['requestTypes.1.appointmentTypeId']?.[0]).toMatch(/does not belong/);
		expect(await templateCount(name)).toBe(0);
	});

	it('rejects a template with no service', async () => {
		const name = templateName();
		const error = await trpcError(api(admin).create({ name, serviceIds: [] }));
		expect(error.code).toBe('BAD_REQUEST');
		expect(error.fieldErrors.serviceIds).toBeDefined();
		expect(await templateCount(name)).toBe(0);
	});

	it('rejects an unknown service', async () => {
		const name = templateName();
		const error = await trpcError(api(admin).create({ name, serviceIds: ['999999999'] }));
		expect(error.fieldErrors.serviceIds).toBeDefined();
		expect(await templateCount(name)).toBe(0);
	});

	it('rejects a duplicate active name, case-insensitively, but allows the name of an archived one', async () => {
		const name = templateName();
		const first = await api(admin).create({ name, serviceIds: [physio.id] });
		const error = await trpcError(api(admin).create({ name: name.toUpperCase(), serviceIds: [ot.id] }));
		expect(error.code).toBe('CONFLICT');
		expect(error.fieldErrors.name).toBeDefined();
		expect(await db.em().count(CaseTemplate, { name: name.toUpperCase() })).toBe(0);

		await api(admin).archive({ id: first.id });
		const again = await api(admin).create({ name, serviceIds: [ot.id] });
		expect(again.isActive).toBe(true);
	});

	it('rejects an empty name', async () => {
		const error = await trpcError(api(admin).create({ name: '  ', serviceIds: [physio.id] }));
		expect(error.fieldErrors.name).toBeDefined();
	});
});

describe('updating', () => {
	it('changes settings, audits the changed fields and bumps the version', async () => {
		const created = await api(admin).create({
			name: templateName(),
			serviceIds: [physio.id],
			allowsRequests: false
		});
		const updated = await api(admin).update({
			id: created.id,
			version: created.version,
			name: created.name,
			serviceIds: [physio.id, ot.id],
			allowsRequests: true,
			requestTypes: [{ appointmentTypeId: otReview.id, durationMinutes: 60 }]
		});
		expect(updated.isShared).toBe(true);
		expect(updated.requestTypes).toEqual([
			expect.objectContaining({ appointmentTypeId: otReview.id, durationMinutes: 60, defaultDuration: 30 })
		]);
		expect(updated.version).toBeGreaterThan(created.version);
		expect(updated.affectedCases).toBe(0);
		const audit = await db.em().findOne(AuditEvent, { action: 'case_template.update', recordId: created.id });
		expect(audit?.changedFields?.sort()).toEqual(['allowsRequests', 'requestTypes', 'serviceIds']);

		// Dropping the OT service leaves the OT type outside the template's services.
		const error = await trpcError(
			api(admin).update({
				id: created.id,
				version: updated.version,
				name: created.name,
				serviceIds: [physio.id],
				allowsRequests: true,
				requestTypes: [{ appointmentTypeId: otReview.id, durationMinutes: 60 }]
			})
		);
		expect(error.fieldErrors['requestTypes.0.appointmentTypeId']).toBeDefined();
		const stored = await api(admin).get({ id: created.id });
		expect(stored.services).toHaveLength(2);
	});

	it('refuses a save based on an old version', async () => {
		const created = await api(admin).create({ name: templateName(), serviceIds: [physio.id] });
		await api(admin).update({
			id: created.id,
			version: created.version,
			name: `${created.name} v2`,
			serviceIds: [physio.id]
		});
		const error = await trpcError(
			api(admin).update({
				id: created.id,
				version: created.version,
				name: `${created.name} v3`,
				serviceIds: [physio.id]
			})
		);
		expect(error.code).toBe('CONFLICT');
		expect((await api(admin).get({ id: created.id })).name).toBe(`${created.name} v2`);
	});
});

describe('delete and archive', () => {
	it('deletes a template no case uses', async () => {
		const created = await api(admin).create({
			name: templateName(),
			serviceIds: [physio.id],
			allowsRequests: true,
			requestTypes: [{ appointmentTypeId: physioInitial.id }]
		});
		const result = await api(admin).delete({ id: created.id });
		expect(result.outcome).toBe('deleted');
		expect(await db.em().count(CaseTemplate, { id: created.id })).toBe(0);
		expect(await db.em().count(AuditEvent, { action: 'case_template.delete', recordId: created.id })).toBe(1);
		expect((await trpcError(api(admin).get({ id: created.id }))).code).toBe('NOT_FOUND');
	});

	it('archives: inactive, dated, hidden from the default list but shown with archived', async () => {
		const created = await api(admin).create({ name: templateName(), serviceIds: [physio.id] });
		const archived = await api(admin).archive({ id: created.id });
		expect(archived.isActive).toBe(false);
		expect(archived.archivedAt).toBeInstanceOf(Date);
		const active = await api(admin).find({ search: created.name });
		expect(active.items).toHaveLength(0);
		const all = await api(admin).find({ search: created.name, includeArchived: true });
		expect(all.items.map((t) => t.id)).toEqual([created.id]);
	});
});

describe('access', () => {
	it('scheduler and practitioner get FORBIDDEN on every mutation', async () => {
		const created = await api(admin).create({ name: templateName(), serviceIds: [physio.id] });
		for (const user of [scheduler, practitioner]) {
			const calls = [
				api(user).create({ name: templateName(), serviceIds: [physio.id] }),
				api(user).update({ id: created.id, version: created.version, name: 'x', serviceIds: [physio.id] }),
				api(user).archive({ id: created.id }),
				api(user).delete({ id: created.id })
			];
			for (const call of calls) expect((await trpcError(call)).code).toBe('FORBIDDEN');
		}
		const stored = await api(admin).get({ id: created.id });
		expect(stored).toMatchObject({ name: created.name, isActive: true, version: created.version });
	});

	it('a practitioner sees only templates of their services; schedulers see all', async () => {
		const tag = uniqueSuffix();
		const mine = await api(admin).create({ name: `Mine ${tag}`, serviceIds: [physio.id] });
		const shared = await api(admin).create({ name: `Shared ${tag}`, serviceIds: [ot.id, physio.id] });
		const other = await api(admin).create({ name: `Other ${tag}`, serviceIds: [speech.id] });

		const seen = await api(practitioner).find({ search: tag });
		expect(seen.items.map((t) => t.id).sort()).toEqual([mine.id, shared.id].sort());
		expect(seen.total).toBe(2);
		// The practitioner still sees every service of a shared template.
		expect(seen.items.find((t) => t.id === shared.id)?.services).toHaveLength(2);
		expect((await trpcError(api(practitioner).get({ id: other.id }))).code).toBe('NOT_FOUND');
		expect((await api(practitioner).get({ id: mine.id })).id).toBe(mine.id);

		const all = await api(scheduler).find({ search: tag });
		expect(all.items).toHaveLength(3);
	});
});
