// Contract tests of /api/v1/patient_cases (Cliniko's Patient Cases resource on Casebook's cases):
// create, get, update (PATCH), close, archive and unarchive, lists with filters, and the rules of
// the cases service (visibility, caps, referral dates) answering through the API's statuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { Contact } from '../contacts/contact.entity.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { apiClient, ORIGIN, type ApiClient } from './api-test-client.ts';

let db: TestDb;
let clinic: Clinic;
let api: ApiClient;
let doctor: Contact;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	api = await apiClient(db, ['scheduler']);
	const em = db.em();
	doctor = em.create(Contact, { firstName: 'Ada', lastName: `Referrer ${uniqueSuffix()}` });
	await em.flush();
});
afterAll(async () => {
	await db?.close();
});

type Json = Record<string, unknown>;
const asJson = (value: unknown) => value as Json;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** Cliniko's patient case properties, and Casebook's two additions. */
const CASE_KEYS = [
	'id',
	'created_at',
	'updated_at',
	'archived_at',
	'max_invoiceable_amount',
	'closed',
	'include_cancelled_attendees',
	'include_dna_attendees',
	'issue_date',
	'expiry_date',
	'name',
	'notes',
	'max_sessions',
	'referral',
	'referral_type',
	'attendee_ids',
	'patient',
	'attendees',
	'bookings',
	'patient_attachments',
	'invoices',
	'links',
	'body_part_ids',
	'template_id'
].sort();

describe('a patient case, from creation to archive', () => {
	it('creates (201 + Location), reads, updates with PATCH, closes, archives and unarchives', async () => {
		const patient = await createPatient(db.em(), 'Casey');
		// Cliniko's example: `-d '{ "name": "Patient Case 2", "patient_id": 372481449527346255 }'`
		const created = await api.call('POST', '/patient_cases', {
			body: { name: 'Patient Case 2', patient_id: Number(patient.id) }
		});
		expect(created.status, created.text).toBe(201);
		const body = asJson(created.body);
		const id = body.id as string;
		const self = `${ORIGIN}/api/v1/patient_cases/${id}`;
		expect(created.headers.get('location')).toBe(self);
		expect(Object.keys(body).sort()).toEqual(CASE_KEYS);
		expect(body).toEqual({
			id: expect.stringMatching(/^\d+$/),
			created_at: expect.stringMatching(TIME),
			updated_at: expect.stringMatching(TIME),
			archived_at: null,
			max_invoiceable_amount: null,
			closed: false,
			include_cancelled_attendees: false,
			include_dna_attendees: false,
			issue_date: null,
			expiry_date: null,
			name: 'Patient Case 2',
			notes: null,
			max_sessions: null,
			referral: false,
			referral_type: null,
			attendee_ids: [],
			body_part_ids: [],
			template_id: null,
			patient: { links: { self: `${ORIGIN}/api/v1/patients/${patient.id}` } },
			attendees: { links: { self: `${self}/attendees` } },
			bookings: { links: { self: `${self}/bookings` } },
			patient_attachments: { links: { self: `${self}/patient_attachments` } },
			invoices: { links: { self: `${self}/invoices` } },
			links: { self }
		});

		const got = await api.call('GET', `/patient_cases/${id}`);
		expect(got.status).toBe(200);
		expect(got.body).toEqual(body);

		// Cliniko's update example, then a referral and a maximum.
		const renamed = await api.call('PATCH', `/patient_cases/${id}`, { body: { name: 'Patient Case 3' } });
		expect(renamed.status).toBe(200);
		expect(asJson(renamed.body).name).toBe('Patient Case 3');
		const updated = await api.call('PATCH', `/patient_cases/${id}`, {
			body: {
				notes: 'Left shoulder after a fall',
				max_sessions: 10,
				include_dna_attendees: true,
				contact_id: doctor.id,
				issue_date: '2026-01-10',
				expiry_date: '2027-01-09',
				body_part_ids: [clinic.leftShoulder.id]
			}
		});
		expect(updated.status, updated.text).toBe(200);
		expect(updated.body).toMatchObject({
			name: 'Patient Case 3',
			notes: 'Left shoulder after a fall',
			max_sessions: 10,
			max_invoiceable_amount: null,
			include_cancelled_attendees: false,
			include_dna_attendees: true,
			referral: true,
			issue_date: '2026-01-10',
			expiry_date: '2027-01-09',
			body_part_ids: [clinic.leftShoulder.id],
			contact: { links: { self: `${ORIGIN}/api/v1/contacts/${doctor.id}` } }
		});
		// From a maximum of appointments to a maximum amount; the rest stays.
		const amount = await api.call('PUT', `/patient_cases/${id}`, {
			body: { max_sessions: null, max_invoiceable_amount: '1200.50' }
		});
		expect(amount.status, amount.text).toBe(200);
		expect(amount.body).toMatchObject({ max_sessions: null, max_invoiceable_amount: 1200.5, referral: true });

		const closed = await api.call('PATCH', `/patient_cases/${id}`, { body: { closed: true } });
		expect(asJson(closed.body).closed).toBe(true);
		const reopened = await api.call('PATCH', `/patient_cases/${id}`, { body: { closed: false } });
		expect(asJson(reopened.body).closed).toBe(false);

		const archived = await api.call('POST', `/patient_cases/${id}/archive`);
		expect(archived.status).toBe(204);
		expect(archived.text).toBe('');
		const live = await api.call('GET', `/patient_cases?q[]=id:=${id}`);
		expect(asJson(live.body).total_entries).toBe(0);
		const inArchive = await api.call('GET', `/patient_cases/archived?q[]=id:=${id}`);
		expect(inArchive.body).toEqual({
			patient_cases: [expect.objectContaining({ id, archived_at: expect.stringMatching(TIME) })],
			total_entries: 1,
			links: { self: `${ORIGIN}/api/v1/patient_cases/archived?page=1&q[]=id:=${id}` }
		});
		expect((await api.call('POST', `/patient_cases/${id}/archive`)).status).toBe(409);
		const unarchived = await api.call('POST', `/patient_cases/${id}/unarchive`);
		expect(unarchived.status).toBe(200);
		expect(asJson(unarchived.body).archived_at).toBeNull();

		const actions = await db
			.em()
			.find(AuditEvent, { recordType: 'case', recordId: id }, { orderBy: { id: 'asc' } });
		expect(actions.map((e) => e.action)).toEqual(
			expect.arrayContaining([
				'case.create',
				'case.update',
				'case.close',
				'case.reopen',
				'case.archive',
				'case.unarchive'
			])
		);
		expect(actions.every((e) => e.actorId === api.user.id)).toBe(true);
	});

	it('relates existing appointments (attendee_ids) and counts them against max_sessions', async () => {
		const patient = await createPatient(db.em(), 'Attendee');
		const { appointment } = await callerFor(db.em(), clinic.scheduler).appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot(),
			case: { mode: 'none' }
		});
		const created = await api.call('POST', '/patient_cases', {
			body: { name: 'Knee', patient_id: patient.id, attendee_ids: [Number(appointment.id)], max_sessions: 3 }
		});
		expect(created.status, created.text).toBe(201);
		expect(asJson(created.body).attendee_ids).toEqual([appointment.id]);
		// The cap cannot go below what the case already counts (the service's rule, in Cliniko's name).
		const tooLow = await api.call('PATCH', `/patient_cases/${asJson(created.body).id}`, {
			body: { max_sessions: 0 }
		});
		expect(tooLow.status).toBe(422);
		expect(Object.keys(asJson(tooLow.body).errors as Json)).toEqual(['max_sessions']);
	});
});

