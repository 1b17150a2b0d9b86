// Contract tests of /api/v1/patients against seed 003 (Cliniko's Patients resource): every example
// request replayed with its status codes, headers and the full shape of each answer; then every
// filter operator, pagination links, sorting, and the errors (400, 401, 404, 422, 429).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { revokeApiKey, createApiKey } from '../auth/api-keys.service.ts';
import { User } from '../auth/user.entity.ts';
import { Contact } from '../contacts/contact.entity.ts';
import { ConcessionType } from '../patients/concession-type.entity.ts';
import { CustomFieldDefinition } from '../patients/custom-field-definition.entity.ts';
import { Patient } from '../patients/patient.entity.ts';
import { deletePatient } from '../patients/patients.service.ts';
import { actorFor, uniqueIp, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { ApiKey } from '../auth/api-key.entity.ts';
import { apiClient, ORIGIN, type ApiClient } from './api-test-client.ts';
import { AUTH_FAILURE_LIMIT } from './handler.ts';

let db: TestDb;
let api: ApiClient;

// Seed 003's own custom-field tokens (the definition is one shared row: added once, kept).
const SECTION = 'ef4c43ec-105d-489c-88cc-0f3c5f67dc70';
const PROVIDER = 'b16839e0-26a4-48d6-83d6-36658e357c81';
const GREAT = '944e2fe0-6730-42fd-b9a2-519f35ceb46a';
const SUPER = 'd656a93c-a0b6-43ea-ab50-06fd1a00ea44';
const POLICY = 'fdb9c8a0-2984-4d96-8dc1-fbe703a8afdb';

async function ensureSeedCustomFields() {
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
	api = await apiClient(db, ['scheduler']);
	await ensureSeedCustomFields();
});
afterAll(async () => {
	await db?.close();
});

/** Every property of a patient in seed 003's "Create Patient" answer. */
const PATIENT_KEYS = [
	'accepted_privacy_policy',
	'accepted_email_marketing',
	'accepted_sms_marketing',
	'address_1',
	'address_2',
	'address_3',
	'archived_at',
	'city',
	'country',
	'created_at',
	'custom_fields',
	'date_of_birth',
	'deleted_at',
	'dva_card_number',
	'email',
	'emergency_contact',
	'first_name',
	'invoice_default_to',
	'invoice_email',
	'invoice_extra_information',
	'gender',
	'gender_identity',
	'id',
	'last_name',
	'medicare',
	'medicare_reference_number',
	'notes',
	'appointment_notes',
	'occupation',
	'old_reference_id',
	'patient_phone_numbers',
	'post_code',
	'preferred_first_name',
	'pronouns',
	'receives_confirmation_emails',
	'referral_source',
	'reminder_type',
	'sex',
	'state',
	'title',
	'time_zone',
	'updated_at',
	'medical_alerts',
	'invoices',
	'appointments',
	'links'
].sort();

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
type Json = Record<string, unknown>;
const asJson = (value: unknown) => value as Json;
const listOf = (value: unknown) => asJson(value).patients as Json[];

function family(): string {
	return `Apifam${uniqueSuffix()}`;
}

