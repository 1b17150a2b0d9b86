// Features tell what happened inside the transaction that made it happen (events/domain-events.ts):
// a listener sees the change's own transaction, and a listener that fails undoes the change.
import { afterEach, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appointment } from '../appointments/appointment.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { listenToDomainEvents, stopListening, type DomainEvent } from './domain-events.ts';

let db: TestDb;
let clinic: Clinic;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
});
afterAll(async () => {
	await db?.close();
});
afterEach(() => stopListening('test'));

async function book(patientId: string, startsAt = nextSlot()) {
	return callerFor(db.em(), clinic.scheduler).appointments.create({
		patientId,
		practitionerId: clinic.physio.id,
		appointmentTypeId: clinic.consult.id,
		startsAt,
		case: { mode: 'none' }
	});
}

describe('domain events', () => {
	it('tells booking, moving and cancelling, each once, with the patient', async () => {
		const seen: DomainEvent[] = [];
		listenToDomainEvents('test', async (_tx, event) => {
			if (event.type.startsWith('appointment.')) seen.push(event);
		});
		const patient = await createPatient(db.em(), 'Events');
		const { appointment } = await book(patient.id);
		const staff = callerFor(db.em(), clinic.scheduler);
		const moved = await staff.appointments.reschedule({
			id: appointment.id,
			version: appointment.version,
			startsAt: nextSlot(),
			durationMinutes: 30
		});
		await staff.appointments.cancel({ id: appointment.id, version: moved.appointment.version });
		expect(seen).toEqual([
			{ type: 'appointment.booked', appointmentId: appointment.id, patientId: patient.id },
			{ type: 'appointment.moved', appointmentId: appointment.id, patientId: patient.id },
			{ type: 'appointment.cancelled', appointmentId: appointment.id, patientId: patient.id }
		]);
	});

	it('runs the listener inside the change: a failing listener leaves no appointment behind', async () => {
		listenToDomainEvents('test', async (tx, event) => {
			// The listener reads the row its publisher has just written, in the same transaction.
			if (event.type === 'appointment.booked') {
				expect(await tx.count(Appointment, { id: event.appointmentId })).toBe(1);
				throw new Error('listener failed');
			}
		});
		const patient = await createPatient(db.em(), 'Rollback');
		await expect(book(patient.id)).rejects.toThrow();
		expect(await db.em().count(Appointment, { patient: patient.id })).toBe(0);
	});
});
