// "Reserve and send link" with the case on the same screen (seed 002, issue 18): a new case and its
// reservation in one transaction, the body-part question, and nothing half-written on a refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { beginPortalSession } from '../portal/portal-auth.service.ts';
import { PortalLink } from '../portal/portal.entity.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, callerForPatient, uniqueIp, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import type { Patient } from '../patients/patient.entity.ts';
import { Appointment } from './appointment.entity.ts';

let db: TestDb;
let clinic: Clinic;
let template: CaseTemplate;
let archivedTemplate: CaseTemplate;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	const em = db.em();
	template = em.create(CaseTemplate, { name: `Knee rehab ${uniqueSuffix()}`, allowsRequests: false });
	template.services.add(em.getReference(Service, clinic.physiotherapy.id));
	archivedTemplate = em.create(CaseTemplate, {
		name: `Old knee rehab ${uniqueSuffix()}`,
		allowsRequests: false,
		isActive: false
	});
	archivedTemplate.services.add(em.getReference(Service, clinic.physiotherapy.id));
	await em.flush();
});
afterAll(async () => {
	await db?.close();
});

const staff = (user = clinic.scheduler) => callerFor(db.em(), user);

async function emailPatient(): Promise<Patient> {
	return createPatient(db.em(), 'Reserve', {
		email: `reserve-${uniqueSuffix()}@example.test`,
		reminderType: 'Email'
	});
}

type ReserveInput = Parameters<ReturnType<typeof staff>['appointments']['reserveWithCase']>[0];

function newCase(fields: Partial<{ name: string; templateId: string | null; bodyPartIds: string[] }> = {}) {
	return {
		mode: 'new' as const,
		case: {
			name: 'Right knee rehab',
			templateId: template.id,
			limitKind: 'unlimited' as const,
			bodyPartIds: [clinic.rightKnee.id],
			...fields
		}
	};
}

function reserve(patient: Patient, choice: ReserveInput['case'], at = nextSlot()) {
	return staff().appointments.reserveWithCase({
		patientId: patient.id,
		practitionerId: clinic.physio.id,
		appointmentTypeId: clinic.consult.id,
		startsAt: at,
		case: choice
	});
}

const casesOf = (patient: Patient) =>
	db.em().find(Case, { patient: patient.id }, { populate: ['bodyParts'] });

describe('reserving with a new case', () => {
	it('creates the case with its template and body parts and reserves the slot on it, and the patient confirms by the link', async () => {
		const patient = await emailPatient();
		const { appointment, sentTo } = await reserve(patient, newCase());

		const [created, ...others] = await casesOf(patient);
		expect(others).toEqual([]);
		expect(created).toMatchObject({ name: 'Right knee rehab', status: 'open' });
		expect(created!.template?.id).toBe(template.id);
		expect(created!.bodyParts.getItems().map((b) => b.id)).toEqual([clinic.rightKnee.id]);
		expect(appointment).toMatchObject({
			status: 'reserved',
			case: { id: created!.id, name: 'Right knee rehab' }
		});
		expect(sentTo).toEqual([{ channel: 'email', recipient: patient.email }]);
		// Ids are per table: a patient may have the case's number, so name the record types too.
		const audited = await db.em().find(AuditEvent, {
			$or: [
				{ recordType: 'case', recordId: created!.id },
				{ recordType: 'appointment', recordId: appointment.id }
			]
		});
		expect(audited.map((a) => a.action).sort()).toEqual(['appointment.reserve', 'case.create']);

		// The link went to the outbox queue; it opens the reservation, which the patient confirms.
		const message = await db
			.em()
			.findOneOrFail(Notification, { recipient: patient.email! }, { orderBy: { id: 'desc' } });
		expect(message.subject).toMatch(/please confirm your appointment/);
		const token = /\/portal\/link\/([\w-]+)/.exec(message.body)![1]!;
		const session = await beginPortalSession(
			db.em(),
			{ user: null, sessionId: null, requestId: 'test', ip: uniqueIp() },
			{ token }
		);
		expect(session.next).toBe(`/portal/reservations/${appointment.id}`);
		const portal = callerForPatient(db.em(), patient).portal;
		expect(await portal.appointments()).toEqual([
			expect.objectContaining({ id: appointment.id, caseName: 'Right knee rehab', isAwaitingAnswer: true })
		]);
		expect(await portal.confirmReservation({ appointmentId: appointment.id })).toMatchObject({
			status: 'booked',
			reservationOutcome: 'confirmed'
		});
	});

	it('leaves no case behind when the slot is taken', async () => {
		const patient = await emailPatient();
		const other = await createPatient(db.em());
		const at = nextSlot();
		await staff().appointments.create({
			patientId: other.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: at
		});

		const taken = await failureOf(reserve(patient, newCase(), at));
		expect(taken.code).toBe('CONFLICT');
		expect(taken.fieldErrors.startsAt?.[0]).toMatch(/That time is taken/);
		expect(await casesOf(patient)).toEqual([]);
		expect(await db.em().count(Appointment, { patient: patient.id })).toBe(0);
		expect(await db.em().count(PortalLink, { patient: patient.id })).toBe(0);
		expect(await db.em().count(Notification, { recipient: patient.email! })).toBe(0);
	});

	it('leaves no case behind when the link cannot reach the patient', async () => {
		const patient = await createPatient(db.em(), 'Unreachable');
		const failure = await failureOf(reserve(patient, newCase()));
		expect(failure.fieldErrors.patientId?.[0]).toMatch(/email address or mobile number/);
		expect(await casesOf(patient)).toEqual([]);
	});

	it('names each missing or wrong field of the new case, and writes nothing', async () => {
		const patient = await emailPatient();
		const noTitle = await failureOf(reserve(patient, newCase({ name: '  ' })));
		expect(noTitle.fieldErrors['case.case.name']).toEqual(['Enter a case name']);
		const noTemplate = await failureOf(reserve(patient, newCase({ templateId: null })));
		expect(noTemplate.fieldErrors['case.case.templateId']).toEqual(['Choose a case template']);
		const archived = await failureOf(reserve(patient, newCase({ templateId: archivedTemplate.id })));
		expect(archived.fieldErrors['case.case.templateId']?.[0]).toMatch(/archived/);
		expect(await casesOf(patient)).toEqual([]);
		expect(await db.em().count(Appointment, { patient: patient.id })).toBe(0);
	});

	it('lets only schedulers reserve', async () => {
		const patient = await emailPatient();
		const failure = await failureOf(
			callerFor(db.em(), clinic.physio).appointments.reserveWithCase({
				patientId: patient.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: nextSlot(),
				case: newCase()
			})
		);
		expect(failure.code).toBe('FORBIDDEN');
		expect(await casesOf(patient)).toEqual([]);
	});
});

