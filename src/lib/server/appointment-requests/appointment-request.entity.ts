// A patient's request, from the portal, for an appointment on one of their cases (seed 001): the
// type (one the case's template allows, with its duration), up to three preferred windows and a
// note. A scheduler approves it (booking an appointment, possibly adjusted) or declines it; the
// patient may withdraw it while it is pending. Only one pending request per case and type.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { REQUEST_STATUSES } from '../../schemas/portal.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { User } from '../auth/user.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { Patient } from '../patients/patient.entity.ts';

export interface PreferredWindow {
	/** ISO instants. */
	startsAt: string;
	endsAt: string;
}

const AppointmentRequestSchema = defineEntity({
	name: 'AppointmentRequest',
	tableName: 'appointment_request',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		patient: () => p.manyToOne(Patient).deleteRule('cascade').index(),
		case: () => p.manyToOne(Case).deleteRule('cascade').index(),
		appointmentType: () => p.manyToOne(AppointmentType).deleteRule('restrict'),
		/** The duration the template offered when the patient asked. */
		durationMinutes: p.integer(),
		windows: p.json<PreferredWindow[]>(),
		note: p.text().nullable(),
		status: p.enum(REQUEST_STATUSES).default('pending'),
		createdAt: p.datetime().onCreate(() => new Date()),
		decidedAt: p.datetime().nullable(),
		decidedBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
		declineReason: p.text().nullable(),
		appointment: () => p.manyToOne(Appointment).nullable().deleteRule('set null')
	},
	indexes: [
		{
			name: 'appointment_request_status_created_index',
			properties: ['status', 'createdAt']
		},
		// The Reports page's ranges (issue 19): requests made, and decided, in a range of weeks.
		{ properties: ['createdAt'] },
		{
			name: 'appointment_request_decided_at_index',
			expression:
				'create index "appointment_request_decided_at_index" on "appointment_request" ("decided_at") where "decided_at" is not null'
		},
		{
			name: 'appointment_request_pending_unique',
			expression:
				'create unique index "appointment_request_pending_unique" on "appointment_request" ("case_id", "appointment_type_id") where "status" = \'pending\''
		}
	]
});

export class AppointmentRequest extends AppointmentRequestSchema.class {}
AppointmentRequestSchema.setClass(AppointmentRequest);
export { AppointmentRequestSchema };
