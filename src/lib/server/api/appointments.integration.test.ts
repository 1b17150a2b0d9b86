// Contract tests of Cliniko's appointment resources on Casebook's appointments: booking through the
// API with the calendar's rules (409 naming the clash, case caps), update, cancel with a reason,
// the lists and their filters, bookings and attendees of a case (visibility), and the read-only
// practitioners, appointment types, contacts, attachments and invoices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { addCaseAttachment, createCase } from '../cases/cases.service.ts';
import { Contact } from '../contacts/contact.entity.ts';
import { Patient } from '../patients/patient.entity.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { actorFor, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { apiClient, ORIGIN, type ApiClient } from './api-test-client.ts';

let db: TestDb;
let clinic: Clinic;
let api: ApiClient;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	api = await apiClient(db, ['scheduler']);
});
afterAll(async () => {
	await db?.close();
});

type Json = Record<string, unknown>;
const asJson = (value: unknown) => value as Json;
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

async function book(patientId: string, startsAt: Date, extra: Json = {}) {
	return api.call('POST', '/individual_appointments', {
		body: {
			starts_at: iso(startsAt),
			patient_id: patientId,
			practitioner_id: clinic.physio.id,
			appointment_type_id: clinic.consult.id,
			...extra
		}
	});
}

async function caseFor(patientId: string, fields: Json = {}) {
	return createCase(db.em(), actorFor(clinic.admin), {
		name: `Case ${uniqueSuffix()}`,
		patientId,
		templateId: null,
		bodyPartIds: [],
		limitKind: 'unlimited',
		maxAppointments: null,
		maxAmountCents: null,
		countsCancelled: false,
		countsDidNotArrive: false,
		hasReferral: false,
		referringDoctorId: null,
		referralIssuedOn: null,
		referralExpiresOn: null,
		referralType: null,
		notes: null,
		appointmentIds: [],
		...fields
	});
}

