// Feature hooks that need both sides: registered once per process, before any request or job, by
// app/orm.ts (every process starts its ORM there). A feature never imports its listeners.
import { listenToCaseStatus } from '../cases/cases.service.ts';
import { listenToDomainEvents } from '../events/domain-events.ts';
import { onAppointmentEvent } from '../reminders/reminders.service.ts';
import { onRoutedCaseClosed, onRoutedCaseReopened } from '../routing/routing.service.ts';

listenToCaseStatus('routing', { closed: onRoutedCaseClosed, reopened: onRoutedCaseReopened });

// Patient communications: a booking, move or cancellation queues its confirmation and schedules
// (or retires) its reminders, in the transaction of the change.
listenToDomainEvents('reminders', async (tx, event) => {
	if (event.type.startsWith('appointment.')) await onAppointmentEvent(tx, event);
});
