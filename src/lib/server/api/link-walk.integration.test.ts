// A Cliniko script follows the links Casebook's answers contain (issue 21): this test does the
// same, from every list the API serves, over a clinic with data in every resource. Every link in
// every answer must answer 2xx with JSON (an attachment's content: 2xx with its bytes), and every
// GET endpoint must be reached, so a new resource cannot link to something the API does not serve.
// Its own database: the walk follows every page of every list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { addCaseAttachment, archiveCase, createCase } from '../cases/cases.service.ts';
import { Contact } from '../contacts/contact.entity.ts';
import { ConcessionType } from '../patients/concession-type.entity.ts';
import { updatePatient } from '../patients/patients.service.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { actorFor, callerFor, uniqueSuffix } from '../testing/factories.ts';
import type { TestDb } from '../testing/harness.ts';
import { openIsolatedTestDb } from '../testing/isolated-db.ts';
import { apiClient, ORIGIN, type ApiClient } from './api-test-client.ts';
import { apiRoutes, matchRoute } from './routes.ts';

let db: TestDb;
let clinic: Clinic;
let api: ApiClient;
const BASE = `${ORIGIN}/api/v1`;
const NO_LIMIT = { points: 1_000_000, windowSeconds: 60 };

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

beforeAll(async () => {
	db = await openIsolatedTestDb('link_walk');
	clinic = await createClinic(db.em());
	api = await apiClient(db, ['admin', 'scheduler']);
	const em = db.em();
	const doctor = em.create(Contact, { type: 'gp', firstName: 'Ada', lastName: `Referrer ${uniqueSuffix()}` });
	const concession = em.create(ConcessionType, { name: `Pension ${uniqueSuffix()}` });
	const template = em.create(CaseTemplate, { name: `Physio ${uniqueSuffix()}` });
	template.services.add(em.getReference(Service, clinic.physiotherapy.id));
	await em.flush();
	const admin = actorFor(clinic.admin);

	const patient = await createPatient(db.em(), 'Linked');
	await updatePatient(db.em(), admin, {
		id: patient.id,
		referringDoctorId: doctor.id,
		concessionTypeId: concession.id,
		medicalAlerts: [{ name: 'Latex allergy', notes: null }]
	});
	const caseFields = {
		templateId: template.id,
		bodyPartIds: [clinic.leftShoulder.id],
		limitKind: 'appointments' as const,
		maxAppointments: 10,
		maxAmountCents: null,
		countsCancelled: false,
		countsDidNotArrive: false,
		hasReferral: true,
		referringDoctorId: doctor.id,
		referralIssuedOn: '2026-01-05',
		referralExpiresOn: '2027-01-05',
		referralType: null,
		notes: null,
		appointmentIds: []
	};
	const c = await createCase(db.em(), admin, { ...caseFields, name: 'Left shoulder', patientId: patient.id });
	const old = await createCase(db.em(), admin, { ...caseFields, name: 'Old knee', patientId: patient.id });
	await archiveCase(db.em(), admin, old.id);
	await addCaseAttachment(db.em(), admin, {
		caseId: c.id,
		fileName: 'referral.pdf',
		bytes: new TextEncoder().encode('%PDF-1.4\n%%EOF\n')
	});
	for (const [index, status] of ['booked', 'cancelled'].entries()) {
		const made = await api.call('POST', '/individual_appointments', {
			rateLimit: NO_LIMIT,
			body: {
				starts_at: iso(nextSlot()),
				patient_id: patient.id,
				practitioner_id: clinic.physio.id,
				appointment_type_id: clinic.consult.id,
				patient_case_id: c.id,
				notes: `Visit ${index + 1}`
			}
		});
		expect(made.status, made.text).toBe(201);
		if (status === 'cancelled') {
			const id = (made.body as { id: number }).id;
			const cancelled = await api.call('PATCH', `/individual_appointments/${id}/cancel`, {
				rateLimit: NO_LIMIT,
				body: { cancellation_reason: 30 }
			});
			expect(cancelled.status, cancelled.text).toBe(204);
		}
	}
	// A signed treatment note from a template (drafts never appear in the API).
	const noteTemplate = await callerFor(db.em(), clinic.admin).admin.noteTemplates.create({
		name: `Initial evaluation ${uniqueSuffix()}`,
		sections: [
			{
				title: 'Subjective',
				questions: [
					{
						id: 'complaint',
						kind: 'text',
						label: 'Main complaint',
						options: [],
						allowOther: false,
						unit: null
					}
				]
			}
		],
		caseTemplateIds: []
	});
	const physio = callerFor(db.em(), clinic.admin);
	const note = await physio.clinicalNotes.create({ caseId: c.id, templateId: noteTemplate.id });
	const draft = await physio.clinicalNotes.saveDraft({
		id: note.id,
		revision: 1,
		title: 'Evaluation',
		answers: { complaint: 'Cannot reach the shelf' },
		goalLinks: {}
	});
	await physio.clinicalNotes.finalise({ id: note.id, revision: draft.revision });
	// A case another system sent to a team (Casebook's own resource, linked to its patient).
	const team = await callerFor(db.em(), clinic.admin).teams.create({
		name: `Radiology ${uniqueSuffix()}`,
		acceptsExternalCases: false
	});
	const sent = await api.call('POST', '/team_cases', {
		rateLimit: NO_LIMIT,
		body: {
			subject: 'Suspected fracture',
			priority: 'urgent',
			team_ids: [Number(team.id)],
			patient_id: Number(patient.id)
		}
	});
	expect(sent.status, sent.text).toBe(201);
	const archived = await createPatient(db.em(), 'Archived');
	await api.call('POST', `/patients/${archived.id}/archive`, { rateLimit: NO_LIMIT });
	// A second page in the patients list, so next / previous links are walked too.
	for (let i = 0; i < 3; i += 1) await createPatient(db.em(), `Page ${i}`);
	await createPatient(db.em(), 'Nothing');
}, 120_000);
afterAll(async () => {
	await db?.close();
});