describe('lists of patient cases', () => {
	it('filters by patient_id, expiry_date, created_at and updated_at, and lists a patient’s cases', async () => {
		const patient = await createPatient(db.em(), 'Lister');
		const make = async (name: string, expiry: string | null) => {
			const response = await api.call('POST', '/patient_cases', {
				body: { name, patient_id: patient.id, ...(expiry ? { expiry_date: expiry } : {}) }
			});
			expect(response.status, response.text).toBe(201);
			return asJson(response.body).id as string;
		};
		await make('A', '2026-06-30');
		await make('B', '2027-06-30');
		await make('C', null);
		const names = async (query: string, sort = 'name') => {
			const response = await api.call(
				'GET',
				`/patient_cases?q[]=patient_id:=${patient.id}&sort=${sort}&${query}`
			);
			expect(response.status, response.text).toBe(200);
			return (asJson(response.body).patient_cases as Json[]).map((c) => c.name);
		};
		expect(await names('')).toEqual(['A', 'B', 'C']);
		expect(await names('q[]=expiry_date:<2027-01-01')).toEqual(['A']);
		expect(await names('q[]=expiry_date:!?')).toEqual(['C']);
		expect(await names('q[]=expiry_date:=****-06-**')).toEqual(['A', 'B']);
		expect(await names('q[]=created_at:>2000-01-01T00:00:00Z&q[]=updated_at:>2000-01-01T00:00:00Z')).toEqual([
			'A',
			'B',
			'C'
		]);
		expect(await names('', 'name:desc')).toEqual(['C', 'B', 'A']);
		expect(await names('', 'expiry_date:desc,name')).toEqual(['C', 'B', 'A']);

		const ofPatient = await api.call('GET', `/patients/${patient.id}/patient_cases?per_page=2&sort=name`);
		expect(ofPatient.body).toMatchObject({
			total_entries: 3,
			links: {
				self: `${ORIGIN}/api/v1/patients/${patient.id}/patient_cases?page=1&per_page=2&sort=name`,
				next: `${ORIGIN}/api/v1/patients/${patient.id}/patient_cases?page=2&per_page=2&sort=name`
			}
		});

		const bad = await api.call('GET', '/patient_cases?q[]=name:=A');
		expect(bad.status).toBe(400);
		expect(asJson(bad.body).message).toContain('Unknown filter field "name"');
	});
});

