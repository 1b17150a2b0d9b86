// Impossible dates in list filters (issue 15): 2024-02-30 or year 0000 are a 400 on the REST API
// and a field error on tRPC, each naming the value, never a 500 (PostgreSQL refusing the date) or
// a silent roll-over to 1 March.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPatient } from '../testing/clinic-fixtures.ts';
import { callerFor, createTestUser } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { apiClient, type ApiClient } from './api-test-client.ts';

let db: TestDb;
let api: ApiClient;

beforeAll(async () => {
	db = await openTestDb();
	api = await apiClient(db, ['scheduler']);
});
afterAll(async () => {
	await db?.close();
});

const IMPOSSIBLE = ['2024-02-30', '0000-01-01', '2023-02-29'];

async function listWith(path: string, filter: string) {
	const response = await api.call('GET', `${path}?q[]=${encodeURIComponent(filter)}`);
	return {
		status: response.status,
		body: response.body as { message?: string; errors?: Record<string, string> }
	};
}

describe('REST list filters with a day that does not exist', () => {
	it.each(
		IMPOSSIBLE.flatMap((day) => [
			['/patients', `date_of_birth:=${day}`, day],
			['/patients', `created_at:>${day}`, day],
			['/patients/archived', `updated_at:<=${day}T10:00:00Z`, `${day}T10:00:00Z`],
			['/patient_cases', `expiry_date:<${day}`, day],
			['/patient_cases', `issue_date:>=${day}`, day],
			['/patient_cases', `created_at:>${day}`, day]
		])
	)('GET %s?q[]=%s answers 400 naming the value', async (path, filter, value) => {
		const { status, body } = await listWith(path, filter);
		expect(status).toBe(400);
		expect(body.message).toBe(`Filter "${filter}": ${body.errors?.['q[]']}`);
		expect(body.errors?.['q[]']).toContain(`"${value}"`);
		expect(body.errors?.['q[]']).toMatch(/not a real date/);
	});

	it('refuses a wildcard day no month has (****-02-30), and still takes real dates, leap days and wildcards', async () => {
		const wildcard = await listWith('/patients', 'date_of_birth:=****-02-30');
		expect(wildcard.status).toBe(400);
		expect(wildcard.body.message).toContain('"****-02-30" is not a real date');
		const patient = await createPatient(db.em(), 'Leap');
		for (const filter of [
			`date_of_birth:=2024-02-29`,
			'date_of_birth:=****-02-29',
			'created_at:>2024-02-29T23:59:59Z',
			`id:=${patient.id}`
		])
			expect((await listWith('/patients', filter)).status, filter).toBe(200);
		expect((await listWith('/patient_cases', 'expiry_date:<2028-02-29')).status).toBe(200);
	});
});

describe('tRPC patient filters with a day that does not exist', () => {
	it('are a field error on the filter’s value, naming it, in find and findArchived', async () => {
		const caller = callerFor(db.em(), await createTestUser(db.em(), { roles: ['scheduler'] }));
		for (const [field, value] of [
			['dateOfBirth', '2024-02-30'],
			['createdAt', '2024-02-30'],
			['updatedAt', '0000-01-01T00:00:00Z'],
			['dateOfBirth', '****-02-30']
		] as const) {
			for (const find of [caller.patients.find, caller.patients.findArchived]) {
				const failure = await failureOf(find({ filters: [{ field, op: '=', value }] }));
				expect(failure.code, `${field} ${value}`).toBe('BAD_REQUEST');
				expect(failure.fieldErrors['filters.0.value']?.[0]).toContain(`"${value}"`);
			}
		}
		const fine = await caller.patients.find({
			filters: [{ field: 'dateOfBirth', op: '=', value: '2024-02-29' }]
		});
		expect(fine.items).toBeDefined();
	});
});
