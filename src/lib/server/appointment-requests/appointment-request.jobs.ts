// The jobs of the portal's requests and reservations: contracts only (see jobs/contract.ts), so
// that services can enqueue them without importing the worker's handlers.
import { z } from 'zod';
import { jobContract } from '../jobs/contract.ts';

const id = z.string().regex(/^\d+$/);

/** Tells the schedulers about a new request, or the patient about its outcome. */
export const appointmentRequestNotifyJob = jobContract(
	'appointment-request.notify',
	z.object({ requestId: id, event: z.enum(['created', 'decided']) }),
	{ retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 120 }
);

/**
 * Releases a reservation the patient has not confirmed by its expiry (sent with startAfter). A
 * release is one conditional update, so a worker killed while holding it hands it on within 30 s
 * (the fleet check kills one) and the time is not held for two minutes longer than promised.
 */
export const reservationExpireJob = jobContract('reservation.expire', z.object({ appointmentId: id }), {
	retryLimit: 10,
	retryDelay: 5,
	retryBackoff: true,
	retryDelayMax: 300,
	expireInSeconds: 30
});