describe('errors from the cases rules', () => {
	it('answers 422 naming every bad field in Cliniko’s names', async () => {
		const response = await api.call('POST', '/patient_cases', {
			body: { max_sessions: 5, max_invoiceable_amount: 12.345, issue_date: '2026-02-30' }
		});
		expect(response.status).toBe(422);
		expect(asJson(response.body).message).toBe('Validation Failed');
		expect(Object.keys(asJson(response.body).errors as Json).sort()).toEqual([
			'issue_date',
			'max_invoiceable_amount',
			'name',
			'patient_id'
		]);

		const patient = await createPatient(db.em(), 'Rules');
		const both = await api.call('POST', '/patient_cases', {
			body: { name: 'Both', patient_id: patient.id, max_sessions: 5, max_invoiceable_amount: 100 }
		});
		expect(both.status).toBe(422);
		expect(Object.keys(asJson(both.body).errors as Json).sort()).toEqual([
			'max_invoiceable_amount',
			'max_sessions'
		]);

		const dates = await api.call('POST', '/patient_cases', {
			body: {
				name: 'Dates',
				patient_id: patient.id,
				issue_date: '2026-05-01',
				expiry_date: '2026-04-01',
				body_part_ids: ['999999999'],
				contact_id: '999999999'
			}
		});
		expect(dates.status).toBe(422);
		expect(asJson(dates.body).errors).toEqual({
			expiry_date: 'The expiry date cannot be before the issue date'
		});
		const references = await api.call('POST', '/patient_cases', {
			body: { name: 'Refs', patient_id: patient.id, body_part_ids: ['999999999'], contact_id: '999999999' }
		});
		expect(references.status).toBe(422);
		expect(Object.keys(asJson(references.body).errors as Json).sort()).toEqual([
			'body_part_ids',
			'contact_id'
		]);

		const noPatient = await api.call('POST', '/patient_cases', {
			body: { name: 'Nobody', patient_id: 999999999 }
		});
		expect(noPatient.status).toBe(422);
		expect(asJson(noPatient.body).errors).toEqual({ patient_id: 'Choose a patient' });

		const explicitNo = await api.call('POST', '/patient_cases', {
			body: { name: 'No referral', patient_id: patient.id, referral: false, expiry_date: '2027-01-01' }
		});
		expect(explicitNo.status).toBe(422);
		expect(Object.keys(asJson(explicitNo.body).errors as Json)).toEqual(['expiry_date']);
	});

	it('answers 404 for an unknown case, and for one the key’s user may not see', async () => {
		expect((await api.call('GET', '/patient_cases/999999999')).status).toBe(404);
		expect((await api.call('PATCH', '/patient_cases/999999999', { body: { name: 'x' } })).status).toBe(404);

		const em = db.em();
		const speech = em.create(CaseTemplate, { name: `Speech only ${uniqueSuffix()}` });
		speech.services.add(em.getReference(Service, clinic.speech.id));
		await em.flush();
		const patient = await createPatient(db.em(), 'Hidden');
		const created = await api.call('POST', '/patient_cases', {
			body: { name: 'Speech case', patient_id: patient.id, template_id: speech.id }
		});
		expect(created.status, created.text).toBe(201);
		expect(asJson(created.body).template_id).toBe(speech.id);
		const physio = await apiClient(db, ['practitioner']);
		const hidden = await physio.call('GET', `/patient_cases/${asJson(created.body).id}`);
		expect(hidden.status).toBe(404);
		const list = await physio.call('GET', `/patient_cases?q[]=patient_id:=${patient.id}`);
		expect(asJson(list.body).total_entries).toBe(0);
	});

	it('refuses to move a case to another patient', async () => {
		const patient = await createPatient(db.em(), 'Stay');
		const other = await createPatient(db.em(), 'Other');
		const created = await api.call('POST', '/patient_cases', {
			body: { name: 'Mine', patient_id: patient.id }
		});
		const moved = await api.call('PATCH', `/patient_cases/${asJson(created.body).id}`, {
			body: { patient_id: other.id }
		});
		expect(moved.status).toBe(422);
		expect(asJson(moved.body).errors).toEqual({ patient_id: 'A case cannot move to another patient' });
	});
});

