// The webhooks job contract: one attempt at one delivery. webhooks.service.ts enqueues it (in the
// event's transaction, and for each retry in the transaction that logs the failed attempt);
// app/jobs.ts pairs it with its handler.
import { z } from 'zod';
import { jobContract } from '../jobs/contract.ts';

export const webhookDeliverJob = jobContract(
	'webhook.deliver',
	z.object({ deliveryId: z.string().regex(/^\d+$/), attempt: z.number().int().min(1) }),
	// Retries here are for a crashed worker only: an endpoint's failures are retried on the
	// delivery schedule (webhooks.service.ts), each a new job.
	{ retryLimit: 3, retryDelay: 10, retryBackoff: true, expireInSeconds: 120 }
);
export type WebhookDeliverJobData = z.infer<typeof webhookDeliverJob.payload>;