describe('individual appointments', () => {
	it('books, reads, moves, records arrival and cancels with Cliniko’s reason codes', async () => {
		const patient = await createPatient(db.em(), 'Booked');
		const startsAt = nextSlot();
		const created = await book(patient.id, startsAt, { notes: 'First visit' });
		expect(created.status, created.text).toBe(201);
		const body = asJson(created.body);
		const self = `${ORIGIN}/api/v1/individual_appointments/${body.id}`;
		expect(created.headers.get('location')).toBe(self);
		expect(body).toMatchObject({
			starts_at: iso(startsAt),
			ends_at: iso(new Date(startsAt.getTime() + 30 * 60_000)),
			notes: 'First visit',
			status: 'booked',
			patient_arrived: false,
			did_not_arrive: false,
			cancelled_at: null,
			cancellation_reason: null,
			patient: { links: { self: `${ORIGIN}/api/v1/patients/${patient.id}` } },
			practitioner: { links: { self: `${ORIGIN}/api/v1/practitioners/${clinic.physio.id}` } },
			appointment_type: { links: { self: `${ORIGIN}/api/v1/appointment_types/${clinic.consult.id}` } },
			attendees: { links: { self: `${self}/attendees` } },
			conflicts: { links: { self: `${self}/conflicts` } },
			links: { self }
		});

		const later = new Date(startsAt.getTime() + 15 * 60_000);
		const moved = await api.call('PUT', `/individual_appointments/${body.id}`, {
			body: {
				starts_at: iso(later),
				ends_at: iso(new Date(later.getTime() + 45 * 60_000)),
				patient_arrived: true
			}
		});
		expect(moved.status, moved.text).toBe(200);
		expect(asJson(moved.body)).toMatchObject({
			starts_at: iso(later),
			ends_at: iso(new Date(later.getTime() + 45 * 60_000)),
			status: 'arrived',
			patient_arrived: true
		});

		const noReason = await api.call('PATCH', `/individual_appointments/${body.id}/cancel`, { body: {} });
		expect(noReason.status).toBe(422);
		expect(asJson(asJson(noReason.body).errors)).toHaveProperty('cancellation_reason');
		const cancelled = await api.call('PATCH', `/individual_appointments/${body.id}/cancel`, {
			body: { cancellation_reason: 40, cancellation_note: 'Overseas until March' }
		});
		expect(cancelled.status, cancelled.text).toBe(204);
		const read = await api.call('GET', `/individual_appointments/${body.id}`);
		expect(asJson(read.body)).toMatchObject({
			status: 'cancelled',
			cancellation_reason: 40,
			cancellation_reason_description: 'Away',
			cancellation_note: 'Overseas until March'
		});
		expect(asJson(read.body).cancelled_at).toEqual(expect.any(String));
		const again = await api.call('PATCH', `/individual_appointments/${body.id}/cancel`, {
			body: { cancellation_reason: 50 }
		});
		expect(again.status).toBe(409);

		const live = await api.call('GET', `/individual_appointments?q[]=patient_id:=${patient.id}`);
		expect(asJson(live.body).total_entries).toBe(0);
		const gone = await api.call('GET', `/individual_appointments/cancelled?q[]=patient_id:=${patient.id}`);
		expect(asJson(gone.body).total_entries).toBe(1);
		const ofPatient = await api.call('GET', `/patients/${patient.id}/appointments`);
		expect((asJson(ofPatient.body).appointments as Json[]).map((a) => a.id)).toEqual([body.id]);
	});

	it('answers 409 naming the appointment a booking clashes with, and changes nothing', async () => {
		const first = await createPatient(db.em(), 'First');
		const second = await createPatient(db.em(), 'Second');
		const startsAt = nextSlot();
		const taken = await book(first.id, startsAt);
		expect(taken.status, taken.text).toBe(201);
		const clash = await book(second.id, new Date(startsAt.getTime() + 10 * 60_000));
		expect(clash.status).toBe(409);
		const message = asJson(clash.body).message as string;
		expect(message).toContain('That time is taken');
		expect(message).toContain(`individual appointment ${asJson(taken.body).id}`);
		const none = await api.call('GET', `/patients/${second.id}/appointments`);
		expect(asJson(none.body).total_entries).toBe(0);

		// Moving another appointment onto that time is refused the same way, and changes nothing.
		const elsewhere = await book(second.id, nextSlot(), { notes: 'Keep me' });
		const moveOnto = await api.call('PUT', `/individual_appointments/${asJson(elsewhere.body).id}`, {
			body: { starts_at: iso(startsAt), notes: 'Moved' }
		});
		expect(moveOnto.status).toBe(409);
		expect(asJson(moveOnto.body).message).toContain(`individual appointment ${asJson(taken.body).id}`);
		const unchanged = await api.call('GET', `/individual_appointments/${asJson(elsewhere.body).id}`);
		expect(asJson(unchanged.body)).toMatchObject({
			starts_at: asJson(elsewhere.body).starts_at,
			notes: 'Keep me'
		});
	});

	it('books on an explicit case, keeps to its cap (409), and lists the case’s attendees and bookings', async () => {
		const patient = await createPatient(db.em(), 'Capped');
		const capped = await caseFor(patient.id, { limitKind: 'appointments', maxAppointments: 1 });
		const booked = await book(patient.id, nextSlot(), { patient_case_id: capped.id });
		expect(booked.status, booked.text).toBe(201);
		expect(asJson(booked.body).patient_case).toEqual({
			links: { self: `${ORIGIN}/api/v1/patient_cases/${capped.id}` }
		});
		const full = await book(patient.id, nextSlot(), { patient_case_id: capped.id });
		expect(full.status, full.text).toBe(409);

		const attendees = await api.call('GET', `/patient_cases/${capped.id}/attendees`);
		expect(attendees.status).toBe(200);
		const [attendee] = asJson(attendees.body).attendees as Json[];
		expect(attendee).toMatchObject({
			id: asJson(booked.body).id,
			booking: { links: { self: `${ORIGIN}/api/v1/bookings/${asJson(booked.body).id}` } },
			invoices: { links: { self: `${ORIGIN}/api/v1/attendees/${asJson(booked.body).id}/invoices` } }
		});
		const bookings = await api.call('GET', `/patient_cases/${capped.id}/bookings`);
		expect(asJson(bookings.body).total_entries).toBe(1);
	});

	it('refuses bad bodies (422 by field), unknown ids (404), and filters by time and practitioner', async () => {
		const patient = await createPatient(db.em(), 'Checks');
		const bad = await api.call('POST', '/individual_appointments', {
			body: { starts_at: 'tomorrow', patient_id: patient.id, practitioner_id: clinic.physio.id }
		});
		expect(bad.status).toBe(422);
		expect(Object.keys(asJson(asJson(bad.body).errors))).toContain('appointment_type_id');
		const wrongType = await book(patient.id, nextSlot(), { appointment_type_id: clinic.speechSession.id });
		expect(wrongType.status).toBe(422);
		expect(asJson(asJson(wrongType.body).errors)).toHaveProperty('practitioner_id');
		const shortEnd = await book(patient.id, nextSlot(), {
			ends_at: iso(nextSlot()).replace(/T.*/, 'T00:00:00Z')
		});
		expect(shortEnd.status).toBe(422);
		expect((await api.call('GET', '/individual_appointments/999999999')).status).toBe(404);
		expect((await api.call('GET', '/individual_appointments/999999999/attendees')).status).toBe(404);
		expect((await api.call('GET', '/bookings/999999999')).status).toBe(404);
		expect((await api.call('GET', '/individual_appointments', { key: null })).status).toBe(401);

		const startsAt = nextSlot();
		const made = await book(patient.id, startsAt);
		const from = iso(new Date(startsAt.getTime() - 60_000));
		const to = iso(new Date(startsAt.getTime() + 60_000));
		const page = await api.call(
			'GET',
			`/individual_appointments?q[]=starts_at:>${from}&q[]=starts_at:<${to}&q[]=practitioner_id:=${clinic.physio.id}`
		);
		expect(page.status, page.text).toBe(200);
		expect((asJson(page.body).individual_appointments as Json[]).map((a) => a.id)).toContain(
			asJson(made.body).id
		);
		const wrongOp = await api.call('GET', '/individual_appointments?q[]=patient_id:~1');
		expect(wrongOp.status).toBe(400);
		const legacy = await api.call('GET', `/appointments/${asJson(made.body).id}`);
		expect(asJson(legacy.body)).toMatchObject({
			appointment_start: iso(startsAt),
			patient: { id: Number(patient.id), first_name: patient.firstName }
		});
	});
});

