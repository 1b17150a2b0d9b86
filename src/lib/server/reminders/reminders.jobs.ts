// The jobs of patient communications: contracts only (see jobs/contract.ts). The listener in
// app/wiring.ts enqueues them in the transaction of the appointment's change.
import { z } from 'zod';
import { jobContract } from '../jobs/contract.ts';

const id = z.string().regex(/^\d+$/);

/** Confirms a booking, move or cancellation to the patient by email (with an .ics). */
export const appointmentConfirmJob = jobContract(
	'appointment.confirm',
	z.object({
		appointmentId: id,
		event: z.enum(['booked', 'moved', 'cancelled']),
		/** The appointment's start at the change: a later move makes this confirmation stale. */
		slot: z.iso.datetime()
	}),
	{ retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 120 }
);

/** Sends one scheduled reminder (sent with startAfter = its due time). */
export const reminderSendJob = jobContract('reminder.send', z.object({ scheduledReminderId: id }), {
	retryLimit: 10,
	retryDelay: 5,
	retryBackoff: true,
	retryDelayMax: 300,
	expireInSeconds: 120
});
