// The portal shows a patient their treatment cases only (issue 15): a case staff sent to a team
// about them is internal triage, and neither it nor its subject appears in anything the portal
// procedures return, even when an appointment is booked on it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseTemplate, CaseTemplateRequestType } from '../case-templates/case-template.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, callerForPatient, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';

let db: TestDb;
let clinic: Clinic;
let template: CaseTemplate;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	const em = db.em();
	template = em.create(CaseTemplate, { name: `Knee rehab ${uniqueSuffix()}`, allowsRequests: true });
	template.services.add(em.getReference(Service, clinic.physiotherapy.id));
	await em.flush();
	em.create(CaseTemplateRequestType, { template, appointmentType: clinic.consult.id, durationMinutes: 30 });
	await em.flush();
});
afterAll(async () => {
	await db?.close();
});

describe('a case sent to a team about a portal patient', () => {
	it('never appears in the portal, nor its subject, even with an appointment on it', async () => {
		const patient = await createPatient(db.em(), 'Triage', {
			email: `triage-${uniqueSuffix()}@example.test`
		});
		const em = db.em();
		const treatment = em.create(Case, {
			name: 'Right knee rehab',
			patient: patient.id,
			template: template.id,
			issuedOn: '2030-01-01'
		});
		await em.flush();

		const admin = callerFor(db.em(), clinic.admin);
		const team = await admin.teams.create({ name: `Team B ${uniqueSuffix()}` });
		const subject = `Admin->TeamB secret case ${uniqueSuffix()}`;
		const scheduler = callerFor(db.em(), clinic.scheduler);
		const routed = await scheduler.cases.send({
			subject,
			details: 'Query malignancy, do not discuss with the patient yet',
			teamIds: [team.id],
			priority: 'normal',
			patientId: patient.id
		});
		// Staff may book on it; the portal lists the appointment, not the case.
		const { appointment } = await scheduler.appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot(),
			case: { mode: 'existing', caseId: routed.id, bodyPartIds: [] }
		});

		const portal = callerForPatient(db.em(), patient);
		const cases = await portal.portal.cases();
		expect(cases.map((c) => c.id)).toEqual([treatment.id]);
		const appointments = await portal.portal.appointments();
		expect(appointments.map((a) => a.id)).toEqual([appointment.id]);
		expect(appointments[0]!.caseName).toBeNull();
		const everything = JSON.stringify([
			await portal.portal.me(),
			cases,
			appointments,
			await portal.portal.requests()
		]);
		expect(everything).not.toContain(subject);
		expect(everything).not.toContain('malignancy');

		// Nor can the patient ask for appointments on it by guessing its id.
		const request = await failureOf(
			portal.portal.requestAppointment({
				caseId: routed.id,
				appointmentTypeId: clinic.consult.id,
				windows: [
					{
						startsAt: new Date(Date.now() + 3 * 86_400_000),
						endsAt: new Date(Date.now() + 3 * 86_400_000 + 3_600_000)
					}
				]
			})
		);
		expect(request.code).toBe('NOT_FOUND');
		expect(request.message).not.toContain(subject);
	});
});
