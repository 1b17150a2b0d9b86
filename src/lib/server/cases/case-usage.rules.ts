// Reads a case's appointments for its usage (what counts, how much is left) and enforces the hard
// appointment cap. Callers that add appointments hold the case's row lock (loadVisibleCase with
// `lock`), so the count they check cannot change before they commit.
import type { InferKyselyDB } from '@mikro-orm/postgresql';
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import type { AppointmentSchema } from '../appointments/appointment.entity.ts';
import type { AppointmentTypeSchema } from '../appointment-types/appointment-type.entity.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import type { Case } from './case.entity.ts';
import { computeCaseUsage, countsTowardsCase, type CaseUsage, type UsageAppointment } from './case.rules.ts';

/** The tables this file reads, typed from their entities: columns and results are checked by the compiler. */
type UsageDb = InferKyselyDB<typeof AppointmentSchema | typeof AppointmentTypeSchema>;

/** The usage rows of every appointment on the given cases, by case id. */
export async function loadUsageAppointments(
	em: Em,
	caseIds: readonly string[]
): Promise<Map<string, UsageAppointment[]>> {
	const byCase = new Map<string, UsageAppointment[]>(caseIds.map((id) => [id, []]));
	if (!caseIds.length) return byCase;
	const rows = await em
		.getKysely<UsageDb>()
		.selectFrom('appointment as a')
		.innerJoin('appointment_type as t', 't.id', 'a.appointment_type_id')
		.select(['a.id', 'a.case_id', 'a.status', 'a.starts_at', 'a.invoiced_amount_cents', 't.price_cents'])
		.where('a.case_id', 'in', [...caseIds])
		.execute();
	for (const row of rows) {
		if (row.case_id === null) continue;
		byCase.get(String(row.case_id))?.push({
			id: String(row.id),
			status: row.status,
			// The driver may hand a timestamptz back as text.
			startsAt: new Date(row.starts_at),
			invoicedAmountCents: row.invoiced_amount_cents,
			priceCents: row.price_cents
		});
	}
	return byCase;
}

export async function loadCaseUsage(em: Em, caseRow: Case): Promise<CaseUsage> {
	const appointments = (await loadUsageAppointments(em, [caseRow.id])).get(caseRow.id) ?? [];
	return computeCaseUsage(caseRow, appointments);
}

export function capMessage(max: number): string {
	return `This case allows ${max} ${max === 1 ? 'appointment' : 'appointments'}`;
}

/**
 * Refuses one more counted appointment on a full maximum-appointments case. `status` is the
 * status the appointment will have; `appointmentId` is left out of the count (an appointment
 * already on the case whose status changes).
 */
export async function assertCaseHasRoom(
	em: Em,
	caseRow: Case,
	appointment: { id?: string; status: AppointmentStatus },
	field = 'caseId'
): Promise<void> {
	if (caseRow.limitKind !== 'appointments' || caseRow.maxAppointments == null) return;
	if (!countsTowardsCase(appointment.status, caseRow)) return;
	const appointments = (await loadUsageAppointments(em, [caseRow.id])).get(caseRow.id) ?? [];
	const counted = appointments.filter(
		(a) => a.id !== appointment.id && countsTowardsCase(a.status, caseRow)
	).length;
	if (counted >= caseRow.maxAppointments) {
		const message = `${capMessage(caseRow.maxAppointments)}, and all are used.`;
		throw new AppError('CONFLICT', message, {
			fieldErrors: { [field]: [message] },
			details: { reason: 'case-full' }
		});
	}
}