/** Seed 003's shape for a patient created with only a first and last name. */
function expectNewPatientShape(patient: Json, id: number, names: { first: string; last: string }) {
	expect(Object.keys(patient).sort()).toEqual(PATIENT_KEYS);
	const self = `${ORIGIN}/api/v1/patients/${id}`;
	expect(patient).toEqual({
		accepted_privacy_policy: null,
		accepted_email_marketing: false,
		accepted_sms_marketing: false,
		address_1: '',
		address_2: '',
		address_3: '',
		archived_at: '',
		city: '',
		country: '',
		created_at: expect.stringMatching(TIME),
		custom_fields: null,
		date_of_birth: '',
		deleted_at: '',
		dva_card_number: '',
		email: '',
		emergency_contact: '',
		first_name: names.first,
		invoice_default_to: '',
		invoice_email: '',
		invoice_extra_information: '',
		gender: '',
		gender_identity: null,
		id,
		last_name: names.last,
		medicare: '',
		medicare_reference_number: '',
		notes: '',
		appointment_notes: '',
		occupation: '',
		old_reference_id: '',
		patient_phone_numbers: [],
		post_code: '',
		preferred_first_name: null,
		pronouns: null,
		receives_confirmation_emails: true,
		referral_source: '',
		reminder_type: 'SMS & Email',
		sex: null,
		state: '',
		title: '',
		time_zone: null,
		updated_at: expect.stringMatching(TIME),
		medical_alerts: { links: { self: `${self}/medical_alerts?page=1` } },
		invoices: { links: { self: `${self}/invoices?page=1` } },
		appointments: { links: { self: `${self}/appointments?page=1` } },
		links: { self }
	});
}

