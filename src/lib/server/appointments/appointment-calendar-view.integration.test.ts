// Issue 18: what the calendar and the appointment page are given about an appointment beyond its
// own fields: the patient record's appointment notes, and the service whose colour it is drawn in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { Patient } from '../patients/patient.entity.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';

let db: TestDb;
let clinic: Clinic;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
});
afterAll(async () => {
	await db?.close();
});

const api = () => callerFor(db.em(), clinic.scheduler);

async function typeOf(services: Service[]): Promise<string> {
	const em = db.em();
	const type = em.create(AppointmentType, {
		name: `Shared ${uniqueSuffix()}`,
		durationMinutes: 30,
		priceCents: 0
	});
	for (const s of services) type.services.add(em.getReference(Service, s.id));
	await em.flush();
	return type.id;
}

describe('appointment notes from the patient record', () => {
	it('come with the appointment on its page and in the calendar list', async () => {
		const patient = await createPatient(db.em());
		await db
			.em()
			.nativeUpdate(Patient, { id: patient.id }, { appointmentNotes: 'Hard of hearing: face them' });
		const at = nextSlot();
		const { appointment } = await api().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: at
		});
		expect(appointment.patient.appointmentNotes).toBe('Hard of hearing: face them');
		expect((await api().appointments.get({ id: appointment.id })).patient.appointmentNotes).toBe(
			'Hard of hearing: face them'
		);
		const listed = await api().appointments.find({
			from: at,
			to: new Date(at.getTime() + 3_600_000),
			patientId: patient.id
		});
		expect(listed.map((a) => a.patient.appointmentNotes)).toEqual(['Hard of hearing: face them']);
	});

	it('are null when the record has none', async () => {
		const patient = await createPatient(db.em());
		const { appointment } = await api().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot()
		});
		expect(appointment.patient.appointmentNotes).toBeNull();
	});
});

describe('the service an appointment is drawn in', () => {
	it('is the type’s service, with its colour (not the type’s colour)', async () => {
		const patient = await createPatient(db.em());
		const { appointment } = await api().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot()
		});
		expect(appointment.service).toEqual({
			id: clinic.physiotherapy.id,
			name: clinic.physiotherapy.name,
			colour: '#0f766e'
		});
		expect(appointment.appointmentType.colour).not.toBe(appointment.service?.colour);
	});

	it('is, for a type of several services, the one the practitioner provides', async () => {
		const shared = await typeOf([clinic.physiotherapy, clinic.speech]);
		const patient = await createPatient(db.em());
		const byPhysio = await api().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: shared,
			startsAt: nextSlot()
		});
		const bySpeech = await api().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.outsider.id,
			appointmentTypeId: shared,
			startsAt: nextSlot()
		});
		expect(byPhysio.appointment.service?.colour).toBe('#0f766e');
		expect(bySpeech.appointment.service?.colour).toBe('#db2777');
		const listed = await api().appointments.find({
			from: byPhysio.appointment.startsAt,
			to: new Date(bySpeech.appointment.endsAt.getTime() + 1),
			patientId: patient.id
		});
		expect(Object.fromEntries(listed.map((a) => [a.practitioner.id, a.service?.id]))).toEqual({
			[clinic.physio.id]: clinic.physiotherapy.id,
			[clinic.outsider.id]: clinic.speech.id
		});
	});

	it('is none for a type that belongs to no service (the calendar uses the type’s colour)', async () => {
		const serviceless = await typeOf([]);
		const patient = await createPatient(db.em());
		const { appointment } = await api().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: serviceless,
			startsAt: nextSlot()
		});
		expect(appointment.service).toBeNull();
	});
});