describe('practitioners, appointment types, contacts, attachments and invoices', () => {
	it('serves them read-only in Cliniko’s shapes', async () => {
		const practitioners = await api.call('GET', '/practitioners?per_page=100');
		expect(practitioners.status).toBe(200);
		const physio = (asJson(practitioners.body).practitioners as Json[]).find(
			(p) => p.id === Number(clinic.physio.id)
		);
		expect(physio).toMatchObject({ active: true, designation: clinic.physiotherapy.name });
		const types = await api.call('GET', `/practitioners/${clinic.physio.id}/appointment_types`);
		expect((asJson(types.body).appointment_types as Json[]).map((t) => t.id)).toContain(clinic.consult.id);
		expect((asJson(types.body).appointment_types as Json[]).map((t) => t.id)).not.toContain(
			clinic.speechSession.id
		);
		const type = await api.call('GET', `/appointment_types/${clinic.consult.id}`);
		expect(asJson(type.body)).toMatchObject({ duration_in_minutes: 30, price: 90, max_attendees: 1 });

		const em = db.em();
		const doctor = em.create(Contact, {
			type: 'gp',
			firstName: 'Rita',
			lastName: `Referrer ${uniqueSuffix()}`
		});
		await em.flush();
		const contacts = await api.call('GET', `/contacts?q[]=last_name:=${doctor.lastName}`);
		expect(asJson(contacts.body).total_entries).toBe(1);
		expect((asJson(contacts.body).contacts as Json[])[0]).toMatchObject({
			first_name: 'Rita',
			type: 'Doctor',
			type_code: 1,
			doctor_type: 'general_practitioner'
		});
		const patient = await createPatient(db.em(), 'Referred');
		const noDoctor = await api.call('GET', `/patients/${patient.id}/referring_doctor`);
		expect(noDoctor.status).toBe(404);
		const patientEm = db.em();
		const row = await patientEm.findOneOrFail(Patient, { id: patient.id });
		row.referringDoctor = patientEm.getReference(Contact, doctor.id);
		await patientEm.flush();
		const referring = await api.call('GET', `/patients/${patient.id}/referring_doctor`);
		expect(asJson(referring.body).id).toBe(Number(doctor.id));

		const c = await caseFor(patient.id);
		const pdf = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
		const file = await addCaseAttachment(db.em(), actorFor(clinic.admin), {
			caseId: c.id,
			fileName: 'referral.pdf',
			bytes: pdf
		});
		const files = await api.call('GET', `/patient_cases/${c.id}/patient_attachments`);
		expect(files.status).toBe(200);
		expect((asJson(files.body).patient_attachments as Json[])[0]).toMatchObject({
			id: Number(file.id),
			filename: 'referral.pdf',
			content_type: 'application/pdf',
			size: pdf.byteLength
		});
		const content = await api.call('GET', `/patient_attachments/${file.id}/content`);
		expect(content.status).toBe(200);
		expect(content.headers.get('content-type')).toBe('application/pdf');
		expect(content.text).toContain('%PDF-1.4');

		// Contacts are patient data: a key whose user holds no patient role is refused.
		const noRole = await apiClient(db, []);
		expect((await noRole.call('GET', '/contacts')).status).toBe(403);
		expect((await noRole.call('GET', `/patients/${patient.id}/referring_doctor`)).status).toBe(403);
		expect((await api.call('GET', '/contacts/999999999')).status).toBe(404);
		expect((await api.call('GET', '/practitioners/999999999')).status).toBe(404);
		expect((await api.call('GET', '/appointment_types/999999999/practitioners')).status).toBe(404);
		expect((await api.call('GET', '/patient_attachments/999999999')).status).toBe(404);

		const invoices = await api.call('GET', `/patients/${patient.id}/invoices?page=1`);
		expect(asJson(invoices.body)).toEqual({
			invoices: [],
			total_entries: 0,
			links: { self: `${ORIGIN}/api/v1/patients/${patient.id}/invoices?page=1` }
		});
	});
});