describe('referral_type (issue 18)', () => {
	it('stores medicare, returns it on get and in lists, and implies the referral', async () => {
		const patient = await createPatient(db.em(), 'Medicare');
		const created = await api.call('POST', '/patient_cases', {
			body: { name: 'EPC plan', patient_id: patient.id, referral_type: 'medicare', issue_date: '2026-03-01' }
		});
		expect(created.status, created.text).toBe(201);
		const id = asJson(created.body).id as string;
		expect(asJson(created.body)).toMatchObject({ referral: true, referral_type: 'medicare' });

		const read = await api.call('GET', `/patient_cases/${id}`);
		expect(asJson(read.body)).toMatchObject({ referral_type: 'medicare', issue_date: '2026-03-01' });
		const list = await api.call('GET', `/patients/${patient.id}/patient_cases`);
		expect((asJson(list.body).patient_cases as Json[]).map((c) => c.referral_type)).toEqual(['medicare']);

		// A change to something else keeps it; null clears it and keeps the referral.
		const renamed = await api.call('PATCH', `/patient_cases/${id}`, { body: { name: 'EPC plan 2' } });
		expect(asJson(renamed.body)).toMatchObject({ name: 'EPC plan 2', referral_type: 'medicare' });
		const cleared = await api.call('PATCH', `/patient_cases/${id}`, { body: { referral_type: null } });
		expect(asJson(cleared.body)).toMatchObject({ referral: true, referral_type: null });
	});

	it('keeps the referral type when staff edit the case in the app, and drops it with the referral', async () => {
		const patient = await createPatient(db.em(), 'Staffedit');
		const created = await api.call('POST', '/patient_cases', {
			body: { name: 'Knee', patient_id: patient.id, referral_type: 'medicare' }
		});
		const id = asJson(created.body).id as string;
		const caller = callerFor(db.em(), clinic.scheduler);
		const current = await caller.cases.get({ id });
		expect(current.referralType).toBe('medicare');
		await caller.cases.update({
			id,
			version: current.version,
			name: 'Knee (left)',
			limitKind: 'unlimited',
			hasReferral: true
		});
		expect((await api.call('GET', `/patient_cases/${id}`)).body).toMatchObject({
			name: 'Knee (left)',
			referral_type: 'medicare'
		});
		const again = await caller.cases.get({ id });
		await caller.cases.update({ id, version: again.version, name: 'Knee (left)', limitKind: 'unlimited' });
		expect((await api.call('GET', `/patient_cases/${id}`)).body).toMatchObject({
			referral: false,
			referral_type: null
		});
	});

	it('answers 422 naming referral_type for an unknown value, and creates nothing', async () => {
		const patient = await createPatient(db.em(), 'Unknowntype');
		for (const value of ['dva', 'Medicare', 7, '']) {
			const response = await api.call('POST', '/patient_cases', {
				body: { name: 'Nope', patient_id: patient.id, referral_type: value }
			});
			expect(response.status, JSON.stringify(value)).toBe(422);
			expect(asJson(response.body).errors).toEqual({ referral_type: expect.stringContaining('medicare') });
		}
		const list = await api.call('GET', `/patients/${patient.id}/patient_cases`);
		expect(asJson(list.body).total_entries).toBe(0);

		const created = await api.call('POST', '/patient_cases', {
			body: { name: 'Yes', patient_id: patient.id }
		});
		const id = asJson(created.body).id as string;
		const patched = await api.call('PATCH', `/patient_cases/${id}`, { body: { referral_type: 'gp' } });
		expect(patched.status).toBe(422);
		expect(Object.keys(asJson(patched.body).errors as Json)).toEqual(['referral_type']);
		expect(asJson((await api.call('GET', `/patient_cases/${id}`)).body).referral_type).toBeNull();
	});

	it('is described in the OpenAPI document', async () => {
		const doc = asJson((await api.call('GET', '/api/v1/openapi.json', { key: null })).body);
		const schemas = asJson(asJson(doc.components).schemas);
		const property = (name: string) => asJson(asJson(asJson(schemas[name]).properties).referral_type);
		expect(JSON.stringify(property('PatientCaseCreate'))).toContain('"medicare"');
		expect(JSON.stringify(property('PatientCaseUpdate'))).toContain('"medicare"');
		expect(JSON.stringify(property('PatientCase'))).toContain('"medicare"');
	});
});
