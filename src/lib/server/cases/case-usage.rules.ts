// Reads a case's appointments for its usage (what counts, how much is left) and enforces the hard
// appointment cap: one rule for "is this case full" and one refusal, used by booking, reserve and
// the portal's request (issue 18). Callers that add appointments hold the case's row lock
// (loadVisibleCase with `lock`), so the count they check cannot change before they commit.
import type { InferKyselyDB } from '@mikro-orm/postgresql';
import { caseFullMessage, type CaseFullAudience } from '../../cases/case-full.ts';
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

/** The refusal for a full case, with the message on `field` and `details.reason` = 'case-full'. */
export function caseFullError(
	caseRow: Pick<Case, 'maxAppointments'>,
	options: { field?: string; audience?: CaseFullAudience } = {}
): AppError {
	const message = caseFullMessage(caseRow.maxAppointments, options.audience);
	return new AppError('CONFLICT', message, {
		fieldErrors: { [options.field ?? 'caseId']: [message] },
		details: { reason: 'case-full' }
	});
}

/**
 * The one "is this case full" rule, for one more appointment in `status`: only a
 * maximum-appointments case fills, only counted statuses fill it (computeCaseUsage's `isFull`), and
 * `appointment.id` is left out of the count (an appointment already on the case whose status
 * changes). A portal request asks as a future booked appointment.
 */
export async function isCaseFullFor(
	em: Em,
	caseRow: Case,
	appointment: { id?: string; status: AppointmentStatus } = { status: 'booked' }
): Promise<boolean> {
	if (caseRow.limitKind !== 'appointments' || caseRow.maxAppointments == null) return false;
	if (!countsTowardsCase(appointment.status, caseRow)) return false;
	const appointments = (await loadUsageAppointments(em, [caseRow.id])).get(caseRow.id) ?? [];
	return computeCaseUsage(
		caseRow,
		appointments.filter((a) => a.id !== appointment.id)
	).isFull;
}

/** Of these cases, the ids of the full ones (for lists that offer "book" or "request" per case). */
export async function fullCaseIds(em: Em, cases: readonly Case[]): Promise<Set<string>> {
	const capped = cases.filter((c) => c.limitKind === 'appointments' && c.maxAppointments != null);
	const byCase = await loadUsageAppointments(
		em,
		capped.map((c) => c.id)
	);
	return new Set(capped.filter((c) => computeCaseUsage(c, byCase.get(c.id) ?? []).isFull).map((c) => c.id));
}

/**
 * Refuses one more counted appointment on a full maximum-appointments case (isCaseFullFor), with
 * the same sentence everywhere (caseFullMessage). `status` is the status the appointment will have.
 */
export async function assertCaseHasRoom(
	em: Em,
	caseRow: Case,
	appointment: { id?: string; status: AppointmentStatus },
	field = 'caseId',
	audience: CaseFullAudience = { kind: 'staff' }
): Promise<void> {
	if (await isCaseFullFor(em, caseRow, appointment)) throw caseFullError(caseRow, { field, audience });
}