describe('seed 003, example by example', () => {
	it('creates John Snow, reads, updates, archives, lists archived, unarchives and lists deleted', async () => {
		// Create Patient: `-d '{ "first_name": "John", "last_name": "Snow" }' -X POST`
		const last = `Snow${uniqueSuffix()}`;
		const created = await api.call('POST', '/patients', { body: { first_name: 'John', last_name: last } });
		expect(created.status).toBe(201);
		expect(created.headers.get('content-type')).toBe('application/json; charset=utf-8');
		const john = asJson(created.body);
		const id = john.id as number;
		expect(typeof id).toBe('number');
		expect(created.headers.get('location')).toBe(`${ORIGIN}/api/v1/patients/${id}`);
		expectNewPatientShape(john, id, { first: 'John', last });
		expect(created.headers.get('x-ratelimit-limit')).toBe('200');

		// Get Patient
		const got = await api.call('GET', `/patients/${id}`);
		expect(got.status).toBe(200);
		expectNewPatientShape(asJson(got.body), id, { first: 'John', last });

		// Update Patient: first_name, last_name and appointment_notes; everything else stays.
		const updated = await api.call('PUT', `/patients/${id}`, {
			body: { first_name: 'John', last_name: last, appointment_notes: 'Go for fist bumps over handshakes.' }
		});
		expect(updated.status).toBe(200);
		const afterUpdate = asJson(updated.body);
		expect(Object.keys(afterUpdate).sort()).toEqual(PATIENT_KEYS);
		expect(afterUpdate).toMatchObject({
			id,
			first_name: 'John',
			last_name: last,
			appointment_notes: 'Go for fist bumps over handshakes.',
			notes: '',
			archived_at: ''
		});

		// Archive Patient: 204, no content
		const archived = await api.call('POST', `/patients/${id}/archive`);
		expect(archived.status).toBe(204);
		expect(archived.text).toBe('');

		// Get Archived Patients
		const archivedList = await api.call('GET', `/patients/archived?q[]=last_name:=${last}`);
		expect(archivedList.status).toBe(200);
		expect(Object.keys(asJson(archivedList.body)).sort()).toEqual(['links', 'patients', 'total_entries']);
		expect(asJson(archivedList.body).total_entries).toBe(1);
		const [inArchive] = listOf(archivedList.body);
		expect(Object.keys(inArchive!).sort()).toEqual([...PATIENT_KEYS, 'merged_at'].sort());
		expect(inArchive).toMatchObject({
			id,
			archived_at: expect.stringMatching(TIME),
			merged_at: '',
			appointment_notes: 'Go for fist bumps over handshakes.'
		});
		expect(asJson(archivedList.body).links).toEqual({
			self: `${ORIGIN}/api/v1/patients/archived?page=1&q[]=last_name:=${last}`
		});
		// …and it has left the live list.
		const live = await api.call('GET', `/patients?q[]=last_name:=${last}`);
		expect(asJson(live.body).total_entries).toBe(0);

		// Unarchive Patient: 200 with the patient
		const unarchived = await api.call('POST', `/patients/${id}/unarchive`);
		expect(unarchived.status).toBe(200);
		expect(Object.keys(asJson(unarchived.body)).sort()).toEqual(PATIENT_KEYS);
		expect(asJson(unarchived.body)).toMatchObject({ id, archived_at: '', last_name: last });

		// Get Deleted Patients: only deleted_at and the link (Casebook deletes in the app)
		await deletePatient(db.em(), actorFor(api.user), String(id));
		const deleted = await api.call('GET', `/patients/deleted?q[]=id:=${id}`);
		expect(deleted.status).toBe(200);
		expect(deleted.body).toEqual({
			patients: [
				{ deleted_at: expect.stringMatching(TIME), links: { self: `${ORIGIN}/api/v1/patients/${id}` } }
			],
			total_entries: 1,
			links: { self: `${ORIGIN}/api/v1/patients/deleted?page=1&q[]=id:=${id}` }
		});
		const gone = await api.call('GET', `/patients/${id}`);
		expect(gone.status).toBe(404);
	});

	it('lists patients in the seed shape: patients, total_entries and links', async () => {
		const last = family();
		await api.call('POST', '/patients', { body: { first_name: 'Peter', last_name: last } });
		const listed = await api.call('GET', `/patients?q[]=last_name:=${last}`);
		expect(listed.status).toBe(200);
		expect(listed.body).toEqual({
			patients: [expect.objectContaining({ first_name: 'Peter', last_name: last })],
			total_entries: 1,
			links: { self: `${ORIGIN}/api/v1/patients?page=1&q[]=last_name:=${last}` }
		});
		expect(Object.keys(listOf(listed.body)[0]!).sort()).toEqual(PATIENT_KEYS);
	});

	it('writes and returns every field, with custom fields, links to the referring doctor and concession', async () => {
		const em = db.em();
		const doctor = em.create(Contact, { lastName: `Who${uniqueSuffix()}`, firstName: 'Doctor' });
		const concession = em.create(ConcessionType, { name: `Pensioner ${uniqueSuffix()}` });
		await em.flush();
		const last = family();
		const response = await api.call('POST', '/patients', {
			body: {
				title: 'Mr',
				first_name: 'Peter',
				last_name: last,
				preferred_first_name: 'Pete',
				pronouns: 'he/him',
				date_of_birth: '2001-05-26',
				sex: 'Female to Male',
				gender_identity: 'Transgender',
				gender: 'Male',
				email: 'Peter@Example.com',
				patient_phone_numbers: [
					{ phone_type: 'Mobile', number: '0444 444 444' },
					{ phone_type: 'Home', number: '+61 3 9999 9999' }
				],
				address_1: '1 Smith Street',
				city: 'Melbourne',
				state: 'Victoria',
				post_code: '3000',
				country: 'Australia',
				time_zone: 'Australia/Melbourne',
				reminder_type: 'SMS',
				accepted_privacy_policy: true,
				accepted_email_marketing: true,
				invoice_default_to: 'Super Insurance',
				invoice_email: 'super.insurance@example.com',
				invoice_extra_information: 'Insurance #123456\r\nClaim #123456',
				referring_doctor_id: Number(doctor.id),
				concession_type_id: concession.id,
				custom_fields: {
					sections: [
						{
							name: 'Insurance coverage',
							token: SECTION,
							fields: [
								{
									name: 'Provider',
									type: 'radiobuttons',
									token: PROVIDER,
									options: [{ token: SUPER, selected: true }]
								},
								{ name: 'Policy number', type: 'text', token: POLICY, value: 'ABC-12345' }
							]
						}
					]
				},
				id: 999999,
				links: { self: 'ignored' }
			}
		});
		expect(response.status).toBe(201);
		const patient = asJson(response.body);
		expect(Object.keys(patient).sort()).toEqual(
			[...PATIENT_KEYS, 'concession_type', 'referring_doctor'].sort()
		);
		expect(patient).toMatchObject({
			title: 'Mr',
			preferred_first_name: 'Pete',
			date_of_birth: '2001-05-26',
			sex: 'Female to Male',
			gender_identity: 'Transgender',
			// gender is read-only (deprecated): what was sent is ignored.
			gender: '',
			email: 'peter@example.com',
			patient_phone_numbers: [
				{ phone_type: 'Mobile', number: '+61444444444' },
				{ phone_type: 'Home', number: '+61399999999' }
			],
			time_zone: 'Australia/Melbourne',
			reminder_type: 'SMS',
			accepted_privacy_policy: true,
			invoice_extra_information: 'Insurance #123456\r\nClaim #123456',
			referring_doctor: { links: { self: `${ORIGIN}/api/v1/contacts/${doctor.id}` } },
			concession_type: { links: { self: `${ORIGIN}/api/v1/concession_types/${concession.id}` } }
		});
		expect(patient.id).not.toBe(999999);
		const section = (patient.custom_fields as { sections: Json[] }).sections[0]!;
		expect(section).toMatchObject({ name: 'Insurance coverage', token: SECTION });
		expect(section.fields).toEqual([
			{
				name: 'Provider',
				type: 'radiobuttons',
				token: PROVIDER,
				archived: false,
				options: [
					{ name: 'Great Insurance', token: GREAT, archived: false },
					{ name: 'Super Insurance', token: SUPER, archived: false, selected: true }
				],
				other: { enabled: true, selected: false }
			},
			{ name: 'Policy number', type: 'text', token: POLICY, archived: false, value: 'ABC-12345' }
		]);

		// Clearing values: "" and null mean "not set", and read back as the seed's empty values.
		const cleared = await api.call('PATCH', `/patients/${patient.id}`, {
			body: {
				title: '',
				date_of_birth: null,
				time_zone: '',
				preferred_first_name: null,
				referring_doctor_id: null
			}
		});
		expect(cleared.status).toBe(200);
		expect(cleared.body).toMatchObject({
			title: '',
			date_of_birth: '',
			time_zone: null,
			preferred_first_name: null
		});
		expect(asJson(cleared.body).referring_doctor).toBeUndefined();
	});

	it('audits a read through the API like one in the app, as the key’s user and request', async () => {
		const created = await api.call('POST', '/patients', {
			body: { first_name: 'Audit', last_name: family() }
		});
		const id = String(asJson(created.body).id);
		await api.call('GET', `/patients/${id}`);
		const events = await db
			.em()
			.find(AuditEvent, { recordType: 'patient', recordId: id }, { orderBy: { id: 'asc' } });
		expect(events.map((e) => e.action)).toEqual(['patient.create', 'patient.read']);
		expect(events.every((e) => e.actorId === api.user.id && e.actorType === 'staff')).toBe(true);
		expect(events[0]?.requestId).toMatch(/^test-/);
	});
});

