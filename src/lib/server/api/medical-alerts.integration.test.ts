// Contract tests of Cliniko's Medical Alerts resource on Casebook's patient alerts: a patient's list
// (filters, paging), and one alert to create, read, update and delete, with the API's statuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatient } from '../testing/clinic-fixtures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { apiClient, ORIGIN, type ApiClient } from './api-test-client.ts';

let db: TestDb;
let api: ApiClient;

beforeAll(async () => {
	db = await openTestDb();
	api = await apiClient(db, ['scheduler']);
});
afterAll(async () => {
	await db?.close();
});

type Json = Record<string, unknown>;
const asJson = (value: unknown) => value as Json;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

describe('medical alerts', () => {
	it('creates, lists, reads, updates and deletes an alert in Cliniko’s shape', async () => {
		const patient = await createPatient(db.em(), 'Alert');
		const created = await api.call('POST', `/patients/${patient.id}/medical_alerts`, {
			body: { name: 'Penicillin allergy' }
		});
		expect(created.status, created.text).toBe(201);
		const alert = asJson(created.body);
		const self = `${ORIGIN}/api/v1/medical_alerts/${alert.id}`;
		expect(created.headers.get('location')).toBe(self);
		expect(alert).toEqual({
			id: expect.any(Number),
			name: 'Penicillin allergy',
			notes: null,
			created_at: expect.stringMatching(TIME),
			updated_at: expect.stringMatching(TIME),
			deleted_at: null,
			patient: { links: { self: `${ORIGIN}/api/v1/patients/${patient.id}` } },
			links: { self }
		});

		// Cliniko's own create: POST /medical_alerts with patient_id in the body.
		const second = await api.call('POST', '/medical_alerts', {
			body: { name: 'Pacemaker', patient_id: patient.id }
		});
		expect(second.status, second.text).toBe(201);

		const list = await api.call('GET', `/patients/${patient.id}/medical_alerts?per_page=1`);
		expect(list.status).toBe(200);
		expect(asJson(list.body).total_entries).toBe(2);
		expect((asJson(list.body).medical_alerts as Json[]).map((a) => a.name)).toEqual(['Penicillin allergy']);
		expect(asJson(asJson(list.body).links).next).toContain('page=2');

		const filtered = await api.call(
			'GET',
			`/patients/${patient.id}/medical_alerts?q[]=id:>${alert.id as number}`
		);
		expect((asJson(filtered.body).medical_alerts as Json[]).map((a) => a.name)).toEqual(['Pacemaker']);

		const read = await api.call('GET', `/medical_alerts/${alert.id}`);
		expect(read.status).toBe(200);
		expect(asJson(read.body).name).toBe('Penicillin allergy');

		const updated = await api.call('PUT', `/medical_alerts/${alert.id}`, {
			body: { name: 'Severe penicillin allergy' }
		});
		expect(updated.status, updated.text).toBe(200);
		expect(asJson(updated.body)).toMatchObject({ id: alert.id, name: 'Severe penicillin allergy' });

		// The patient record (and the staff UI) holds the same alerts.
		const record = await api.call('GET', `/patients/${patient.id}`);
		expect(asJson(asJson(record.body).medical_alerts).links).toEqual({
			self: `${ORIGIN}/api/v1/patients/${patient.id}/medical_alerts?page=1`
		});

		const deleted = await api.call('DELETE', `/medical_alerts/${alert.id}`);
		expect(deleted.status).toBe(204);
		expect((await api.call('GET', `/medical_alerts/${alert.id}`)).status).toBe(404);
		const after = await api.call('GET', `/patients/${patient.id}/medical_alerts`);
		expect((asJson(after.body).medical_alerts as Json[]).map((a) => a.name)).toEqual(['Pacemaker']);
	});

	it('answers 422 naming the field, 404 for unknown ids, 401 without a key, 400 for a bad filter', async () => {
		const patient = await createPatient(db.em(), 'Bad');
		const blank = await api.call('POST', `/patients/${patient.id}/medical_alerts`, { body: { name: '  ' } });
		expect(blank.status).toBe(422);
		expect(asJson(blank.body)).toEqual({
			message: 'Validation Failed',
			errors: { name: 'Describe the alert' }
		});
		const missing = await api.call('POST', '/medical_alerts', { body: { name: 'No patient' } });
		expect(missing.status).toBe(422);
		expect(asJson(asJson(missing.body).errors)).toHaveProperty('patient_id');
		expect(
			(await api.call('POST', '/patients/999999999/medical_alerts', { body: { name: 'x' } })).status
		).toBe(404);
		expect((await api.call('PUT', '/medical_alerts/999999999', { body: { name: 'x' } })).status).toBe(404);
		expect((await api.call('DELETE', '/medical_alerts/999999999')).status).toBe(404);
		expect((await api.call('GET', `/patients/${patient.id}/medical_alerts`, { key: null })).status).toBe(401);
		const bad = await api.call('GET', `/patients/${patient.id}/medical_alerts?q[]=colour:=red`);
		expect(bad.status).toBe(400);
	});

	it('is refused (403) to a key whose user holds no patient role', async () => {
		const teamOnly = await apiClient(db, []);
		const patient = await createPatient(db.em(), 'Nope');
		const answer = await teamOnly.call('GET', `/patients/${patient.id}/medical_alerts`);
		expect(answer.status).toBe(403);
	});
});