/** Every API URL in an answer: links' self / next / previous, and any other string that is one. */
function linksIn(value: unknown, found: Set<string>): void {
	if (typeof value === 'string') {
		if (value.startsWith(`${BASE}/`)) found.add(value);
		return;
	}
	if (Array.isArray(value)) for (const item of value) linksIn(item, found);
	else if (value && typeof value === 'object') for (const item of Object.values(value)) linksIn(item, found);
}

describe('following every link', () => {
	it('answers 2xx JSON for every link of every answer, and reaches every GET endpoint', async () => {
		const starts = apiRoutes
			.filter((r) => r.method === 'GET' && !r.path.includes('{'))
			.map((r) => `${BASE}${r.path}?per_page=3`);
		const queue = [...starts];
		const seen = new Set(queue);
		const reached = new Set<string>();
		const failures: string[] = [];
		while (queue.length) {
			const url = queue.shift()!;
			expect(seen.size, 'the walk should end').toBeLessThan(3000);
			const answer = await api.call('GET', url.slice(ORIGIN.length), { rateLimit: NO_LIMIT });
			const path = new URL(url).pathname.slice('/api/v1'.length);
			const match = matchRoute('GET', path);
			if (match.kind === 'found') reached.add(match.route.path);
			const type = answer.headers.get('content-type') ?? '';
			const isFile = path.endsWith('/content');
			if (answer.status < 200 || answer.status > 299 || (!isFile && !type.includes('application/json'))) {
				failures.push(`${url} → ${answer.status} ${type} ${answer.text.slice(0, 200)}`);
				continue;
			}
			if (isFile) continue;
			const links = new Set<string>();
			linksIn(answer.body, links);
			for (const link of links) {
				if (seen.has(link)) continue;
				seen.add(link);
				queue.push(link);
			}
		}
		expect(failures).toEqual([]);
		// Only by path, as in Cliniko (no answer links them): a patient's referring doctor is linked as
		// its contact, and a patient's cases are the patient_cases list filtered by patient_id.
		const byPathOnly = new Set([
			'/patients/{patient_id}/referring_doctor',
			'/patients/{patient_id}/patient_cases'
		]);
		const unreached = apiRoutes
			.filter((r) => r.method === 'GET' && !reached.has(r.path) && !byPathOnly.has(r.path))
			.map((r) => r.path);
		expect(unreached).toEqual([]);
		expect(seen.size).toBeGreaterThan(40);
	}, 300_000);
});