describe('filters', () => {
	let last: string;
	const ids: Record<string, number> = {};

	beforeAll(async () => {
		last = family();
		const people = [
			{ first_name: 'Ann', date_of_birth: '1980-05-02', email: `ann@${last}.example` },
			{ first_name: 'Bea', date_of_birth: '1990-05-30', email: null },
			{ first_name: 'Cal', date_of_birth: '2000-01-15', email: `cal@${last}.example` },
			{ first_name: 'Dee', date_of_birth: null, email: null, old_reference_id: 'OLD-7' }
		];
		for (const person of people) {
			const created = await api.call('POST', '/patients', { body: { ...person, last_name: last } });
			expect(created.status).toBe(201);
			ids[person.first_name] = asJson(created.body).id as number;
		}
	});

	async function names(...filters: string[]): Promise<string[]> {
		const query = [`q[]=last_name:=${last}`, ...filters.map((f) => `q[]=${encodeURIComponent(f)}`)].join('&');
		const response = await api.call('GET', `/patients?${query}&sort=first_name`);
		expect(response.status, response.text).toBe(200);
		expect(asJson(response.body).total_entries).toBe(listOf(response.body).length);
		return listOf(response.body).map((p) => p.first_name as string);
	}

	it('applies each of Cliniko’s operators, all filters ANDed', async () => {
		expect(await names('first_name:=ann')).toEqual(['Ann']);
		expect(await names('first_name:!=Ann')).toEqual(['Bea', 'Cal', 'Dee']);
		expect(await names('date_of_birth:<1990-05-30')).toEqual(['Ann']);
		expect(await names('date_of_birth:<=1990-05-30')).toEqual(['Ann', 'Bea']);
		expect(await names('date_of_birth:>1990-05-30')).toEqual(['Cal']);
		expect(await names('date_of_birth:>=1990-05-30')).toEqual(['Bea', 'Cal']);
		expect(await names('email:~cal@')).toEqual(['Cal']);
		expect(await names('first_name:~~%e%')).toEqual(['Bea', 'Dee']);
		expect(await names('email:?')).toEqual(['Ann', 'Cal']);
		expect(await names('email:!?')).toEqual(['Bea', 'Dee']);
		expect(await names('date_of_birth:=****-05-**')).toEqual(['Ann', 'Bea']);
		expect(await names('old_reference_id:=OLD-7')).toEqual(['Dee']);
		expect(await names(`id:>${ids.Bea}`)).toEqual(['Cal', 'Dee']);
		expect(await names('created_at:>2000-01-01T00:00:00Z', 'date_of_birth:?', 'first_name:!=Cal')).toEqual([
			'Ann',
			'Bea'
		]);
		expect(await names('updated_at:<2000-01-01T00:00:00Z')).toEqual([]);
	});

	it('accepts Cliniko’s single q= form too', async () => {
		const response = await api.call('GET', `/patients?q=last_name:=${last}&q[]=first_name:=Cal`);
		expect(listOf(response.body).map((p) => p.first_name)).toEqual(['Cal']);
	});

	it('answers 400 naming an unknown field, an unknown operator, or a filter that does not fit', async () => {
		const unknownField = await api.call('GET', '/patients?q[]=shoe_size:=42');
		expect(unknownField.status).toBe(400);
		expect(asJson(unknownField.body).message).toContain('Unknown filter field "shoe_size"');

		const unknownOperator = await api.call('GET', `/patients?q[]=${encodeURIComponent('first_name:^Ann')}`);
		expect(unknownOperator.status).toBe(400);
		expect(asJson(unknownOperator.body).message).toContain('Unknown filter operator in "first_name:^Ann"');

		const misfit = await api.call('GET', `/patients?q[]=${encodeURIComponent('date_of_birth:~05')}`);
		expect(misfit.status).toBe(400);
		expect(asJson(misfit.body).message).toBe(
			'Filter "date_of_birth:~05": The operator ~ does not apply to date_of_birth'
		);

		const badDate = await api.call('GET', '/patients?q[]=created_at:>yesterday');
		expect(badDate.status).toBe(400);
		expect(asJson(badDate.body).message).toContain('"yesterday" is not a date and time');

		const badSort = await api.call('GET', '/patients?sort=shoe_size');
		expect(badSort.status).toBe(400);
		expect(asJson(badSort.body).message).toContain('Unknown sort field "shoe_size"');

		const badPage = await api.call('GET', '/patients?per_page=101');
		expect(badPage.status).toBe(400);
		expect(asJson(badPage.body).message).toContain('per_page must be a whole number from 1 to 100');
	});
});

