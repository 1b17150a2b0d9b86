import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { Appointment } from './appointment.entity.ts';

let db: TestDb;
let clinic: Clinic;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
});
afterAll(async () => {
	await db?.close();
});

const api = (user: User = clinic.scheduler) => callerFor(db.em(), user);
const minutes = (n: number) => n * 60_000;

async function book(
	patientId: string,
	options: {
		at?: Date;
		practitioner?: User;
		durationMinutes?: number;
		case?: Parameters<ReturnType<typeof api>['appointments']['create']>[0]['case'];
	} = {}
) {
	return api().appointments.create({
		patientId,
		practitionerId: (options.practitioner ?? clinic.physio).id,
		appointmentTypeId: clinic.consult.id,
		startsAt: options.at ?? nextSlot(),
		durationMinutes: options.durationMinutes,
		case: options.case
	});
}

async function newCase(patientId: string, fields: Record<string, unknown> = {}) {
	return api().cases.create({
		patientId,
		name: 'Left shoulder rehab',
		limitKind: 'unlimited',
		bodyPartIds: [clinic.leftShoulder.id],
		...fields
	} as Parameters<ReturnType<typeof api>['cases']['create']>[0]);
}

describe('booking', () => {
	it('books with the type’s duration, shows the patient and type, and audits', async () => {
		const patient = await createPatient(db.em());
		const at = nextSlot();
		const { appointment } = await book(patient.id, { at });
		expect(appointment).toMatchObject({
			status: 'booked',
			durationMinutes: 30,
			patient: { id: patient.id },
			practitioner: { id: clinic.physio.id },
			appointmentType: { id: clinic.consult.id, priceCents: 9000 },
			case: null
		});
		expect(appointment.endsAt.getTime() - appointment.startsAt.getTime()).toBe(minutes(30));
		expect(await db.em().count(AuditEvent, { action: 'appointment.create', recordId: appointment.id })).toBe(
			1
		);
	});

	it('refuses an overlapping appointment of the same practitioner with a field error, allows back-to-back', async () => {
		const patient = await createPatient(db.em());
		const at = nextSlot();
		await book(patient.id, { at });
		const overlap = await failureOf(book(patient.id, { at: new Date(at.getTime() + minutes(15)) }));
		expect(overlap.code).toBe('CONFLICT');
		expect(overlap.fieldErrors.startsAt?.[0]).toMatch(/That time is taken/);
		const backToBack = await book(patient.id, { at: new Date(at.getTime() + minutes(30)) });
		expect(backToBack.appointment.status).toBe('booked');
		const otherPractitioner = await book(patient.id, { at, practitioner: clinic.otherPhysio });
		expect(otherPractitioner.appointment.status).toBe('booked');
	});

	it('frees the time when an appointment is cancelled', async () => {
		const patient = await createPatient(db.em());
		const at = nextSlot();
		const { appointment } = await book(patient.id, { at });
		await api().appointments.cancel({ id: appointment.id, version: appointment.version, reason: 'Unwell' });
		expect((await book(patient.id, { at })).appointment.status).toBe('booked');
	});

	it('lets exactly one of many truly concurrent bookings of one slot win', async () => {
		const patients = await Promise.all(Array.from({ length: 8 }, () => createPatient(db.em())));
		const at = nextSlot();
		const results = await Promise.allSettled(patients.map((p) => book(p.id, { at })));
		const won = results.filter((r) => r.status === 'fulfilled');
		const lost = results.filter((r) => r.status === 'rejected');
		expect(won).toHaveLength(1);
		expect(lost).toHaveLength(7);
		for (const r of lost)
			expect(String((r as PromiseRejectedResult).reason.message)).toMatch(/That time is taken/);
		const stored = await db.em().count(Appointment, { practitioner: clinic.physio.id, startsAt: at });
		expect(stored).toBe(1);
	});

	it('refuses a practitioner who does not provide the appointment type', async () => {
		const patient = await createPatient(db.em());
		const failure = await failureOf(book(patient.id, { practitioner: clinic.outsider }));
		expect(failure.code).toBe('BAD_REQUEST');
		expect(failure.fieldErrors.practitionerId?.[0]).toMatch(/does not provide/);
	});

	it('rejects bad input at its field: duration 7, an end before the start is impossible, unknown ids', async () => {
		const patient = await createPatient(db.em());
		const bad = await failureOf(book(patient.id, { durationMinutes: 7 }));
		expect(bad.fieldErrors.durationMinutes?.[0]).toMatch(/steps of 5/);
		const unknown = await failureOf(
			api().appointments.create({
				patientId: '999999999',
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: nextSlot()
			})
		);
		expect(unknown.fieldErrors.patientId).toBeDefined();
		const notADate = await failureOf(
			api().appointments.create({
				patientId: patient.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: 'next tuesday'
			})
		);
		expect(notADate.fieldErrors.startsAt).toBeDefined();
	});

	it('reschedules into a free slot and refuses a taken one', async () => {
		const patient = await createPatient(db.em());
		const first = (await book(patient.id)).appointment;
		const second = (await book(patient.id)).appointment;
		const taken = await failureOf(
			api().appointments.reschedule({
				id: second.id,
				version: second.version,
				startsAt: first.startsAt,
				durationMinutes: 30
			})
		);
		expect(taken.code).toBe('CONFLICT');
		const free = nextSlot();
		const moved = await api().appointments.reschedule({
			id: second.id,
			version: second.version,
			startsAt: free,
			durationMinutes: 45
		});
		expect(moved.appointment.startsAt.getTime()).toBe(free.getTime());
		expect(moved.appointment.durationMinutes).toBe(45);
	});

	it('lists a practitioner’s week for the calendar', async () => {
		const patient = await createPatient(db.em());
		const at = nextSlot();
		const { appointment } = await book(patient.id, { at, practitioner: clinic.otherPhysio });
		const week = await api().appointments.find({
			from: new Date(at.getTime() - 86_400_000),
			to: new Date(at.getTime() + 86_400_000),
			practitionerId: clinic.otherPhysio.id
		});
		expect(week.map((a) => a.id)).toContain(appointment.id);
		expect(week.every((a) => a.practitioner.id === clinic.otherPhysio.id)).toBe(true);
	});
});

