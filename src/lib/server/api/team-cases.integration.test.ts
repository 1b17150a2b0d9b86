// Contract tests of /api/v1/team_cases (issue 21): a clinical system sends a case to teams (JSON or
// multipart with attachments), retries safely with an Idempotency-Key, and reads back its status,
// acknowledgement and escalation steps; lists filter by status, priority, team, created_at and
// external reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../auth/user.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { Patient } from '../patients/patient.entity.ts';
import type { EscalationJobData } from '../routing/routing.jobs.ts';
import { runEscalationStep } from '../routing/routing.service.ts';
import { buildSearchText } from '../patients/patients.service.ts';
import { callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { queuedJobs } from '../testing/queued-jobs.ts';
import { apiClient, basicAuth, ORIGIN, type ApiClient } from './api-test-client.ts';
import { handleApiRequest } from './handler.ts';
import { logger } from '../logger.ts';

let db: TestDb;
let api: ApiClient;
let admin: User;
let member: User;
let teamId: string;
let otherTeamId: string;

type Json = Record<string, unknown>;
const asJson = (value: unknown) => value as Json;

beforeAll(async () => {
	db = await openTestDb();
	api = await apiClient(db, ['scheduler']);
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	member = await createTestUser(db.em(), { roles: ['practitioner'] });
	const teams = callerFor(db.em(), admin).teams;
	const team = await teams.create({ name: `Radiology ${uniqueSuffix()}`, acceptsExternalCases: false });
	const other = await teams.create({ name: `Cardiology ${uniqueSuffix()}`, acceptsExternalCases: false });
	await teams.addMember({ teamId: team.id, userId: member.id });
	teamId = team.id;
	otherTeamId = other.id;
});
afterAll(async () => {
	await db?.close();
});

async function createPatient(fields: { firstName?: string; lastName?: string; dateOfBirth?: string } = {}) {
	const em = db.em();
	const patient = em.create(Patient, {
		firstName: fields.firstName ?? 'Jo',
		lastName: fields.lastName ?? `Citizen${uniqueSuffix()}`,
		dateOfBirth: fields.dateOfBirth ?? null,
		phoneNumbers: [],
		medicalAlerts: []
	});
	patient.searchText = buildSearchText(patient);
	await em.flush();
	return patient;
}

function newCase(overrides: Json = {}): Json {
	return {
		subject: `Suspected fracture ${uniqueSuffix()}`,
		details: 'Left wrist, see the report',
		priority: 'urgent',
		team_ids: [teamId],
		...overrides
	};
}

async function escalationJobs(caseId: string) {
	return queuedJobs<EscalationJobData>(db, 'case.escalate', 'caseId', caseId);
}

/** A multipart request straight to the handler (the test client sends JSON only). */
async function postMultipart(form: FormData, headers: Record<string, string> = {}) {
	const response = await handleApiRequest(
		new Request(`${ORIGIN}/api/v1/team_cases`, {
			method: 'POST',
			headers: { Authorization: basicAuth(api.key), ...headers },
			body: form
		}),
		{ em: db.em(), origin: ORIGIN, requestId: `t-${uniqueSuffix()}`, ip: '10.0.0.9', log: logger }
	);
	return { status: response.status, headers: response.headers, body: asJson(await response.json()) };
}

const PNG = Uint8Array.from(
	Buffer.from(
		'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
		'base64'
	)
);

describe('POST /team_cases', () => {
	it('sends a case to the teams with a patient id: 201, its URL, and the first escalation step queued', async () => {
		const patient = await createPatient();
		const res = await api.call('POST', '/team_cases', {
			body: newCase({ patient_id: Number(patient.id), external_reference: `RAD-${uniqueSuffix()}` })
		});
		expect(res.status).toBe(201);
		const body = asJson(res.body);
		expect(res.headers.get('location')).toBe(`${ORIGIN}/api/v1/team_cases/${body.id}`);
		expect(body).toMatchObject({
			priority: 'urgent',
			status: 'open',
			teams: [{ id: teamId }],
			patient: { id: patient.id, links: { self: `${ORIGIN}/api/v1/patients/${patient.id}` } },
			acknowledged_at: null,
			acknowledged_by: null,
			escalation_steps: []
		});
		expect(body.next_escalation_at).toEqual(expect.any(String));
		expect(await escalationJobs(String(body.id))).toHaveLength(1);
	});

	it('finds the patient by name and date of birth, as the app’s duplicate check does', async () => {
		const patient = await createPatient({ dateOfBirth: '1961-03-04' });
		const res = await api.call('POST', '/team_cases', {
			body: newCase({
				patient: {
					first_name: patient.firstName.toUpperCase(),
					last_name: patient.lastName,
					date_of_birth: '1961-03-04'
				}
			})
		});
		expect(res.status).toBe(201);
		expect(asJson(asJson(res.body).patient).id).toBe(patient.id);
	});

	it('creates the patient when nobody matches', async () => {
		const last = `Newpatient${uniqueSuffix()}`;
		const res = await api.call('POST', '/team_cases', {
			body: newCase({
				patient: { first_name: 'Iris', last_name: last, date_of_birth: '1990-01-02', mobile: '0412 345 678' }
			})
		});
		expect(res.status).toBe(201);
		const created = await db.em().findOneOrFail(Patient, { lastName: last });
		expect(asJson(asJson(res.body).patient).id).toBe(created.id);
		expect(created.dateOfBirth).toBe('1990-01-02');
		expect(created.phoneNumbers).toEqual([{ phoneType: 'Mobile', number: '+61412345678' }]);
	});

	it('answers 409 when several patients have the same name and date of birth', async () => {
		const first = await createPatient({ dateOfBirth: '1950-06-07' });
		await createPatient({
			firstName: first.firstName,
			lastName: first.lastName,
			dateOfBirth: '1950-06-07'
		});
		const res = await api.call('POST', '/team_cases', {
			body: newCase({
				patient: { first_name: first.firstName, last_name: first.lastName, date_of_birth: '1950-06-07' }
			})
		});
		expect(res.status).toBe(409);
		expect(asJson(res.body).message).toMatch(/send patient_id/);
	});

	it('answers 422 naming every bad field', async () => {
		const res = await api.call('POST', '/team_cases', {
			body: { subject: '', priority: 'asap', team_ids: [], patient: { first_name: 'A' } }
		});
		expect(res.status).toBe(422);
		expect(asJson(asJson(res.body).errors)).toMatchObject({
			subject: expect.any(String),
			priority: 'Use one of: normal, high, urgent',
			team_ids: 'Choose at least one team',
			'patient.last_name': expect.any(String),
			'patient.date_of_birth': expect.any(String)
		});
	});

	it('answers 422 for a team that does not exist, and for both patient_id and patient', async () => {
		const unknownTeam = await api.call('POST', '/team_cases', { body: newCase({ team_ids: ['999999999'] }) });
		expect(unknownTeam.status).toBe(422);
		expect(asJson(asJson(unknownTeam.body).errors).team_ids).toBe('Choose teams from the list');
		const both = await api.call('POST', '/team_cases', {
			body: newCase({
				patient_id: '1',
				patient: { first_name: 'A', last_name: 'B', date_of_birth: '2000-01-01' }
			})
		});
		expect(both.status).toBe(422);
		expect(Object.keys(asJson(asJson(both.body).errors))).toEqual(['patient_id', 'patient']);
	});

	it('answers 401 without a key', async () => {
		const res = await api.call('POST', '/team_cases', { body: newCase(), key: null });
		expect(res.status).toBe(401);
	});
});

describe('Idempotency-Key', () => {
	it('a repeated request answers the first result: one case, one escalation', async () => {
		const key = `idem-${uniqueSuffix()}`;
		const reference = `LAB-${uniqueSuffix()}`;
		const body = newCase({ external_reference: reference });
		const first = await api.call('POST', '/team_cases', { body, headers: { 'Idempotency-Key': key } });
		const again = await api.call('POST', '/team_cases', {
			body: { ...body, team_ids: [...(body.team_ids as string[])] },
			headers: { 'Idempotency-Key': key }
		});
		expect(first.status).toBe(201);
		expect(again.status).toBe(201);
		expect(again.headers.get('idempotent-replayed')).toBe('true');
		expect(again.body).toEqual(first.body);
		expect(again.headers.get('location')).toBe(first.headers.get('location'));
		const list = await api.call('GET', `/team_cases?q[]=external_reference:=${reference}`);
		expect(asJson(list.body).total_entries).toBe(1);
		expect(await escalationJobs(String(asJson(first.body).id))).toHaveLength(1);
	});

	it('two requests with one key at the same time still make one case', async () => {
		const key = `race-${uniqueSuffix()}`;
		const reference = `RACE-${uniqueSuffix()}`;
		const body = newCase({ external_reference: reference });
		const [a, b] = await Promise.all([
			api.call('POST', '/team_cases', { body, headers: { 'Idempotency-Key': key } }),
			api.call('POST', '/team_cases', { body, headers: { 'Idempotency-Key': key } })
		]);
		expect([a.status, b.status]).toEqual([201, 201]);
		expect(asJson(a.body).id).toBe(asJson(b.body).id);
		const list = await api.call('GET', `/team_cases?q[]=external_reference:=${reference}`);
		expect(asJson(list.body).total_entries).toBe(1);
	});

	it('the same key with a different request answers 422 and creates nothing', async () => {
		const key = `reuse-${uniqueSuffix()}`;
		const first = await api.call('POST', '/team_cases', {
			body: newCase(),
			headers: { 'Idempotency-Key': key }
		});
		expect(first.status).toBe(201);
		const subject = `Other ${uniqueSuffix()}`;
		const reused = await api.call('POST', '/team_cases', {
			body: newCase({ subject }),
			headers: { 'Idempotency-Key': key }
		});
		expect(reused.status).toBe(422);
		expect(asJson(asJson(reused.body).errors)['Idempotency-Key']).toMatch(/different request/);
		expect(await db.em().count(Case, { name: subject })).toBe(0);
	});

	it('keys are per API key: another key’s same Idempotency-Key is a new request', async () => {
		const other = await apiClient(db, ['scheduler']);
		const key = `shared-${uniqueSuffix()}`;
		const a = await api.call('POST', '/team_cases', { body: newCase(), headers: { 'Idempotency-Key': key } });
		const b = await other.call('POST', '/team_cases', {
			body: newCase(),
			headers: { 'Idempotency-Key': key }
		});
		expect(a.status).toBe(201);
		expect(b.status).toBe(201);
		expect(asJson(a.body).id).not.toBe(asJson(b.body).id);
	});

	it('a failed request does not use up its key', async () => {
		const key = `fail-${uniqueSuffix()}`;
		const bad = await api.call('POST', '/team_cases', {
			body: newCase({ team_ids: ['999999999'] }),
			headers: { 'Idempotency-Key': key }
		});
		expect(bad.status).toBe(422);
		const good = await api.call('POST', '/team_cases', {
			body: newCase(),
			headers: { 'Idempotency-Key': key }
		});
		expect(good.status).toBe(201);
	});

	it('refuses a key that cannot be one (400)', async () => {
		const res = await api.call('POST', '/team_cases', {
			body: newCase(),
			headers: { 'Idempotency-Key': 'x'.repeat(300) }
		});
		expect(res.status).toBe(400);
	});
});

describe('attachments (multipart)', () => {
	it('stores attachments with the case, by the app’s type rules', async () => {
		const form = new FormData();
		form.set('subject', `Scan ${uniqueSuffix()}`);
		form.set('priority', 'high');
		form.append('team_ids', teamId);
		form.append('team_ids', otherTeamId);
		form.set('patient[first_name]', 'Multi');
		form.set('patient[last_name]', `Part${uniqueSuffix()}`);
		form.set('patient[date_of_birth]', '1980-05-05');
		form.append('attachments', new Blob([PNG]), 'scan.png');
		form.append('attachments', new Blob(['Report: no fracture seen.']), 'report.txt');
		const res = await postMultipart(form);
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			priority: 'high',
			teams: expect.arrayContaining([{ id: teamId, name: expect.any(String) }]),
			attachments: [
				{ file_name: 'scan.png', content_type: 'image/png', size_bytes: PNG.byteLength },
				{ file_name: 'report.txt', content_type: 'text/plain' }
			]
		});
	});

	it('accepts the JSON body as a payload part', async () => {
		const form = new FormData();
		form.set('payload', JSON.stringify(newCase({ priority: 'normal' })));
		form.append('attachments', new Blob([PNG]), 'x.png');
		const res = await postMultipart(form);
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ priority: 'normal', attachments: [{ file_name: 'x.png' }] });
	});

	it('refuses a file type the app refuses (422 naming the file), and sends nothing', async () => {
		const subject = `Refused ${uniqueSuffix()}`;
		const form = new FormData();
		form.set('payload', JSON.stringify(newCase({ subject })));
		form.append('attachments', new Blob([Uint8Array.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00])]), 'tool.exe');
		const res = await postMultipart(form);
		expect(res.status).toBe(422);
		expect(asJson(res.body.errors)['attachments.0']).toMatch(/Only PDF, images/);
		expect(await db.em().count(Case, { name: subject })).toBe(0);
	});
});