describe('pages and sorting', () => {
	it('pages with page and per_page, with next and previous links only where they exist', async () => {
		const last = family();
		for (const first of ['Eve', 'Fay', 'Gus', 'Hal', 'Ivy']) {
			await api.call('POST', '/patients', { body: { first_name: first, last_name: last } });
		}
		const base = `/patients?q[]=last_name:=${last}&per_page=2&sort=first_name:desc`;
		const url = (page: number) =>
			`${ORIGIN}/api/v1/patients?page=${page}&q[]=last_name:=${last}&per_page=2&sort=first_name:desc`;

		const first = asJson((await api.call('GET', base)).body);
		expect(first.total_entries).toBe(5);
		expect((first.patients as Json[]).map((p) => p.first_name)).toEqual(['Ivy', 'Hal']);
		expect(first.links).toEqual({ self: url(1), next: url(2) });

		const second = asJson((await api.call('GET', `${base}&page=2`)).body);
		expect((second.patients as Json[]).map((p) => p.first_name)).toEqual(['Gus', 'Fay']);
		expect(second.links).toEqual({ self: url(2), next: url(3), previous: url(1) });

		const third = asJson((await api.call('GET', `${base}&page=3`)).body);
		expect((third.patients as Json[]).map((p) => p.first_name)).toEqual(['Eve']);
		expect(third.links).toEqual({ self: url(3), previous: url(2) });

		const beyond = asJson((await api.call('GET', `${base}&page=9`)).body);
		expect(beyond.patients).toEqual([]);
		expect(beyond.total_entries).toBe(5);
	});

	it('pages 50 by default', async () => {
		const response = await api.call('GET', '/patients');
		expect(listOf(response.body).length).toBeLessThanOrEqual(50);
	});
});

