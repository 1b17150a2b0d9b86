// A small clinic for integration tests of cases and appointments: a service with its
// practitioners, appointment types, body parts and patients, all with unique names.
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { BodyPart } from '../cases/body-part.entity.ts';
import type { Em } from '../db/orm.ts';
import { Patient } from '../patients/patient.entity.ts';
import { buildSearchText } from '../patients/patients.service.ts';
import { Service } from '../services/service.entity.ts';
import { createTestUser, uniqueSuffix } from './factories.ts';

export async function createClinic(em: Em) {
	const suffix = uniqueSuffix();
	const admin = await createTestUser(em, { roles: ['admin'] });
	const scheduler = await createTestUser(em, { roles: ['scheduler'] });
	const physio = await createTestUser(em, { roles: ['practitioner'], name: `Physio ${suffix}` });
	const otherPhysio = await createTestUser(em, { roles: ['practitioner'], name: `Second physio ${suffix}` });
	const outsider = await createTestUser(em, { roles: ['practitioner'], name: `Speech ${suffix}` });
	const physiotherapy = em.create(Service, { name: `Physiotherapy ${suffix}`, colour: '#0f766e' });
	physiotherapy.practitioners.add(physio, otherPhysio);
	const speech = em.create(Service, { name: `Speech ${suffix}`, colour: '#db2777' });
	speech.practitioners.add(outsider);
	const consult = em.create(AppointmentType, {
		name: `Consult ${suffix}`,
		durationMinutes: 30,
		priceCents: 9000
	});
	consult.services.add(physiotherapy);
	const speechSession = em.create(AppointmentType, {
		name: `Speech ${suffix}`,
		durationMinutes: 45,
		priceCents: 12000
	});
	speechSession.services.add(speech);
	const leftShoulder = em.create(BodyPart, { name: `Left shoulder ${suffix}` });
	const rightKnee = em.create(BodyPart, { name: `Right knee ${suffix}` });
	const lumbar = em.create(BodyPart, { name: `Lumbar spine ${suffix}` });
	await em.flush();
	return {
		admin,
		scheduler,
		physio,
		otherPhysio,
		outsider,
		physiotherapy,
		speech,
		consult,
		speechSession,
		leftShoulder,
		rightKnee,
		lumbar
	};
}

export type Clinic = Awaited<ReturnType<typeof createClinic>>;

export async function createPatient(
	em: Em,
	name = 'Citizen',
	contact: { email?: string | null; mobile?: string | null; reminderType?: Patient['reminderType'] } = {}
): Promise<Patient> {
	const patient = em.create(Patient, {
		firstName: 'Jo',
		lastName: `${name} ${uniqueSuffix()}`,
		email: contact.email ?? null,
		phoneNumbers: contact.mobile ? [{ phoneType: 'Mobile', number: contact.mobile }] : [],
		medicalAlerts: [],
		...(contact.reminderType ? { reminderType: contact.reminderType } : {})
	});
	patient.searchText = buildSearchText(patient);
	await em.flush();
	return patient;
}

let slot = 0;
const firstSlot = Date.UTC(2031, 0, 1) + Math.floor(Math.random() * 10_000) * 86_400_000;
/** A distinct future hour per call, so tests never collide on a practitioner's calendar. */
export function nextSlot(): Date {
	slot += 1;
	return new Date(firstSlot + slot * 3_600_000);
}
