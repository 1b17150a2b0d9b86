// The portal sign-in's job: a contract only (see jobs/contract.ts), so that the service can enqueue it
// without importing the worker's handlers.
import { z } from 'zod';
import { jobContract } from '../jobs/contract.ts';

/**
 * "Send me a link" for one typed address. The request enqueues it whether or not the address belongs
 * to a patient (so both answer alike, in the same time); the job finds the patients and sends.
 */
export const portalLinkSendJob = jobContract(
	'portal-link.send',
	z.object({
		channel: z.enum(['email', 'sms']),
		address: z.string().max(320),
		requestedAt: z.iso.datetime(),
		requestId: z.string().max(200).nullable(),
		ip: z.string().max(100).nullable()
	}),
	{ retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 60, expireInSeconds: 60 }
);