describe('cases and their caps', () => {
	it('refuses the appointment after the last one a maximum-appointments case allows', async () => {
		const patient = await createPatient(db.em());
		const c = await newCase(patient.id, { limitKind: 'appointments', maxAppointments: 2 });
		const one = await book(patient.id, { case: { mode: 'existing', caseId: c.id } });
		const two = await book(patient.id, { case: { mode: 'existing', caseId: c.id } });
		expect(one.appointment.case).toMatchObject({ number: 1, of: 2 });
		expect(two.appointment.case).toMatchObject({ number: 2, of: 2 });
		const three = await failureOf(book(patient.id, { case: { mode: 'existing', caseId: c.id } }));
		expect(three.code).toBe('CONFLICT');
		expect(three.message).toMatch(
			/This case has no appointments left: it allows 2 appointments, and all are used/
		);
		expect(three.fieldErrors.caseId).toBeDefined();
		expect(await db.em().count(Appointment, { case: c.id })).toBe(2);
	});

	it('counts cancelled and did-not-arrive appointments only when the case says so', async () => {
		const patient = await createPatient(db.em());
		const ignoring = await newCase(patient.id, {
			limitKind: 'appointments',
			maxAppointments: 2,
			name: 'Ignores'
		});
		const counting = await newCase(patient.id, {
			limitKind: 'appointments',
			maxAppointments: 2,
			countsCancelled: true,
			countsDidNotArrive: true,
			name: 'Counts',
			bodyPartIds: [clinic.rightKnee.id]
		});
		for (const c of [ignoring, counting]) {
			const a = (await book(patient.id, { case: { mode: 'existing', caseId: c.id } })).appointment;
			await api().appointments.cancel({ id: a.id, version: a.version });
			const b = (await book(patient.id, { case: { mode: 'existing', caseId: c.id } })).appointment;
			await api().appointments.setStatus({ id: b.id, version: b.version, status: 'did_not_arrive' });
		}
		// The ignoring case has used nothing; the counting one is full.
		expect(
			(await book(patient.id, { case: { mode: 'existing', caseId: ignoring.id } })).appointment.case
		).toMatchObject({
			number: 1,
			of: 2
		});
		const full = await failureOf(book(patient.id, { case: { mode: 'existing', caseId: counting.id } }));
		expect(full.message).toMatch(/allows 2 appointments/);
		const detail = await api().cases.get({ id: counting.id });
		expect(detail.usage).toMatchObject({ appointmentsCounted: 2, appointmentsLeft: 0, isFull: true });
		expect(detail.warnings.map((w) => w.kind)).toContain('appointments-none');
	});

	it('re-checks the cap when a did-not-arrive appointment is marked arrived on a case that ignores DNAs', async () => {
		const patient = await createPatient(db.em());
		const c = await newCase(patient.id, { limitKind: 'appointments', maxAppointments: 1 });
		const dna = (await book(patient.id, { case: { mode: 'existing', caseId: c.id } })).appointment;
		const marked = await api().appointments.setStatus({
			id: dna.id,
			version: dna.version,
			status: 'did_not_arrive'
		});
		await book(patient.id, { case: { mode: 'existing', caseId: c.id } });
		const back = await failureOf(
			api().appointments.setStatus({ id: dna.id, version: marked.appointment.version, status: 'arrived' })
		);
		expect(back.code).toBe('CONFLICT');
		expect(back.message).toMatch(/allows 1 appointment/);
	});

	it('lets exactly one of two concurrent bookings take a case’s last place', async () => {
		const patient = await createPatient(db.em());
		const c = await newCase(patient.id, { limitKind: 'appointments', maxAppointments: 1 });
		const results = await Promise.allSettled([
			book(patient.id, { case: { mode: 'existing', caseId: c.id } }),
			book(patient.id, { practitioner: clinic.otherPhysio, case: { mode: 'existing', caseId: c.id } })
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		expect(await db.em().count(Appointment, { case: c.id })).toBe(1);
	});

	it('lets an amount-capped case go over, with a visible alert, and shows the amount left', async () => {
		const patient = await createPatient(db.em());
		const c = await newCase(patient.id, { limitKind: 'amount', maxAmountCents: 15000 });
		const first = await book(patient.id, { case: { mode: 'existing', caseId: c.id } });
		expect(first.warnings).toEqual([]);
		const invoiced = await api().appointments.invoice({
			id: first.appointment.id,
			version: first.appointment.version
		});
		expect(invoiced.appointment.invoicedAmountCents).toBe(9000);
		expect(invoiced.appointment.case?.amountLeftCents).toBe(6000);
		const second = await book(patient.id, { case: { mode: 'existing', caseId: c.id } });
		expect(second.warnings[0]).toMatch(/over its maximum invoiceable amount/);
		const detail = await api().cases.get({ id: c.id });
		expect(detail.usage).toMatchObject({
			amountInvoicedCents: 9000,
			amountProjectedCents: 18000,
			isOverAmount: true
		});
		expect(detail.warnings.find((w) => w.kind === 'over-amount')?.message).toMatch(/\$30\.00/);
	});

	it('refuses a case of another patient and a closed case', async () => {
		const patient = await createPatient(db.em());
		const other = await createPatient(db.em());
		const othersCase = await newCase(other.id);
		const wrong = await failureOf(book(patient.id, { case: { mode: 'existing', caseId: othersCase.id } }));
		expect(wrong.fieldErrors.caseId?.[0]).toMatch(/this patient/);
		const mine = await newCase(patient.id);
		await api().cases.close({ id: mine.id, version: mine.version });
		const closed = await failureOf(book(patient.id, { case: { mode: 'existing', caseId: mine.id } }));
		expect(closed.message).toMatch(/closed/);
		expect(await db.em().count(Appointment, { patient: patient.id })).toBe(0);
	});
});

describe('the body-part question (seed 002)', () => {
	it('asks before creating a second open case for the same body part; both answers work', async () => {
		const patient = await createPatient(db.em());
		const existing = await newCase(patient.id, { name: 'Left shoulder' });
		const newCaseFields = {
			name: 'Shoulder again',
			limitKind: 'unlimited' as const,
			bodyPartIds: [clinic.leftShoulder.id, clinic.rightKnee.id]
		};
		const asked = await failureOf(book(patient.id, { case: { mode: 'new', case: newCaseFields } }));
		expect(asked.code).toBe('CONFLICT');
		expect(asked.details).toMatchObject({
			reason: 'matching-case',
			cases: [{ id: existing.id, name: 'Left shoulder' }]
		});
		expect(await db.em().count(Case, { patient: patient.id })).toBe(1);

		// "Create a separate case"
		const separate = await book(patient.id, {
			case: { mode: 'new', case: newCaseFields, isSeparateCaseConfirmed: true }
		});
		expect(separate.appointment.case?.name).toBe('Shoulder again');
		expect(await db.em().count(Case, { patient: patient.id })).toBe(2);

		// "Update the case": the appointment joins it and its body parts gain the right knee.
		const joined = await book(patient.id, {
			case: { mode: 'existing', caseId: existing.id, bodyPartIds: [clinic.rightKnee.id] }
		});
		expect(joined.appointment.case?.id).toBe(existing.id);
		const updated = await api().cases.get({ id: existing.id });
		expect(updated.bodyParts.map((b) => b.id).sort()).toEqual(
			[clinic.leftShoulder.id, clinic.rightKnee.id].sort()
		);
	});

	it('does not ask when the open cases share no body part', async () => {
		const patient = await createPatient(db.em());
		await newCase(patient.id, { bodyPartIds: [clinic.lumbar.id] });
		const created = await book(patient.id, {
			case: {
				mode: 'new',
				case: { name: 'Knee', limitKind: 'unlimited', bodyPartIds: [clinic.rightKnee.id] }
			}
		});
		expect(created.appointment.case?.name).toBe('Knee');
		expect(
			(await api().appointments.matchingCases({ patientId: patient.id, bodyPartIds: [clinic.lumbar.id] }))
				.length
		).toBe(1);
	});
});