describe('errors', () => {
	it('answers 401 in JSON without a key, with a wrong key, a revoked key or a deactivated user’s key', async () => {
		const none = await api.call('GET', '/patients', { key: null });
		expect(none.status).toBe(401);
		expect(none.headers.get('www-authenticate')).toContain('Basic');
		expect(asJson(none.body).message).toContain('API key');

		const wrong = await api.call('GET', '/patients', { key: 'cbk_not-a-real-key' });
		expect(wrong.status).toBe(401);
		expect(asJson(wrong.body).message).toContain('not valid');

		const other = await apiClient(db, ['practitioner']);
		const [key] = await db.em().find(ApiKey, { user: other.user.id });
		await revokeApiKey(db.em(), actorFor(other.user), { id: key!.id });
		expect((await other.call('GET', '/patients')).status).toBe(401);

		const leaver = await apiClient(db, ['scheduler']);
		expect((await leaver.call('GET', '/patients')).status).toBe(200);
		await db.em().nativeUpdate(User, { id: leaver.user.id }, { isActive: false });
		const afterLeaving = await leaver.call('GET', '/patients');
		expect(afterLeaving.status).toBe(401);
		expect(afterLeaving.headers.get('content-type')).toContain('application/json');
	});

	it('answers 404 in JSON for an unknown id or path, 405 for a wrong method', async () => {
		const missing = await api.call('GET', '/patients/999999999999');
		expect(missing.status).toBe(404);
		expect(missing.body).toEqual({ message: 'Patient not found' });
		expect((await api.call('PUT', '/patients/999999999999', { body: { notes: 'x' } })).status).toBe(404);
		expect((await api.call('POST', '/patients/999999999999/archive')).status).toBe(404);
		const path = await api.call('GET', '/patients/not-a-number');
		expect(path.status).toBe(404);
		expect(asJson(path.body).message).toContain('No such endpoint');
		const method = await api.call('DELETE', '/patients');
		expect(method.status).toBe(405);
		expect(method.headers.get('allow')).toBe('GET, POST');
	});

	it('answers 400 for malformed JSON and for a body that is not an object', async () => {
		const malformed = await api.call('POST', '/patients', { rawBody: '{ "first_name": "John", ' });
		expect(malformed.status).toBe(400);
		expect(asJson(malformed.body).message).toContain('Malformed JSON');
		const list = await api.call('POST', '/patients', { rawBody: '[1, 2]' });
		expect(list.status).toBe(400);
	});

	it.each(['Asia/Kolkata', 'Europe/Kyiv', 'Etc/UTC', 'Australia/Canberra', 'US/Eastern'])(
		'takes the time zone alias %s, as Cliniko does, and answers it back',
		async (zone) => {
			const created = await api.call('POST', '/patients', {
				body: { first_name: 'Zoe', last_name: `Zone${uniqueSuffix()}`, time_zone: zone }
			});
			expect(created.status).toBe(201);
			expect(asJson(created.body).time_zone).toBe(zone);
		}
	);

	it('refuses a body over 1 MB (413) and one nested too deeply (400), and stores nothing', async () => {
		const lastName = `Huge${uniqueSuffix()}`;
		const huge = await api.call('POST', '/patients', {
			rawBody: JSON.stringify({ first_name: 'x'.repeat(1_100_000), last_name: lastName })
		});
		expect(huge.status).toBe(413);
		const deep = await api.call('POST', '/patients', {
			rawBody: `{"first_name":${'['.repeat(100)}${']'.repeat(100)},"last_name":"${lastName}"}`
		});
		expect(deep.status).toBe(400);
		expect(asJson(deep.body).message).toMatch(/nested too deeply/);
		expect(await db.em().count(Patient, { lastName })).toBe(0);
	});

	it('answers 422 naming every bad field in Cliniko’s names, custom fields included', async () => {
		const response = await api.call('POST', '/patients', {
			body: {
				first_name: 'John',
				email: 'not-an-email',
				time_zone: 'Mars/Olympus',
				reminder_type: 'Pigeon',
				accepted_sms_marketing: 'yes',
				patient_phone_numbers: [{ phone_type: 'Mobile', number: '12' }],
				custom_fields: {
					sections: [
						{
							token: SECTION,
							fields: [
								{ token: POLICY, value: '' },
								{
									token: PROVIDER,
									options: [
										{ token: GREAT, selected: true },
										{ token: SUPER, selected: true }
									]
								}
							]
						}
					]
				}
			}
		});
		expect(response.status).toBe(422);
		const body = asJson(response.body);
		expect(body.message).toBe('Validation Failed');
		expect(Object.keys(body.errors as Json).sort()).toEqual([
			'accepted_sms_marketing',
			'custom_fields.sections.0.fields.0.value',
			'custom_fields.sections.0.fields.1.options',
			'email',
			'last_name',
			'patient_phone_numbers.0.number',
			'reminder_type',
			'time_zone'
		]);
		expect((body.errors as Json).last_name).toBe('This field is required');
		expect((body.errors as Json).email).toBe('Enter a valid email address');
	});

	it('answers 422 for custom fields alone, and for references that do not exist', async () => {
		const response = await api.call('POST', '/patients', {
			body: {
				first_name: 'Jane',
				last_name: family(),
				referring_doctor_id: 999999999,
				custom_fields: { sections: [{ token: '00000000-0000-4000-8000-000000000000' }] }
			}
		});
		expect(response.status).toBe(422);
		expect(response.body).toEqual({
			message: 'Validation Failed',
			errors: {
				referring_doctor_id: 'That referring doctor does not exist',
				'custom_fields.sections.0.token': 'There is no custom field section with this token'
			}
		});
	});

	it('answers 409 when archiving an archived patient', async () => {
		const created = await api.call('POST', '/patients', {
			body: { first_name: 'Twice', last_name: family() }
		});
		const id = asJson(created.body).id;
		expect((await api.call('POST', `/patients/${id}/archive`)).status).toBe(204);
		const again = await api.call('POST', `/patients/${id}/archive`);
		expect(again.status).toBe(409);
		expect(again.body).toEqual({ message: 'This patient is already archived.' });
	});
});