describe('the body-part question while reserving (seed 002)', () => {
	it('asks when the new case shares a body part with an open case; "separate" starts a new case, "add to" updates the open one', async () => {
		const patient = await emailPatient();
		const open = await staff().cases.create({
			patientId: patient.id,
			name: 'Left shoulder',
			templateId: template.id,
			limitKind: 'unlimited',
			bodyPartIds: [clinic.leftShoulder.id]
		});
		const shoulderAndKnee = newCase({
			name: 'Shoulder and knee',
			bodyPartIds: [clinic.leftShoulder.id, clinic.rightKnee.id]
		});

		const asked = await failureOf(reserve(patient, shoulderAndKnee));
		expect(asked.code).toBe('CONFLICT');
		expect(asked.details).toMatchObject({
			reason: 'matching-case',
			cases: [{ id: open.id, name: 'Left shoulder' }]
		});
		expect((await casesOf(patient)).map((c) => c.name)).toEqual(['Left shoulder']);
		expect(await db.em().count(Appointment, { patient: patient.id })).toBe(0);

		// "Create a separate case"
		const separate = await reserve(patient, { ...shoulderAndKnee, isSeparateCaseConfirmed: true });
		expect(separate.appointment.case?.name).toBe('Shoulder and knee');
		expect((await casesOf(patient)).map((c) => c.name).sort()).toEqual([
			'Left shoulder',
			'Shoulder and knee'
		]);

		// "Add to that case": the reservation joins it and its body parts gain the right knee.
		const joined = await reserve(patient, {
			mode: 'existing',
			caseId: open.id,
			bodyPartIds: [clinic.rightKnee.id]
		});
		expect(joined.appointment).toMatchObject({ status: 'reserved', case: { id: open.id } });
		const updated = await staff().cases.get({ id: open.id });
		expect(updated.bodyParts.map((b) => b.id).sort()).toEqual(
			[clinic.leftShoulder.id, clinic.rightKnee.id].sort()
		);
	});

	it('adds no body part to the open case when its reservation is refused', async () => {
		const patient = await emailPatient();
		const full = await staff().cases.create({
			patientId: patient.id,
			name: 'One visit',
			templateId: template.id,
			limitKind: 'appointments',
			maxAppointments: 1,
			bodyPartIds: [clinic.leftShoulder.id]
		});
		await reserve(patient, { mode: 'existing', caseId: full.id, bodyPartIds: [] });

		const refused = await failureOf(
			reserve(patient, { mode: 'existing', caseId: full.id, bodyPartIds: [clinic.lumbar.id] })
		);
		expect(refused.code).toBe('CONFLICT');
		expect(refused.fieldErrors.caseId?.[0]).toMatch(/all are used/);
		const unchanged = await staff().cases.get({ id: full.id });
		expect(unchanged.bodyParts.map((b) => b.id)).toEqual([clinic.leftShoulder.id]);
	});
});
