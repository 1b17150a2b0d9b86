// The jobs of signing in: contracts only (see jobs/contract.ts), so that services can enqueue them
// without importing the worker's handlers.
import { z } from 'zod';
import { jobContract } from '../jobs/contract.ts';

/**
 * "Forgot your password?" for one typed address. The request enqueues it whether or not the address
 * has an account (so both answer alike, in the same time); the job looks the account up and sends.
 */
export const passwordResetSendJob = jobContract(
	'password-reset.send',
	z.object({
		email: z.string().max(254),
		requestedAt: z.iso.datetime(),
		requestId: z.string().max(200).nullable(),
		ip: z.string().max(100).nullable()
	}),
	{ retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 120, expireInSeconds: 60 }
);
