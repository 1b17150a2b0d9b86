// An appointment: a practitioner's time with a patient. PostgreSQL itself refuses two overlapping
// live appointments of one practitioner (exclusion constraint over a time range, btree_gist), so
// two concurrent bookings can never both win.
import { defineEntity, p } from '@mikro-orm/postgresql';
import {
	APPOINTMENT_STATUSES,
	RESERVATION_OUTCOMES,
	type AppointmentStatus
} from '../../schemas/appointment.ts';
import { User } from '../auth/user.entity.ts';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { Patient } from '../patients/patient.entity.ts';

export { RESERVATION_OUTCOMES, type ReservationOutcome } from '../../schemas/appointment.ts';

/** Statuses that hold the practitioner's time (the exclusion constraint's predicate). */
export const TIME_HOLDING_STATUSES: readonly AppointmentStatus[] = [
	'reserved',
	'booked',
	'arrived',
	'completed'
];

const AppointmentSchema = defineEntity({
	name: 'Appointment',
	tableName: 'appointment',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		patient: () => p.manyToOne(Patient).deleteRule('restrict').index(),
		practitioner: () => p.manyToOne(User).deleteRule('restrict'),
		appointmentType: () => p.manyToOne(AppointmentType).deleteRule('restrict'),
		startsAt: p.datetime(),
		endsAt: p.datetime(),
		status: p.enum(APPOINTMENT_STATUSES).default('booked'),
		case: () => p.manyToOne(Case).nullable().deleteRule('set null').index(),
		notes: p.text().nullable(),
		/** Integer cents, set when the appointment is invoiced (the type's price by default). */
		invoicedAmountCents: p.integer().nullable(),
		invoicedAt: p.datetime().nullable(),
		cancelledAt: p.datetime().nullable(),
		cancellationReason: p.text().nullable(),
		/** Reservations (portal issue): released when not confirmed by then. */
		reservationExpiresAt: p.datetime().nullable(),
		/** What became of a reservation: confirmed or declined by the patient, or expired. */
		reservationOutcome: p.enum(RESERVATION_OUTCOMES).nullable(),
		reservationAnsweredAt: p.datetime().nullable(),
		/** The patient confirmed by replying Y to a reminder (reminders/); cleared when it moves. */
		confirmedByPatientAt: p.datetime().nullable(),
		createdBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	},
	checks: [
		{ name: 'appointment_time_check', expression: '(ends_at > starts_at)' },
		{
			name: 'appointment_invoiced_amount_check',
			expression: '((invoiced_amount_cents IS NULL) OR (invoiced_amount_cents >= 0))'
		}
	],
	indexes: [
		{ properties: ['practitioner', 'startsAt'] },
		{ properties: ['startsAt'] },
		{
			// A case's latest appointment and its practitioner, read from the index alone (Reports, issue 19).
			name: 'appointment_case_latest_index',
			expression:
				'create index "appointment_case_latest_index" on "appointment" ("case_id", "starts_at" desc, "id" desc) include ("practitioner_id") where "case_id" is not null'
		}
	]
});

export class Appointment extends AppointmentSchema.class {}
AppointmentSchema.setClass(Appointment);
export { AppointmentSchema };
