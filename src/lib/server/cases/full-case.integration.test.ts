// Issue 18: a full hard-capped case is refused the same way by the three services that add to it
// (booking, "Reserve and send link", the portal's request), with the same sentence, up front; and
// an appointment that stops counting gives the place back to all three.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_FULL_SENTENCE } from '../../cases/case-full.ts';
import { AppointmentRequest } from '../appointment-requests/appointment-request.entity.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { CaseTemplate, CaseTemplateRequestType } from '../case-templates/case-template.entity.ts';
import type { Patient } from '../patients/patient.entity.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, callerForPatient, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';

let db: TestDb;
let clinic: Clinic;
let template: CaseTemplate;

const DAY = 86_400_000;
const PATIENT_SENTENCE = 'This case has no appointments left — please call the clinic.';

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	const em = db.em();
	template = em.create(CaseTemplate, { name: `Shoulder rehab ${uniqueSuffix()}`, allowsRequests: true });
	template.services.add(em.getReference(Service, clinic.physiotherapy.id));
	await em.flush();
	em.create(CaseTemplateRequestType, { template, appointmentType: clinic.consult.id, durationMinutes: 30 });
	await em.flush();
});
afterAll(async () => {
	await db?.close();
});

const staff = () => callerFor(db.em(), clinic.scheduler);
const portal = (patient: Patient) => callerForPatient(db.em(), patient);

/** A patient (who can be sent a link) with a case of `max` appointments from a template that takes requests. */
async function cappedCase(max: number, fields: Record<string, unknown> = {}) {
	const patient = await createPatient(db.em(), 'Full', {
		email: `full-${uniqueSuffix()}@example.test`,
		reminderType: 'Email'
	});
	const caseRow = await staff().cases.create({
		patientId: patient.id,
		name: 'Left shoulder rehab',
		templateId: template.id,
		bodyPartIds: [clinic.leftShoulder.id],
		limitKind: 'appointments',
		maxAppointments: max,
		...fields
	} as Parameters<ReturnType<typeof staff>['cases']['create']>[0]);
	return { patient, caseRow };
}

async function bookOn(patientId: string, caseId: string) {
	return staff().appointments.create({
		patientId,
		practitionerId: clinic.physio.id,
		appointmentTypeId: clinic.consult.id,
		startsAt: nextSlot(),
		case: { mode: 'existing', caseId, bodyPartIds: [] }
	});
}

async function reserveOn(patientId: string, caseId: string) {
	return staff().appointments.reserve({
		patientId,
		caseId,
		practitionerId: clinic.physio.id,
		appointmentTypeId: clinic.consult.id,
		startsAt: nextSlot()
	});
}

async function requestOn(patient: Patient, caseId: string) {
	const start = new Date(Date.now() + 3 * DAY);
	return portal(patient).portal.requestAppointment({
		caseId,
		appointmentTypeId: clinic.consult.id,
		windows: [{ startsAt: start, endsAt: new Date(start.getTime() + 3 * 3_600_000) }]
	});
}

