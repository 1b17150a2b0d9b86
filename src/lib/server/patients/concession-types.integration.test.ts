// Concession types (issue 18): admins create, rename, archive and bring them back; staff choose a
// current one on the patient form; the REST patient links to it and /api/v1/concession_types lists it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import { apiClient, ORIGIN, type ApiClient } from '../api/api-test-client.ts';
import { failureOf } from '../testing/failures.ts';
import { callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { DUPLICATE_CONCESSION_TYPE } from './concession-types.service.ts';

let db: TestDb;
let admin: User;
let scheduler: User;
let practitioner: User;
let api: ApiClient;

const as = (user: User) => callerFor(db.em(), user);
const name = (label = 'Pensioner') => `${label} ${uniqueSuffix()}`;
type Json = Record<string, unknown>;

beforeAll(async () => {
	db = await openTestDb();
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
	practitioner = await createTestUser(db.em(), { roles: ['practitioner'] });
	api = await apiClient(db, ['practitioner']);
});
afterAll(async () => {
	await db?.close();
});

async function audits(recordId: string) {
	const events = await db
		.em()
		.find(AuditEvent, { recordType: 'concession_type', recordId }, { orderBy: { id: 'asc' } });
	return events.map((e) => e.action);
}

describe('concession types in the app', () => {
	it('are created, renamed, archived and unarchived by an admin, each change audited', async () => {
		const n = name();
		const created = await as(admin).concessionTypes.create({ name: `  ${n} ` });
		expect(created).toMatchObject({ name: n, isArchived: false, patientCount: 0 });

		const renamed = await as(admin).concessionTypes.rename({ id: created.id, name: `${n} card` });
		expect(renamed.name).toBe(`${n} card`);
		// The patient form offers current types only.
		expect(await as(practitioner).patients.concessionTypes()).toContainEqual({
			id: created.id,
			name: `${n} card`
		});

		const archived = await as(admin).concessionTypes.archive({ id: created.id });
		expect(archived.isArchived).toBe(true);
		expect((await as(scheduler).patients.concessionTypes()).map((t) => t.id)).not.toContain(created.id);
		expect((await as(scheduler).concessionTypes.find({})).map((t) => t.id)).not.toContain(created.id);
		expect(
			(await as(scheduler).concessionTypes.find({ includeArchived: true, search: n })).map((t) => t.id)
		).toEqual([created.id]);

		expect((await as(admin).concessionTypes.unarchive({ id: created.id })).isArchived).toBe(false);
		expect(await audits(created.id)).toEqual([
			'concession_type.create',
			'concession_type.rename',
			'concession_type.archive',
			'concession_type.unarchive'
		]);
	});

	it('refuses a second current type of the same name (ignoring case), but frees an archived name', async () => {
		const n = name('Student');
		const first = await as(admin).concessionTypes.create({ name: n });
		const duplicate = await failureOf(as(admin).concessionTypes.create({ name: n.toUpperCase() }));
		expect(duplicate.code).toBe('CONFLICT');
		expect(duplicate.fieldErrors).toEqual({ name: [DUPLICATE_CONCESSION_TYPE] });
		const other = await as(admin).concessionTypes.create({ name: `${n} 2` });
		expect(
			(await failureOf(as(admin).concessionTypes.rename({ id: other.id, name: n }))).fieldErrors
		).toEqual({
			name: [DUPLICATE_CONCESSION_TYPE]
		});

		await as(admin).concessionTypes.archive({ id: first.id });
		const again = await as(admin).concessionTypes.create({ name: n });
		expect(again.id).not.toBe(first.id);
		// The archived one cannot come back while the new one holds its name.
		expect((await failureOf(as(admin).concessionTypes.unarchive({ id: first.id }))).fieldErrors).toEqual({
			name: [DUPLICATE_CONCESSION_TYPE]
		});
	});

	it('answers field errors for a blank or long name, and NOT_FOUND for an unknown id', async () => {
		expect((await failureOf(as(admin).concessionTypes.create({ name: '   ' }))).fieldErrors.name).toEqual([
			'Enter a name'
		]);
		expect((await failureOf(as(admin).concessionTypes.create({ name: 'x'.repeat(121) }))).code).toBe(
			'BAD_REQUEST'
		);
		expect(
			(await failureOf(as(admin).concessionTypes.rename({ id: '999999999999', name: name() }))).code
		).toBe('NOT_FOUND');
	});

	it('are changed by admins only', async () => {
		const type = await as(admin).concessionTypes.create({ name: name() });
		for (const user of [scheduler, practitioner]) {
			expect((await failureOf(as(user).concessionTypes.create({ name: name() }))).code).toBe('FORBIDDEN');
			expect((await failureOf(as(user).concessionTypes.rename({ id: type.id, name: name() }))).code).toBe(
				'FORBIDDEN'
			);
			expect((await failureOf(as(user).concessionTypes.archive({ id: type.id }))).code).toBe('FORBIDDEN');
		}
		expect(await audits(type.id)).toEqual(['concession_type.create']);
	});

	it('are chosen on a patient, who keeps an archived one and shows its new name', async () => {
		const type = await as(admin).concessionTypes.create({ name: name('Healthcare card') });
		const patient = await as(scheduler).patients.create({
			firstName: 'Conny',
			lastName: `Cession ${uniqueSuffix()}`,
			concessionTypeId: type.id
		});
		expect(patient.concessionType).toEqual({ id: type.id, name: type.name });
		await as(admin).concessionTypes.rename({ id: type.id, name: `${type.name} (renamed)` });
		await as(admin).concessionTypes.archive({ id: type.id });
		const read = await as(scheduler).patients.get({ id: patient.id });
		expect(read.concessionType).toEqual({ id: type.id, name: `${type.name} (renamed)` });
		expect(
			(await as(admin).concessionTypes.find({ includeArchived: true, search: type.name }))[0]
		).toMatchObject({ id: type.id, patientCount: 1 });
		// …but an archived type is no longer given to another patient.
		const refused = await failureOf(
			as(scheduler).patients.create({
				firstName: 'Other',
				lastName: `Cession ${uniqueSuffix()}`,
				concessionTypeId: type.id
			})
		);
		expect(refused.fieldErrors).toEqual({ concessionTypeId: ['That concession type does not exist'] });
	});
});

describe('concession types over REST', () => {
	it('link from the patient, and answer at that link (also once archived)', async () => {
		const type = await as(admin).concessionTypes.create({ name: name('Seniors') });
		const created = await api.call('POST', '/patients', {
			body: { first_name: 'Rest', last_name: `Concession ${uniqueSuffix()}`, concession_type_id: type.id }
		});
		expect(created.status, created.text).toBe(201);
		const link = ((created.body as Json).concession_type as { links: { self: string } }).links.self;
		expect(link).toBe(`${ORIGIN}/api/v1/concession_types/${type.id}`);

		const one = await api.call('GET', link.slice(ORIGIN.length));
		expect(one.status).toBe(200);
		expect(one.body).toEqual({
			id: Number(type.id),
			name: type.name,
			created_at: expect.stringMatching(/Z$/),
			updated_at: expect.stringMatching(/Z$/),
			archived_at: null,
			links: { self: link }
		});

		const list = await api.call('GET', '/concession_types');
		expect(list.status).toBe(200);
		const body = list.body as { concession_types: Json[]; total_entries: number; links: Json };
		expect(body.concession_types.map((t) => t.id)).toContain(Number(type.id));
		expect(body.total_entries).toBe(body.concession_types.length);

		await as(admin).concessionTypes.archive({ id: type.id });
		const archived = await api.call('GET', `/concession_types/${type.id}`);
		expect((archived.body as Json).archived_at).toEqual(expect.stringMatching(/Z$/));
		const after = (await api.call('GET', '/concession_types')).body as { concession_types: Json[] };
		expect(after.concession_types.map((t) => t.id)).not.toContain(Number(type.id));

		// Clearing the patient's concession removes the link.
		const id = (created.body as Json).id as number;
		const cleared = await api.call('PUT', `/patients/${id}`, { body: { concession_type_id: null } });
		expect(Object.keys(cleared.body as Json)).not.toContain('concession_type');
	});

	it('answers 404 for an unknown type and 422 naming concession_type_id for an unknown one on a patient', async () => {
		expect((await api.call('GET', '/concession_types/999999999999')).status).toBe(404);
		const bad = await api.call('POST', '/patients', {
			body: { first_name: 'Bad', last_name: `Concession ${uniqueSuffix()}`, concession_type_id: 999999999999 }
		});
		expect(bad.status).toBe(422);
		expect(Object.keys((bad.body as Json).errors as Json)).toEqual(['concession_type_id']);
	});

	it('is in the OpenAPI document', async () => {
		const doc = (await api.call('GET', '/openapi.json', { key: null })).body as Json;
		expect(Object.keys(doc.paths as Json)).toEqual(
			expect.arrayContaining(['/concession_types', '/concession_types/{id}'])
		);
		expect(Object.keys((doc.components as { schemas: Json }).schemas)).toEqual(
			expect.arrayContaining(['ConcessionType', 'ConcessionTypeList'])
		);
	});
});
