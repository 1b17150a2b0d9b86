// Feature hooks that need both sides: registered once per process, before any request or job, by
// app/orm.ts (every process starts its ORM there). A feature never imports its listeners.
import { listenToCaseStatus } from '../cases/cases.service.ts';
import { listenToDomainEvents } from '../events/domain-events.ts';
import { announceInboxChange, isTeamCaseEvent } from '../routing/live-inbox.service.ts';
import { onAppointmentEvent } from '../reminders/reminders.service.ts';
import { onRoutedCaseClosed, onRoutedCaseReopened } from '../routing/routing.service.ts';
import { enqueueWebhookDeliveries } from '../webhooks/webhooks.service.ts';

listenToCaseStatus('routing', { closed: onRoutedCaseClosed, reopened: onRoutedCaseReopened });

// The live inbox: every change to a case sent to teams is announced to the web processes at commit.
listenToDomainEvents('live-inbox', async (tx, event) => {
	if (isTeamCaseEvent(event)) await announceInboxChange(tx, event);
});

// Signed webhooks (issue 21): every event an endpoint subscribes to becomes a delivery, enqueued in
// the transaction of the change it reports.
listenToDomainEvents('webhooks', (tx, event) => enqueueWebhookDeliveries(tx, event));

// Patient communications: a booking, move or cancellation queues its confirmation and schedules
// (or retires) its reminders, in the transaction of the change.
listenToDomainEvents('reminders', async (tx, event) => {
	if (event.type.startsWith('appointment.')) await onAppointmentEvent(tx, event);
});
