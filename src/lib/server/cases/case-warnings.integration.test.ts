import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, todayIn } from '../../time.ts';
import { getConfig } from '../config.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { CaseWarning } from './case.entity.ts';
import { sendCaseWarnings } from './case-warnings.ts';

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
const DAY = 86_400_000;

async function warningEmails(caseId: string) {
	return db.em().find(Notification, { relatedType: 'case', relatedId: caseId }, { orderBy: { id: 'asc' } });
}

describe('the daily case-warnings job', () => {
	it('emails the case’s practitioners once at 30, 7 and 0 days before the referral expires', async () => {
		const patient = await createPatient(db.em());
		const start = new Date();
		const today = todayIn(getConfig().CASEBOOK_TIME_ZONE, start);
		const c = await api().cases.create({
			patientId: patient.id,
			name: 'Referral case',
			limitKind: 'unlimited',
			hasReferral: true,
			referralIssuedOn: addDays(today, -100),
			referralExpiresOn: addDays(today, 40)
		});
		await api().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot(),
			case: { mode: 'existing', caseId: c.id }
		});
		const runAt = async (daysLater: number) =>
			sendCaseWarnings(db.em(), { now: new Date(start.getTime() + daysLater * DAY) });

		await runAt(0); // 40 days left: nothing yet
		expect(await warningEmails(c.id)).toHaveLength(0);
		await runAt(10); // 30 days left
		await runAt(11); // 29: already sent
		await runAt(33); // 7 days left
		await runAt(34);
		await runAt(40); // expires today
		await runAt(45); // expired: the 0-day warning was already sent
		const emails = await warningEmails(c.id);
		expect(emails.map((e) => e.subject)).toEqual([
			'Referral expires in 30 days: Referral case',
			'Referral expires in 7 days: Referral case',
			'Referral has expired: Referral case'
		]);
		expect(new Set(emails.map((e) => e.recipient))).toEqual(new Set([clinic.physio.email]));
		expect(emails[0]!.body).toContain(`/cases/${c.id}`);
		expect(await db.em().count(CaseWarning, { case: c.id })).toBe(3);
	});

	it('warns once at one appointment left and once at none left, never for closed cases', async () => {
		const patient = await createPatient(db.em());
		const c = await api().cases.create({
			patientId: patient.id,
			name: 'Capped',
			limitKind: 'appointments',
			maxAppointments: 2
		});
		const book = () =>
			api().appointments.create({
				patientId: patient.id,
				practitionerId: clinic.otherPhysio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: nextSlot(),
				case: { mode: 'existing', caseId: c.id }
			});
		await book();
		await sendCaseWarnings(db.em());
		await sendCaseWarnings(db.em());
		await book();
		await sendCaseWarnings(db.em());
		await sendCaseWarnings(db.em());
		const subjects = (await warningEmails(c.id)).map((e) => e.subject);
		expect(subjects).toEqual(['One appointment left: Capped', 'No appointments left: Capped']);

		const closed = await api().cases.create({
			patientId: patient.id,
			name: 'Closed',
			limitKind: 'appointments',
			maxAppointments: 1
		});
		await api().cases.close({ id: closed.id, version: closed.version });
		await sendCaseWarnings(db.em());
		expect(await warningEmails(closed.id)).toHaveLength(0);
	});

	it('sends nothing twice when two runs race', async () => {
		const patient = await createPatient(db.em());
		const today = todayIn(getConfig().CASEBOOK_TIME_ZONE);
		const c = await api().cases.create({
			patientId: patient.id,
			name: 'Raced',
			limitKind: 'unlimited',
			hasReferral: true,
			referralIssuedOn: addDays(today, -10),
			referralExpiresOn: addDays(today, 5)
		});
		await api().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot(),
			case: { mode: 'existing', caseId: c.id }
		});
		await Promise.all([sendCaseWarnings(db.em()), sendCaseWarnings(db.em()), sendCaseWarnings(db.em())]);
		expect((await warningEmails(c.id)).map((e) => e.subject)).toEqual(['Referral expires in 7 days: Raced']);
	});
});
