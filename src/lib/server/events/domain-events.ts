// What happened to a record, told inside the transaction that made it happen (platform).
//
// Features publish; they never know who listens. Listeners are registered once per process by
// app/wiring.ts (reminders schedule jobs, webhooks enqueue deliveries, the live inbox notifies
// other web processes). A listener runs in the publisher's transaction: what it writes commits or
// rolls back with the change, and a listener that throws undoes the change.
import type { Actor } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';

export type DomainEvent =
	| { type: 'appointment.booked'; appointmentId: string; patientId: string }
	| { type: 'appointment.moved'; appointmentId: string; patientId: string }
	| { type: 'appointment.cancelled'; appointmentId: string; patientId: string }
	| { type: 'appointment_request.created'; requestId: string; patientId: string }
	| {
			type: 'appointment_request.decided';
			requestId: string;
			patientId: string;
			decision: 'approved' | 'declined';
	  }
	| { type: 'patient.created'; patientId: string }
	| { type: 'patient.updated'; patientId: string }
	| { type: 'team_case.created'; caseId: string }
	| { type: 'team_case.acknowledged'; caseId: string; userId: string }
	| { type: 'team_case.escalated'; caseId: string; step: number }
	| {
			type: 'team_case.updated';
			caseId: string;
			change: 'taken_over' | 'retriaged' | 'commented' | 'reopened';
	  }
	| { type: 'team_case.closed'; caseId: string };

export type DomainEventType = DomainEvent['type'];

export type DomainEventListener = (tx: Em, event: DomainEvent, actor: Actor | null) => Promise<void>;

const listeners = new Map<string, DomainEventListener>();

/** Registers (or replaces) the listener called `name`: app/wiring.ts only. */
export function listenToDomainEvents(name: string, listener: DomainEventListener): void {
	listeners.set(name, listener);
}

/** Removes a listener (tests that register their own). */
export function stopListening(name: string): void {
	listeners.delete(name);
}

/**
 * Tells every listener, in registration order, inside `tx` (which must be the transaction that
 * made the change). A listener's error propagates: the change does not commit without its effects.
 */
export async function publishEvent(tx: Em, event: DomainEvent, actor: Actor | null = null): Promise<void> {
	for (const listener of listeners.values()) await listener(tx, event, actor);
}