describe('a practitioner’s key', () => {
	it('cannot read the attendees, bookings, attachments or invoices of a case it may not see in the app', async () => {
		const em = db.em();
		const template = em.create(CaseTemplate, { name: `Physio only ${uniqueSuffix()}` });
		template.services.add(em.getReference(Service, clinic.physiotherapy.id));
		await em.flush();
		const patient = await createPatient(db.em(), 'Private');
		const c = await caseFor(patient.id, { templateId: template.id });
		const booked = await book(patient.id, nextSlot(), { patient_case_id: c.id });
		expect(booked.status, booked.text).toBe(201);
		const pdf = new TextEncoder().encode('%PDF-1.4\n%%EOF\n');
		const file = await addCaseAttachment(db.em(), actorFor(clinic.admin), {
			caseId: c.id,
			fileName: 'scan.pdf',
			bytes: pdf
		});
		const outsider = await apiClient(db, ['practitioner']);
		for (const path of [
			`/patient_cases/${c.id}/attendees`,
			`/patient_cases/${c.id}/bookings`,
			`/patient_cases/${c.id}/patient_attachments`,
			`/patient_cases/${c.id}/invoices`,
			`/patient_attachments/${file.id}`,
			`/patient_attachments/${file.id}/content`
		]) {
			const answer = await outsider.call('GET', path);
			expect(answer.status, path).toBe(404);
		}
		// The appointment itself is on every staff member's calendar, without the case.
		const appointment = await outsider.call('GET', `/individual_appointments/${asJson(booked.body).id}`);
		expect(appointment.status).toBe(200);
		expect(asJson(appointment.body)).not.toHaveProperty('patient_case');
		// A booking through the API on a case the key may not see is refused like a missing case.
		const refused = await outsider.call('POST', '/individual_appointments', {
			body: {
				starts_at: iso(nextSlot()),
				patient_id: patient.id,
				practitioner_id: clinic.physio.id,
				appointment_type_id: clinic.consult.id,
				patient_case_id: c.id
			}
		});
		expect(refused.status).toBe(404);
	});
});