describe('GET /team_cases/:id and the list', () => {
	it('shows who acknowledged and when, and the escalation steps taken', async () => {
		const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
		const sent = await api.call('POST', '/team_cases', { body: newCase(), now: tenMinutesAgo });
		const id = String(asJson(sent.body).id);
		const [job] = await escalationJobs(id);
		expect(await runEscalationStep(db.em(), job!)).toBe('paged');
		await callerFor(db.em(), member).cases.acknowledge({ caseId: id });
		const res = await api.call('GET', `/team_cases/${id}`);
		expect(res.status).toBe(200);
		const body = asJson(res.body);
		expect(body.acknowledged_by).toEqual({ name: member.name });
		expect(body.acknowledged_at).toEqual(expect.any(String));
		expect(body.next_escalation_at).toBeNull();
		expect(body.escalation_steps).toEqual([
			{
				at: expect.any(String),
				team: { id: teamId, name: expect.any(String) },
				channel: 'sms',
				recipients: [{ name: member.name, channel: 'email', status: 'queued' }]
			}
		]);
	});

	it('answers 404 for a case that was not sent to teams, or that the key’s user may not see', async () => {
		expect((await api.call('GET', '/team_cases/999999999')).status).toBe(404);
		const sent = await api.call('POST', '/team_cases', { body: newCase() });
		const outsider = await apiClient(db, ['practitioner']);
		expect((await outsider.call('GET', `/team_cases/${asJson(sent.body).id}`)).status).toBe(404);
	});

	it('filters by status, priority, team, created_at and external reference', async () => {
		const reference = `F-${uniqueSuffix()}`;
		const urgent = await api.call('POST', '/team_cases', {
			body: newCase({ external_reference: reference, team_ids: [otherTeamId] })
		});
		const normal = await api.call('POST', '/team_cases', {
			body: newCase({ external_reference: reference, priority: 'normal' })
		});
		const ids = (res: { body: unknown }) => (asJson(res.body).team_cases as Json[]).map((c) => c.id).sort();
		const ref = `q[]=external_reference:=${reference}`;
		expect(ids(await api.call('GET', `/team_cases?${ref}`))).toEqual(
			[asJson(urgent.body).id, asJson(normal.body).id].sort()
		);
		expect(ids(await api.call('GET', `/team_cases?${ref}&q[]=priority:=urgent`))).toEqual([
			asJson(urgent.body).id
		]);
		expect(ids(await api.call('GET', `/team_cases?${ref}&q[]=team_id:=${otherTeamId}`))).toEqual([
			asJson(urgent.body).id
		]);
		expect(ids(await api.call('GET', `/team_cases?${ref}&q[]=status:=closed`))).toEqual([]);
		const future = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
		expect(ids(await api.call('GET', `/team_cases?${ref}&q[]=created_at:>=${future}`))).toEqual([]);
		expect(ids(await api.call('GET', `/team_cases?${ref}&q[]=created_at:<${future}`))).toHaveLength(2);
		const bad = await api.call('GET', '/team_cases?q[]=priority:~urg');
		expect(bad.status).toBe(400);
		expect(asJson(bad.body).message).toMatch(/priority:~urg/);
	});

	it('is in the OpenAPI document, with the multipart alternative', async () => {
		const doc = asJson((await api.call('GET', '/openapi.json', { key: null })).body);
		const paths = asJson(doc.paths);
		const post = asJson(asJson(asJson(paths['/team_cases']).post).requestBody);
		expect(Object.keys(asJson(post.content))).toEqual(['application/json', 'multipart/form-data']);
		expect(asJson(paths['/team_cases/{id}']).get).toBeDefined();
	});
});

