// Every staff member sees every appointment on the calendar, but the name of the case it belongs
// to only if they may open that case (issue 15; the rule is cases/case-access.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { HIDDEN_CASE_NAME } from './appointments.service.ts';

let db: TestDb;
let clinic: Clinic;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
});
afterAll(async () => {
	await db?.close();
});

/** A physiotherapy case (its template belongs to the physio service) with one appointment on it. */
async function physioCaseWithAppointment() {
	const em = db.em();
	const patient = await createPatient(em, 'Calendar');
	const template = em.create(CaseTemplate, { name: `Physio plan ${uniqueSuffix()}` });
	template.services.add(em.getReference(Service, clinic.physiotherapy.id));
	const name = `Post-op ACL reconstruction ${uniqueSuffix()}`;
	const caseRow = em.create(Case, { name, patient: patient.id, template, issuedOn: '2030-01-01' });
	await em.flush();
	const at = nextSlot();
	const { appointment } = await callerFor(db.em(), clinic.scheduler).appointments.create({
		patientId: patient.id,
		practitionerId: clinic.physio.id,
		appointmentTypeId: clinic.consult.id,
		startsAt: at,
		case: { mode: 'existing', caseId: caseRow.id, bodyPartIds: [] }
	});
	return { patient, name, caseId: caseRow.id, appointment, at };
}

describe('the case of an appointment', () => {
	it('is “a case you can’t open” for a practitioner of another service, in get and find', async () => {
		const { patient, name, caseId, appointment, at } = await physioCaseWithAppointment();
		const speech = callerFor(db.em(), clinic.outsider);

		const got = await speech.appointments.get({ id: appointment.id });
		expect(got.case).toMatchObject({ name: HIDDEN_CASE_NAME, canOpen: false });
		expect(got.case?.number).toBeNull();
		expect(JSON.stringify(got)).not.toContain(name);

		const found = await speech.appointments.find({
			from: new Date(at.getTime() - 3_600_000),
			to: new Date(at.getTime() + 3_600_000),
			patientId: patient.id
		});
		expect(found.map((a) => a.id)).toEqual([appointment.id]);
		expect(found[0]!.case).toMatchObject({ name: HIDDEN_CASE_NAME, canOpen: false });
		expect(JSON.stringify(found)).not.toContain(name);

		// The case itself stays closed to them, as before.
		await expect(speech.cases.get({ id: caseId })).rejects.toThrow();
	});

	it('keeps its name for the practitioners of its service and for schedulers', async () => {
		const { name, appointment } = await physioCaseWithAppointment();
		for (const user of [clinic.otherPhysio, clinic.scheduler]) {
			const got = await callerFor(db.em(), user).appointments.get({ id: appointment.id });
			expect(got.case).toMatchObject({ name, canOpen: true, number: 1 });
		}
	});
});
