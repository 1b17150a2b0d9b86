// Who may see which case (issue 5, point 5; issue 7): admins and schedulers see every case; a
// practitioner sees a case whose template has one of their services, a treatment case with no
// template (also once it was sent to teams: a case created by sending is not one), any case they
// have an appointment on, sent, or received through one of their teams; a referrer sees only the
// cases they sent. A case outside that answers NOT_FOUND, never FORBIDDEN, so its existence does
// not leak.
import { LockMode } from '@mikro-orm/postgresql';
import { hasRole, type Actor } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';
import { AppError, notFound } from '../errors.ts';
import { Case } from './case.entity.ts';

export function seesEveryCase(actor: Actor): boolean {
	const user = actor.user;
	if (!user || user.kind !== 'staff') return false;
	return hasRole(user, 'scheduler');
}

/** A SQL condition over the case alias `c`, with its parameters. */
export function caseVisibilitySql(actor: Actor): { sql: string; params: unknown[] } {
	const userId = actor.user?.id;
	if (!userId) return { sql: 'false', params: [] };
	// A referrer sees the cases they sent, nothing else.
	if (actor.user?.kind === 'referrer') return { sql: 'c.sender_id = ?', params: [userId] };
	if (seesEveryCase(actor)) return { sql: 'true', params: [] };
	return {
		sql: `((c.template_id is null and not c.is_triage_only)
			or c.sender_id = ?
			or exists (select 1 from case_template_service cts
				join practitioner_service ps on ps.service_id = cts.service_id
				where cts.case_template_id = c.template_id and ps.user_id = ?)
			or exists (select 1 from appointment va where va.case_id = c.id and va.practitioner_id = ?)
			or exists (select 1 from case_team vt join team_member vm on vm.team_id = vt.team_id
				where vt.case_id = c.id and vm.user_id = ?))`,
		params: [userId, userId, userId, userId]
	};
}

export async function isCaseVisible(em: Em, actor: Actor, caseId: string): Promise<boolean> {
	const visibility = caseVisibilitySql(actor);
	const rows = await em.execute<{ id: string }[]>(
		`select c.id from clinic_case c where c.id = ? and ${visibility.sql}`,
		[caseId, ...visibility.params]
	);
	return rows.length > 0;
}

/**
 * Loads a case the actor may see, locked for update when `lock` (inside a transaction): every
 * change to a case's appointments takes this lock first, so two bookings onto a case with one place
 * left cannot both pass the cap.
 */
export async function loadVisibleCase(
	em: Em,
	actor: Actor,
	caseId: string,
	options: { lock?: boolean } = {}
): Promise<Case> {
	if (!(await isCaseVisible(em, actor, caseId))) throw notFound('Case');
	const found = await em.findOne(
		Case,
		{ id: caseId },
		{
			refresh: true,
			...(options.lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {})
		}
	);
	if (!found) throw notFound('Case');
	return found;
}

export function assertCaseOpen(
	caseRow: Case,
	message = 'This case is closed: re-open it to add appointments.'
): void {
	if (caseRow.status === 'closed')
		throw new AppError('CONFLICT', message, { fieldErrors: { caseId: [message] } });
}