describe('API key scopes', () => {
	it('a key limited to team_cases:write sends and reads team cases, and gets 403 anywhere else', async () => {
		const limited = await apiClient(db, ['scheduler'], { scopes: ['team_cases:write'] });
		const sent = await limited.call('POST', '/team_cases', { body: newCase() });
		expect(sent.status).toBe(201);
		expect((await limited.call('GET', `/team_cases/${asJson(sent.body).id}`)).status).toBe(200);
		const patients = await limited.call('GET', '/patients');
		expect(patients.status).toBe(403);
		expect(asJson(patients.body).message).toMatch(/needs the scope patients:read/);
		expect(
			(await limited.call('POST', '/patients', { body: { first_name: 'A', last_name: 'B' } })).status
		).toBe(403);
		expect((await limited.call('GET', '/patient_cases')).status).toBe(403);
	});

	it('a read-only key reads but cannot send', async () => {
		const reader = await apiClient(db, ['scheduler'], { scopes: ['team_cases:read', 'patients:read'] });
		expect((await reader.call('GET', '/team_cases')).status).toBe(200);
		expect((await reader.call('GET', '/patients')).status).toBe(200);
		expect((await reader.call('POST', '/team_cases', { body: newCase() })).status).toBe(403);
	});

	it('a key with full access (*), as every key made before scopes, reaches everything its user may', async () => {
		expect((await api.call('GET', '/patients')).status).toBe(200);
		expect((await api.call('GET', '/team_cases')).status).toBe(200);
	});

	it('refuses unknown scopes when a key is made', async () => {
		await expect(apiClient(db, ['scheduler'], { scopes: ['everything:write'] })).rejects.toThrow(
			/Unknown scope/
		);
	});
});

describe('scope names', () => {
	it('every endpoint needs a scope a key can be given', async () => {
		const { apiRoutes } = await import('./routes.ts');
		const { API_SCOPES, scopeFor } = await import('../../schemas/api-scopes.ts');
		const missing = apiRoutes
			.filter((r) => r.access !== 'public')
			.map((r) => r.scope ?? scopeFor(r.tag, r.method))
			.filter((scope) => !API_SCOPES.includes(scope));
		expect([...new Set(missing)]).toEqual([]);
	});
});