describe('a full hard-capped case', () => {
	it('is refused by booking with the sentence on the case field, and nothing is booked', async () => {
		const { patient, caseRow } = await cappedCase(1);
		await bookOn(patient.id, caseRow.id);
		const refused = await failureOf(bookOn(patient.id, caseRow.id));
		expect(refused.code).toBe('CONFLICT');
		expect(refused.message).toBe(`${CASE_FULL_SENTENCE}: it allows 1 appointment, and all are used.`);
		expect(refused.fieldErrors.caseId).toEqual([refused.message]);
		expect(refused.details).toMatchObject({ reason: 'case-full' });
		expect(await db.em().count(Appointment, { case: caseRow.id })).toBe(1);
	});

	it('is named as full by the body-part question, beside a case that still has room', async () => {
		const { patient, caseRow: full } = await cappedCase(1);
		await bookOn(patient.id, full.id);
		const roomy = await staff().cases.create({
			patientId: patient.id,
			name: 'Left shoulder, second opinion',
			bodyPartIds: [clinic.leftShoulder.id],
			limitKind: 'appointments',
			maxAppointments: 5
		});
		const asked = await failureOf(
			staff().appointments.create({
				patientId: patient.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: nextSlot(),
				case: {
					mode: 'new',
					case: { name: 'Left shoulder again', limitKind: 'unlimited', bodyPartIds: [clinic.leftShoulder.id] }
				}
			})
		);
		expect(asked.details).toMatchObject({ reason: 'matching-case' });
		const named = (asked.details as { cases: { id: string; isFull: boolean }[] }).cases;
		expect(named).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ id: full.id, isFull: true }),
				expect.objectContaining({ id: roomy.id, isFull: false })
			])
		);
		// Answering "Add to" the full case anyway (a page left open) is refused in the same words.
		const added = await failureOf(
			staff().appointments.create({
				patientId: patient.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: nextSlot(),
				case: { mode: 'existing', caseId: full.id, bodyPartIds: [clinic.leftShoulder.id] }
			})
		);
		expect(added.message.startsWith(CASE_FULL_SENTENCE)).toBe(true);
	});

	it('is refused by "Reserve and send link" first, before anything about the patient or the slot', async () => {
		const { patient, caseRow } = await cappedCase(1);
		await bookOn(patient.id, caseRow.id);
		const refused = await failureOf(
			staff().appointments.reserve({
				patientId: patient.id,
				caseId: caseRow.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				// In the past: the full case is still what the scheduler is told.
				startsAt: new Date(Date.now() - DAY)
			})
		);
		expect(refused.code).toBe('CONFLICT');
		expect(refused.message).toBe(`${CASE_FULL_SENTENCE}: it allows 1 appointment, and all are used.`);
		expect(refused.fieldErrors.caseId).toEqual([refused.message]);
		expect(await db.em().count(Appointment, { case: caseRow.id, status: 'reserved' })).toBe(0);
	});

	it('counts a reservation still waiting for the patient as a used place', async () => {
		const { patient, caseRow } = await cappedCase(1);
		await reserveOn(patient.id, caseRow.id);
		expect((await failureOf(bookOn(patient.id, caseRow.id))).message.startsWith(CASE_FULL_SENTENCE)).toBe(
			true
		);
		expect((await failureOf(requestOn(patient, caseRow.id))).message).toBe(PATIENT_SENTENCE);
	});

	it('is refused by the portal up front with the patient’s sentence, stores no request, and offers none', async () => {
		const { patient, caseRow } = await cappedCase(2);
		await bookOn(patient.id, caseRow.id);
		await bookOn(patient.id, caseRow.id);
		const refused = await failureOf(requestOn(patient, caseRow.id));
		expect(refused.code).toBe('CONFLICT');
		expect(refused.message).toBe(PATIENT_SENTENCE);
		expect(refused.fieldErrors.caseId).toEqual([PATIENT_SENTENCE]);
		expect(await db.em().count(AppointmentRequest, { case: caseRow.id })).toBe(0);

		const [listed] = await portal(patient).portal.cases();
		expect(listed).toMatchObject({ id: caseRow.id, canRequest: false, fullMessage: PATIENT_SENTENCE });
	});

	it('takes appointments again everywhere once one stops counting (cancelled, on a case that ignores cancellations)', async () => {
		const { patient, caseRow } = await cappedCase(1);
		const { appointment } = await bookOn(patient.id, caseRow.id);
		expect((await portal(patient).portal.cases())[0]).toMatchObject({ canRequest: false });
		await staff().appointments.cancel({ id: appointment.id, version: appointment.version });

		expect((await portal(patient).portal.cases())[0]).toMatchObject({ canRequest: true, fullMessage: null });
		expect(await requestOn(patient, caseRow.id)).toMatchObject({ status: 'pending' });
		expect((await reserveOn(patient.id, caseRow.id)).appointment).toMatchObject({ status: 'reserved' });
	});

	it('stays full when cancelled appointments count towards it', async () => {
		const { patient, caseRow } = await cappedCase(1, { countsCancelled: true });
		const { appointment } = await bookOn(patient.id, caseRow.id);
		await staff().appointments.cancel({ id: appointment.id, version: appointment.version });
		expect((await failureOf(requestOn(patient, caseRow.id))).message).toBe(PATIENT_SENTENCE);
		expect((await failureOf(reserveOn(patient.id, caseRow.id))).message.startsWith(CASE_FULL_SENTENCE)).toBe(
			true
		);
	});

	it('never applies to a case capped by amount, even over its amount', async () => {
		const { patient, caseRow } = await cappedCase(1, {
			limitKind: 'amount',
			maxAppointments: null,
			maxAmountCents: 5000
		});
		await bookOn(patient.id, caseRow.id);
		expect((await portal(patient).portal.cases())[0]).toMatchObject({ canRequest: true, fullMessage: null });
		expect(await requestOn(patient, caseRow.id)).toMatchObject({ status: 'pending' });
		expect((await bookOn(patient.id, caseRow.id)).warnings[0]).toMatch(/over its maximum invoiceable amount/);
	});
});
