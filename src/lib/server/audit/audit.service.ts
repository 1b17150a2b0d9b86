// Writing the audit trail. Call inside the transaction of the change, so both commit or neither.
import type { Em } from '../db/orm.ts';
import type { Actor } from '../auth/actor.ts';
import { AuditEvent, type ActorType } from './audit-event.entity.ts';

export interface AuditInput {
	action: string;
	recordType?: string;
	recordId?: string | null;
	changedFields?: string[];
	details?: Record<string, unknown>;
	/** Overrides the actor, e.g. an anonymous sign-in attempt or a patient in the portal. */
	actorType?: ActorType;
	actorId?: string | null;
	actorLabel?: string | null;
}

/** Who an event is by: the input's overrides, else the signed-in user or portal patient, else the system. */
function auditActor(actor: Actor, input: AuditInput) {
	const actorType: ActorType =
		input.actorType ??
		(actor.user
			? actor.user.kind === 'referrer'
				? 'referrer'
				: 'staff'
			: actor.patient
				? 'patient'
				: 'system');
	return {
		actorType,
		actorId: input.actorId !== undefined ? input.actorId : (actor.user?.id ?? actor.patient?.id ?? null),
		actorLabel:
			input.actorLabel !== undefined ? input.actorLabel : (actor.user?.email ?? actor.patient?.name ?? null)
	};
}

export function recordAudit(em: Em, actor: Actor, input: AuditInput): AuditEvent {
	return em.create(AuditEvent, {
		...auditActor(actor, input),
		action: input.action,
		recordType: input.recordType ?? null,
		recordId: input.recordId ?? null,
		changedFields: input.changedFields?.length ? input.changedFields : null,
		details: input.details ?? null,
		requestId: actor.requestId,
		ip: actor.ip
	});
}

/** Writes one event on its own (for events with no change to share a transaction with). */
export async function recordAuditNow(em: Em, actor: Actor, input: AuditInput): Promise<void> {
	recordAudit(em, actor, input);
	await em.flush();
}

/**
 * The insert of a read of a record (e.g. "case.read") as one plain statement, made only when
 * `condition` (SQL) holds: a read query can carry it as a CTE, so the read and its audit row are one
 * round trip and one commit.
 */
export function readAuditSql(
	actor: Actor,
	input: Pick<AuditInput, 'action' | 'recordType' | 'recordId'>,
	condition: { sql: string; params: unknown[] } = { sql: 'true', params: [] }
): { sql: string; params: unknown[] } {
	const who = auditActor(actor, input);
	return {
		sql: `insert into audit_event (at, actor_type, actor_id, actor_label, action, record_type, record_id, request_id, ip)
		 select now(), ?, ?, ?, ?, ?, ?, ?, ? where ${condition.sql}`,
		params: [
			who.actorType,
			who.actorId,
			who.actorLabel,
			input.action,
			input.recordType ?? null,
			input.recordId ?? null,
			actor.requestId,
			actor.ip,
			...condition.params
		]
	};
}

/** The names of the fields whose values differ between two plain snapshots. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
	return Object.keys(after).filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]));
}
