// Contacts as the REST API lists them (Cliniko's Contacts, issue 21): the whole list with the
// times the API shows, current and archived (a patient or a case may still name an archived
// referring doctor), and a patient's referring doctor.
import type { Em } from '../db/orm.ts';
import { notFound } from '../errors.ts';
import { Patient } from '../patients/patient.entity.ts';
import { Contact } from './contact.entity.ts';

export async function findContactRecords(em: Em): Promise<Contact[]> {
	return em.find(Contact, {}, { orderBy: { id: 'asc' } });
}

export async function getContactRecord(em: Em, id: string): Promise<Contact> {
	const contact = await em.findOne(Contact, { id });
	if (!contact) throw notFound('Contact');
	return contact;
}

/** The patient's referring doctor; NOT_FOUND when the patient has none (or does not exist). */
export async function getReferringDoctorRecord(em: Em, patientId: string): Promise<Contact> {
	const patient = await em.findOne(
		Patient,
		{ id: patientId, deletedAt: null },
		{ populate: ['referringDoctor'] }
	);
	if (!patient) throw notFound('Patient');
	const doctor = patient.referringDoctor as Contact | null | undefined;
	if (!doctor) throw notFound('Referring doctor');
	return doctor;
}