describe('rate limit', () => {
	it('answers 429 with X-RateLimit-Reset and Retry-After once a key is over its limit', async () => {
		const caller = await apiClient(db, ['scheduler']);
		const limit = { points: 3, windowSeconds: 60 };
		const now = new Date();
		for (let i = 0; i < 3; i++) {
			const ok = await caller.call('GET', '/patients?per_page=1', { rateLimit: limit, now });
			expect(ok.status).toBe(200);
			expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
		}
		const over = await caller.call('GET', '/patients?per_page=1', { rateLimit: limit, now });
		expect(over.status).toBe(429);
		expect(asJson(over.body).message).toContain('Too many requests');
		const reset = Number(over.headers.get('x-ratelimit-reset'));
		expect(reset).toBe(Math.ceil((now.getTime() + 60_000) / 1000));
		expect(Number(over.headers.get('retry-after'))).toBe(60);
		// Per key: another user's key is not affected.
		const other = await apiClient(db, ['scheduler']);
		expect((await other.call('GET', '/patients?per_page=1', { rateLimit: limit, now })).status).toBe(200);
		// A new window starts afresh.
		const later = new Date(now.getTime() + 61_000);
		expect((await caller.call('GET', '/patients?per_page=1', { rateLimit: limit, now: later })).status).toBe(
			200
		);
	});

	it('turns an address that keeps sending no valid key away with 429s', async () => {
		const ip = uniqueIp();
		for (let i = 0; i < AUTH_FAILURE_LIMIT.points; i++) {
			expect((await api.call('GET', '/patients', { key: 'cbk_guess', ip })).status).toBe(401);
		}
		const throttled = await api.call('GET', '/patients', { key: 'cbk_guess', ip });
		expect(throttled.status).toBe(429);
		expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
		// A valid key from that address still works.
		expect((await api.call('GET', '/patients?per_page=1', { ip })).status).toBe(200);
	});

	it('limits at 200 requests a minute by default', async () => {
		const caller = await apiClient(db, ['scheduler']);
		const response = await caller.call('GET', '/patients?per_page=1');
		expect(response.headers.get('x-ratelimit-limit')).toBe('200');
		expect(response.headers.get('x-ratelimit-remaining')).toBe('199');
	});
});

