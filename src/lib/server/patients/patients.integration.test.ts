import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FindPatientsInput } from '../../schemas/patient.ts';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import type { FieldErrors } from '../errors.ts';
import { callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { CustomFieldDefinition } from './custom-field-definition.entity.ts';
import { Patient } from './patient.entity.ts';
import { addCustomFieldErrors } from './custom-fields.rules.ts';
import { getCustomFieldDefinition } from './custom-fields.service.ts';

let db: TestDb;
let staff: User;

// A custom-field section of this test file's own (the definition is one shared row).
const SECTION = '6f1c1a52-5f5e-4a0e-9a51-0c1f2e3d4a01';
const PROVIDER = '6f1c1a52-5f5e-4a0e-9a51-0c1f2e3d4a02';
const GREAT = '6f1c1a52-5f5e-4a0e-9a51-0c1f2e3d4a03';
const SUPER = '6f1c1a52-5f5e-4a0e-9a51-0c1f2e3d4a04';
const POLICY = '6f1c1a52-5f5e-4a0e-9a51-0c1f2e3d4a05';

async function ensureCustomFields() {
	for (let attempt = 0; attempt < 5; attempt++) {
		try {
			await db.em().transactional(async (tx) => {
				const row = await tx.findOneOrFail(CustomFieldDefinition, { id: 1 });
				if (row.definition.sections.some((s) => s.token === SECTION)) return;
				row.definition = {
					sections: [
						...row.definition.sections,
						{
							token: SECTION,
							name: 'Insurance coverage',
							archived: false,
							fields: [
								{
									token: PROVIDER,
									name: 'Provider',
									type: 'radiobuttons',
									archived: false,
									other: { enabled: true },
									options: [
										{ token: GREAT, name: 'Great Insurance', archived: false },
										{ token: SUPER, name: 'Super Insurance', archived: false }
									]
								},
								{ token: POLICY, name: 'Policy number', type: 'text', archived: false }
							]
						}
					]
				};
			});
			return;
		} catch (error) {
			if (attempt === 4) throw error;
		}
	}
}

beforeAll(async () => {
	db = await openTestDb();
	staff = await createTestUser(db.em(), { roles: ['scheduler'] });
	await ensureCustomFields();
});
afterAll(async () => {
	await db?.close();
});

const api = () => callerFor(db.em(), staff).patients;

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

function family() {
	return `Testfamily${uniqueSuffix()}`;
}

describe('creating and reading a patient', () => {
	it('stores every field, normalises phone numbers to E.164 and audits the change and the read', async () => {
		const lastName = family();
		const created = await api().create({
			title: 'Ms',
			firstName: 'Ada',
			lastName,
			preferredFirstName: 'Addie',
			pronouns: 'she/her',
			dateOfBirth: '1990-05-26',
			sex: 'Female',
			genderIdentity: 'Woman',
			email: 'Ada.L@Example.com',
			phoneNumbers: [
				{ phoneType: 'Mobile', number: '0412 345 678' },
				{ phoneType: 'Home', number: '(03) 9999 9999' }
			],
			address1: '1 Smith Street',
			city: 'Melbourne',
			state: 'Victoria',
			postCode: '3000',
			country: 'Australia',
			timeZone: 'Australia/Melbourne',
			medicare: '2123 45670 1',
			medicareReferenceNumber: '1',
			reminderType: 'SMS',
			acceptedPrivacyPolicy: true,
			medicalAlerts: [{ name: 'Penicillin allergy', notes: 'Anaphylaxis in 2019' }],
			customFields: {
				sections: [
					{
						token: SECTION,
						name: 'ignored',
						fields: [
							{ token: PROVIDER, type: 'text', options: [{ token: SUPER, selected: true }] },
							{ token: POLICY, value: 'ABC-12345' }
						]
					}
				]
			}
		});
		expect(created.email).toBe('ada.l@example.com');
		expect(created.phoneNumbers).toEqual([
			{ phoneType: 'Mobile', number: '+61412345678' },
			{ phoneType: 'Home', number: '+61399999999' }
		]);
		expect(created.acceptedPrivacyPolicy).toBe(true);
		expect(created.privacyPolicyAnsweredAt).toBeInstanceOf(Date);
		expect(created.gender).toBeNull();
		expect(created.medicalAlerts[0]).toMatchObject({
			name: 'Penicillin allergy',
			notes: 'Anaphylaxis in 2019'
		});

		const read = await api().get({ id: created.id });
		expect(read).toMatchObject({
			firstName: 'Ada',
			lastName,
			dateOfBirth: '1990-05-26',
			timeZone: 'Australia/Melbourne'
		});
		const section = read.customFields?.sections.find((s) => s.token === SECTION);
		expect(section?.name).toBe('Insurance coverage');
		const provider = section?.fields.find((f) => f.token === PROVIDER);
		expect(provider?.type).toBe('radiobuttons');
		expect(provider?.options?.find((o) => o.selected)?.name).toBe('Super Insurance');

		const events = await db
			.em()
			.find(AuditEvent, { recordType: 'patient', recordId: created.id }, { orderBy: { id: 'asc' } });
		expect(events.map((e) => e.action)).toEqual(['patient.create', 'patient.read']);
		expect(events[0]?.actorId).toBe(staff.id);
	});

	it('finds a new patient by name, email or phone typed any way', async () => {
		const lastName = family();
		const created = await api().create({
			firstName: 'Bob',
			lastName,
			email: `bob.${lastName}@example.com`,
			phoneNumbers: [{ phoneType: 'Mobile', number: '+61 423 111 222' }]
		});
		for (const search of [
			`bob ${lastName}`,
			lastName.toUpperCase(),
			`bob.${lastName}@example`,
			'0423 111 222',
			'+61423111222'
		]) {
			const found = await api().find({ search });
			expect(
				found.items.map((p) => p.id),
				search
			).toContain(created.id);
		}
	});
});

describe('bad input', () => {
	it('gives a field-level error for each bad value and stores nothing', async () => {
		const lastName = family();
		const error = await trpcError(
			api().create({
				firstName: '',
				lastName,
				email: 'not-an-email',
				phoneNumbers: [{ phoneType: 'Mobile', number: '12' }],
				timeZone: 'Mars/Olympus',
				dateOfBirth: '2999-01-01',
				notes: 'x'.repeat(10 * 1024 * 1024)
			})
		);
		expect(error.code).toBe('BAD_REQUEST');
		expect(Object.keys(error.fieldErrors).sort()).toEqual([
			'dateOfBirth',
			'email',
			'firstName',
			'notes',
			'phoneNumbers.0.number',
			'timeZone'
		]);
		expect(await db.em().count(Patient, { lastName })).toBe(0);
	});

	it('reports custom-field violations at their path and leaves the stored record unchanged', async () => {
		const created = await api().create({ firstName: 'Cy', lastName: family() });
		const error = await trpcError(
			api().update({
				id: created.id,
				version: created.version,
				firstName: 'Changed',
				customFields: {
					sections: [
						{
							token: SECTION,
							fields: [
								{
									token: PROVIDER,
									options: [
										{ token: GREAT, selected: true },
										{ token: SUPER, selected: true }
									]
								},
								{ token: '00000000-0000-4000-8000-000000000000', value: 'x' }
							]
						}
					]
				}
			})
		);
		expect(error.code).toBe('BAD_REQUEST');
		const paths = Object.keys(error.fieldErrors);
		expect(paths.some((p) => p.startsWith('customFields.sections.0.fields.0'))).toBe(true);
		expect(paths.some((p) => p.startsWith('customFields.sections.0.fields.1'))).toBe(true);
		const stored = await db.em().findOneOrFail(Patient, { id: created.id });
		expect(stored.firstName).toBe('Cy');
		expect(stored.version).toBe(created.version);
	});

	it('lets a form show custom-field errors together with the other fields, in one round', async () => {
		const merged = await addCustomFieldErrors(
			() => getCustomFieldDefinition(db.em()),
			{ sections: [{ token: SECTION, fields: [{ token: POLICY, value: '' }] }] },
			{ firstName: ['Enter a first name'] }
		);
		expect(Object.keys(merged)).toContain('firstName');
		expect(Object.keys(merged).some((k) => k.startsWith('customFields.sections.0.fields.0'))).toBe(true);
	});

	it('answers NOT_FOUND for an id that does not exist, and BAD_REQUEST for one that is not an id', async () => {
		expect((await trpcError(api().get({ id: '999999999999' }))).code).toBe('NOT_FOUND');
		expect((await trpcError(api().update({ id: '999999999999', version: 1, firstName: 'X' }))).code).toBe(
			'NOT_FOUND'
		);
		expect((await trpcError(api().get({ id: '1; drop table patient' }))).code).toBe('BAD_REQUEST');
	});

	it('refuses a referring doctor that does not exist', async () => {
		const error = await trpcError(
			api().create({ firstName: 'Di', lastName: family(), referringDoctorId: '999999999' })
		);
		expect(error.fieldErrors.referringDoctorId).toBeDefined();
	});
});

describe('editing', () => {
	it('gives the later of two concurrent edits a conflict instead of overwriting', async () => {
		const created = await api().create({ firstName: 'Eve', lastName: family() });
		const first = await api().update({ id: created.id, version: created.version, notes: 'First edit' });
		expect(first.version).toBe(created.version + 1);
		const second = await trpcError(
			api().update({ id: created.id, version: created.version, notes: 'Second edit' })
		);
		expect(second.code).toBe('CONFLICT');
		expect((await api().get({ id: created.id })).notes).toBe('First edit');
	});

	it('changes only the fields sent, and audits their names', async () => {
		const created = await api().create({
			firstName: 'Fay',
			lastName: family(),
			email: 'fay@example.com',
			city: 'Perth'
		});
		const updated = await api().update({
			id: created.id,
			version: created.version,
			city: 'Hobart',
			appointmentNotes: 'Prefers mornings'
		});
		expect(updated).toMatchObject({
			email: 'fay@example.com',
			city: 'Hobart',
			appointmentNotes: 'Prefers mornings'
		});
		const event = await db.em().findOneOrFail(AuditEvent, { recordId: created.id, action: 'patient.update' });
		expect(event.changedFields?.sort()).toEqual(['appointmentNotes', 'city']);
	});
});

describe('duplicates', () => {
	it('asks before saving a patient with the same name and birth date, email or mobile', async () => {
		const lastName = family();
		const original = await api().create({
			firstName: 'Gus',
			lastName,
			dateOfBirth: '1980-01-02',
			email: `gus.${lastName}@example.com`,
			phoneNumbers: [{ phoneType: 'Mobile', number: '0400 111 333' }]
		});
		for (const attempt of [
			{ firstName: 'GUS', lastName, dateOfBirth: '1980-01-02' },
			{ firstName: 'Other', lastName: family(), email: `GUS.${lastName}@example.com` },
			{
				firstName: 'Other',
				lastName: family(),
				phoneNumbers: [{ phoneType: 'Mobile' as const, number: '+61400111333' }]
			}
		]) {
			const error = await trpcError(api().create(attempt));
			expect(error.code).toBe('CONFLICT');
		}
		const allowed = await api().create({
			firstName: 'Gus',
			lastName,
			dateOfBirth: '1980-01-02',
			allowDuplicates: true
		});
		expect(allowed.id).not.toBe(original.id);
		const matches = await api().checkDuplicates({ firstName: 'gus', lastName, dateOfBirth: '1980-01-02' });
		expect(matches.map((m) => m.id).sort()).toEqual([original.id, allowed.id].sort());
	});
});

describe('archive, unarchive and delete', () => {
	it('moves a patient between the active, archived and deleted lists', async () => {
		const lastName = family();
		const patient = await api().create({ firstName: 'Hal', lastName });
		const byName = { filters: [{ field: 'lastName' as const, op: '=' as const, value: lastName }] };
		expect((await api().find(byName)).total).toBe(1);
		await api().archive({ id: patient.id });
		expect((await api().find(byName)).total).toBe(0);
		expect((await api().findArchived(byName)).items[0]?.archivedAt).toBeInstanceOf(Date);
		expect((await trpcError(api().archive({ id: patient.id }))).code).toBe('CONFLICT');
		await api().unarchive({ id: patient.id });
		expect((await api().find(byName)).total).toBe(1);
		await api().delete({ id: patient.id });
		expect((await api().find(byName)).total).toBe(0);
		expect((await api().findArchived(byName)).total).toBe(0);
		const deleted = await api().findDeleted({ perPage: 100 });
		const entry = deleted.items.find((d) => d.id === patient.id);
		expect(entry && Object.keys(entry).sort()).toEqual(['deletedAt', 'id']);
		expect((await trpcError(api().get({ id: patient.id }))).code).toBe('NOT_FOUND');
		const actions = (await db.em().find(AuditEvent, { recordId: patient.id, recordType: 'patient' })).map(
			(e) => e.action
		);
		expect(actions).toEqual(
			expect.arrayContaining(['patient.archive', 'patient.unarchive', 'patient.delete'])
		);
	});
});

describe('filters', () => {
	let lastName: string;
	const ids: Record<string, string> = {};

	beforeAll(async () => {
		lastName = family();
		const people = [
			{
				key: 'may',
				firstName: 'Maya',
				dateOfBirth: '1991-05-14',
				email: 'maya@example.com',
				oldReferenceId: 'OLD-1'
			},
			{ key: 'june', firstName: 'Juno', dateOfBirth: '1985-06-30', email: null, oldReferenceId: null },
			{
				key: 'may2',
				firstName: 'Mabel',
				dateOfBirth: '2001-05-01',
				email: 'mabel@example.org',
				oldReferenceId: 'OLD-2'
			}
		];
		for (const p of people) {
			const { key, ...fields } = p;
			ids[key] = (await api().create({ ...fields, lastName, allowDuplicates: true })).id;
		}
	});

	async function namesWhere(filters: FindPatientsInput['filters']) {
		const result = await api().find({
			filters: [{ field: 'lastName', op: '=', value: lastName }, ...(filters ?? [])],
			sort: { field: 'firstName', direction: 'asc' }
		});
		return result.items.map((p) => p.firstName);
	}

	it.each([
		['=', 'firstName', 'maya', ['Maya']],
		['!=', 'firstName', 'Maya', ['Juno', 'Mabel']],
		['<', 'dateOfBirth', '1991-05-14', ['Juno']],
		['<=', 'dateOfBirth', '1991-05-14', ['Juno', 'Maya']],
		['>', 'dateOfBirth', '1991-05-14', ['Mabel']],
		['>=', 'dateOfBirth', '1991-05-14', ['Mabel', 'Maya']],
		['~', 'email', 'example.', ['Mabel', 'Maya']],
		['~~', 'email', '%.org', ['Mabel']],
		['?', 'email', undefined, ['Mabel', 'Maya']],
		['!?', 'oldReferenceId', undefined, ['Juno']],
		['=', 'dateOfBirth', '****-05-**', ['Mabel', 'Maya']],
		['!=', 'dateOfBirth', '****-05-**', ['Juno']],
		['=', 'dateOfBirth', '1991-**-**', ['Maya']]
	] as const)('%s on %s %s', async (op, field, value, expected) => {
		expect(await namesWhere([{ field, op, value }])).toEqual(expected);
	});

	it('filters on id and on created/updated times', async () => {
		expect(await namesWhere([{ field: 'id', op: '=', value: ids.june! }])).toEqual(['Juno']);
		expect(await namesWhere([{ field: 'id', op: '>', value: ids.june! }])).toEqual(['Mabel']);
		const future = new Date(Date.now() + 3_600_000).toISOString();
		expect(await namesWhere([{ field: 'createdAt', op: '<', value: future }])).toHaveLength(3);
		expect(await namesWhere([{ field: 'updatedAt', op: '>', value: future }])).toHaveLength(0);
	});

	it('refuses an operator that does not fit the field, or a value of the wrong kind, with the filter named', async () => {
		const contains = await trpcError(api().find({ filters: [{ field: 'id', op: '~', value: '1' }] }));
		expect(contains.code).toBe('BAD_REQUEST');
		expect(contains.fieldErrors['filters.0']).toBeDefined();
		expect(
			(await trpcError(api().find({ filters: [{ field: 'createdAt', op: '<', value: 'yesterday' }] }))).code
		).toBe('BAD_REQUEST');
		expect(
			(await trpcError(api().find({ filters: [{ field: 'shoeSize' as 'id', op: '=', value: '9' }] }))).code
		).toBe('BAD_REQUEST');
	});

	it('treats SQL and LIKE metacharacters in searches and filters as plain text', async () => {
		for (const search of ["'; drop table patient; --", '%', '_', '\\']) {
			await expect(api().find({ search })).resolves.toBeDefined();
		}
		expect(await namesWhere([{ field: 'email', op: '~', value: '%' }])).toEqual([]);
		expect(await db.em().count(Patient, {})).toBeGreaterThan(0);
	});
});

describe('pagination', () => {
	it('walks forward and back through pages with a stable total', async () => {
		const lastName = family();
		for (let i = 0; i < 7; i++) await api().create({ firstName: `P${i}`, lastName, allowDuplicates: true });
		const base = {
			filters: [{ field: 'lastName' as const, op: '=' as const, value: lastName }],
			sort: { field: 'firstName' as const, direction: 'asc' as const },
			limit: 3
		};
		const page1 = await api().find(base);
		expect(page1.total).toBe(7);
		expect(page1.items.map((p) => p.firstName)).toEqual(['P0', 'P1', 'P2']);
		expect(page1.prevCursor).toBeNull();
		const page2 = await api().find({ ...base, cursor: page1.nextCursor! });
		expect(page2.items.map((p) => p.firstName)).toEqual(['P3', 'P4', 'P5']);
		const page3 = await api().find({ ...base, cursor: page2.nextCursor! });
		expect(page3.items.map((p) => p.firstName)).toEqual(['P6']);
		expect(page3.nextCursor).toBeNull();
		const back = await api().find({ ...base, cursor: page3.prevCursor!, direction: 'backward' });
		expect(back.items.map((p) => p.firstName)).toEqual(['P3', 'P4', 'P5']);
		const first = await api().find({ ...base, cursor: back.prevCursor!, direction: 'backward' });
		expect(first.items.map((p) => p.firstName)).toEqual(['P0', 'P1', 'P2']);
		expect(first.prevCursor).toBeNull();
		expect((await trpcError(api().find({ ...base, cursor: 'garbage' }))).code).toBe('BAD_REQUEST');
		// A cursor from one sort is refused under another, rather than compared with the wrong column.
		const otherSort = await trpcError(
			api().find({ ...base, sort: { field: 'dateOfBirth', direction: 'asc' }, cursor: page1.nextCursor! })
		);
		expect(otherSort.code).toBe('BAD_REQUEST');
	});

	it('pages by date of birth, with patients without one last', async () => {
		const lastName = family();
		const births = ['1970-01-01', null, '1960-06-15', '1980-12-31', null];
		for (const [i, dateOfBirth] of births.entries())
			await api().create({ firstName: `D${i}`, lastName, dateOfBirth, allowDuplicates: true });
		const base = {
			filters: [{ field: 'lastName' as const, op: '=' as const, value: lastName }],
			sort: { field: 'dateOfBirth' as const, direction: 'asc' as const },
			limit: 2
		};
		const seen: (string | null)[] = [];
		let cursor: string | undefined;
		do {
			const page = await api().find({ ...base, cursor });
			seen.push(...page.items.map((p) => p.dateOfBirth));
			cursor = page.nextCursor ?? undefined;
		} while (cursor);
		expect(seen).toEqual(['1960-06-15', '1970-01-01', '1980-12-31', null, null]);
	});
});

describe('list totals', () => {
	it('keeps the maintained active/archived counts equal to the real counts through every change', async () => {
		const consistent = async () => {
			// One statement, one snapshot: other test files may be adding patients meanwhile.
			const [row] = await db
				.em()
				.getConnection()
				.execute<{ ok: boolean }[]>(
					`select (select n from patient_list_count where status = 'active') = (select count(*) from patient where deleted_at is null and archived_at is null)
				    and (select n from patient_list_count where status = 'archived') = (select count(*) from patient where deleted_at is null and archived_at is not null) as ok`
				);
			return row?.ok;
		};
		const patient = await api().create({ firstName: 'Ivy', lastName: family() });
		expect(await consistent()).toBe(true);
		await api().archive({ id: patient.id });
		expect(await consistent()).toBe(true);
		await api().unarchive({ id: patient.id });
		await api().archive({ id: patient.id });
		await api().delete({ id: patient.id });
		expect(await consistent()).toBe(true);
	});
});
