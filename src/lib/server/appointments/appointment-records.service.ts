// Appointments as numbered pages with Cliniko's filters (the REST API's individual appointments,
// appointments, bookings and attendees, issue 21), and the questions an API client asks about one
// appointment: does it clash, and with what. SQL picks the page's ids (filters are bound values,
// sort keys come from a static map); the page is then read as the calendar reads appointments.
// Every staff member sees every appointment (a case's name only who may see the case); the lists
// of a case's appointments apply the case visibility rule first.
import type { FilterOperator } from '../../schemas/patient.ts';
import type { Actor } from '../auth/actor.ts';
import { isCaseVisible } from '../cases/case-access.queries.ts';
import type { Em } from '../db/orm.ts';
import { notFound } from '../errors.ts';
import { columnFilterToSql, type FilterKind } from '../patients/patient-filters.queries.ts';
import { Appointment, TIME_HOLDING_STATUSES } from './appointment.entity.ts';
import { appointmentViews, type AppointmentView } from './appointments.service.ts';

export const APPOINTMENT_RECORD_FIELDS = {
	id: { column: 'id', kind: 'integer' },
	startsAt: { column: 'starts_at', kind: 'datetime' },
	endsAt: { column: 'ends_at', kind: 'datetime' },
	createdAt: { column: 'created_at', kind: 'datetime' },
	updatedAt: { column: 'updated_at', kind: 'datetime' },
	cancelledAt: { column: 'cancelled_at', kind: 'datetime' },
	patientId: { column: 'patient_id', kind: 'integer' },
	practitionerId: { column: 'practitioner_id', kind: 'integer' },
	appointmentTypeId: { column: 'appointment_type_id', kind: 'integer' },
	caseId: { column: 'case_id', kind: 'integer' }
} as const satisfies Record<string, { column: string; kind: FilterKind }>;

export type AppointmentRecordField = keyof typeof APPOINTMENT_RECORD_FIELDS;
export type AppointmentRecordSortField = 'id' | 'startsAt' | 'endsAt' | 'createdAt' | 'updatedAt';

export interface FindAppointmentRecordsInput {
	page: number;
	perPage: number;
	filters: { field: AppointmentRecordField; op: FilterOperator; value?: string }[];
	sort: { field: AppointmentRecordSortField; direction: 'asc' | 'desc' }[];
	/** `cancelled`: only cancelled ones; `live`: all but cancelled; `all`: every one. */
	status?: 'cancelled' | 'live' | 'all';
	/** Only this case's appointments: the case must be one the actor may see (else NOT_FOUND). */
	caseId?: string;
	/** Only to check that this patient exists and is not deleted (else NOT_FOUND); filter by patientId too. */
	patientId?: string;
}

export interface AppointmentRecord {
	view: AppointmentView;
	/** The entity, populated: the patient's and practitioner's names for the API's older shapes. */
	appointment: Appointment;
}

const POPULATE = ['patient', 'practitioner', 'appointmentType', 'case'] as const;

export async function findAppointmentRecords(
	em: Em,
	actor: Actor,
	input: FindAppointmentRecordsInput
): Promise<{ items: AppointmentRecord[]; total: number }> {
	if (input.caseId && !(await isCaseVisible(em, actor, input.caseId))) throw notFound('Case');
	if (input.patientId) {
		const live = await em.execute('select 1 from patient where id = ? and deleted_at is null', [
			input.patientId
		]);
		if (!live.length) throw notFound('Patient');
	}
	const where: string[] = [];
	const params: unknown[] = [];
	input.filters.forEach((filter, index) => {
		const fragment = columnFilterToSql(APPOINTMENT_RECORD_FIELDS[filter.field], filter.field, filter, index);
		where.push(fragment.sql);
		params.push(...fragment.params);
	});
	if (input.status === 'cancelled') where.push(`status = 'cancelled'`);
	if (input.status === 'live') where.push(`status <> 'cancelled'`);
	if (input.caseId) {
		where.push('case_id = ?');
		params.push(input.caseId);
	}
	const condition = where.length ? `where ${where.join(' and ')}` : '';
	const order = [...input.sort, { field: 'id' as const, direction: 'asc' as const }]
		.map((s) => `"${APPOINTMENT_RECORD_FIELDS[s.field].column}" ${s.direction}`)
		.join(', ');
	const rows = await em.execute<{ id: string; total: string }[]>(
		`select id::text as id, count(*) over () as total from appointment ${condition}
		 order by ${order} limit ? offset ?`,
		[...params, input.perPage, (input.page - 1) * input.perPage]
	);
	let total = rows[0] ? Number(rows[0].total) : 0;
	if (!rows.length && input.page > 1) {
		const counted = await em.execute<{ total: string }[]>(
			`select count(*) as total from appointment ${condition}`,
			params
		);
		total = Number(counted[0]?.total ?? 0);
	}
	const ids = rows.map((r) => String(r.id));
	if (!ids.length) return { items: [], total };
	const found = await em.find(Appointment, { id: { $in: ids } }, { populate: POPULATE, refresh: true });
	const byId = new Map(found.map((a) => [a.id, a]));
	const appointments = ids.map((id) => byId.get(id)).filter((a): a is Appointment => !!a);
	const views = await appointmentViews(em, actor, appointments);
	return { items: appointments.map((appointment, i) => ({ appointment, view: views[i]! })), total };
}

/** One appointment with its view (NOT_FOUND when there is none). */
export async function getAppointmentRecord(em: Em, actor: Actor, id: string): Promise<AppointmentRecord> {
	const appointment = await em.findOne(Appointment, { id }, { populate: POPULATE, refresh: true });
	if (!appointment) throw notFound('Appointment');
	const [view] = await appointmentViews(em, actor, [appointment]);
	return { appointment, view: view! };
}

/**
 * The practitioner's other live appointments that overlap the time (Cliniko's conflicts, and the
 * appointment a refused booking clashed with).
 */
export async function findClashes(
	em: Em,
	input: { practitionerId: string; startsAt: Date; endsAt: Date; excludeId?: string }
): Promise<{ id: string; startsAt: Date; endsAt: Date }[]> {
	const statuses = TIME_HOLDING_STATUSES.map(() => '?').join(', ');
	const rows = await em.execute<{ id: string; starts_at: Date; ends_at: Date }[]>(
		`select id::text as id, starts_at, ends_at from appointment
		 where practitioner_id = ? and starts_at < ? and ends_at > ? and status in (${statuses})
		   and id <> ?
		 order by starts_at, id limit 10`,
		[input.practitionerId, input.endsAt, input.startsAt, ...TIME_HOLDING_STATUSES, input.excludeId ?? '0']
	);
	return rows.map((r) => ({
		id: String(r.id),
		startsAt: new Date(r.starts_at),
		endsAt: new Date(r.ends_at)
	}));
}