describe('the OpenAPI document', () => {
	it('is served without a key, as OpenAPI 3.1 generated from the request and response schemas', async () => {
		const response = await api.call('GET', '/openapi.json', { key: null });
		expect(response.status).toBe(200);
		const doc = asJson(response.body);
		expect(doc.openapi).toBe('3.1.0');
		const paths = doc.paths as Record<string, Json>;
		expect(Object.keys(paths)).toEqual(
			expect.arrayContaining([
				'/patients',
				'/patients/deleted',
				'/patients/archived',
				'/patients/{id}',
				'/patients/{id}/archive',
				'/patients/{id}/unarchive',
				'/patient_cases',
				'/patient_cases/{id}',
				'/patient_cases/{id}/archive'
			])
		);
		expect(Object.keys(paths['/patients/{id}']!).sort()).toEqual(['get', 'patch', 'put']);
		const schemas = (doc.components as Json).schemas as Record<string, Json>;
		const create = schemas.PatientCreate!;
		expect(create.required).toEqual(['first_name', 'last_name']);
		expect(Object.keys(create.properties as Json)).toContain('patient_phone_numbers');
		expect(Object.keys(create.properties as Json)).not.toContain('gender');
		expect(Object.keys(schemas.Patient!.properties as Json)).toEqual(expect.arrayContaining(PATIENT_KEYS));
		expect(schemas.PatientCaseCreate!.required).toEqual(expect.arrayContaining(['name', 'patient_id']));
	});
});

describe('keys', () => {
	it('acts as the key’s own user: a second key of the same user works alike', async () => {
		const { secret } = await createApiKey(db.em(), actorFor(api.user), {
			name: 'Second',
			userId: api.user.id
		});
		const response = await api.call('GET', '/patients?per_page=1', { key: secret });
		expect(response.status).toBe(200);
	});
});
