import { z } from 'zod';
import { jobContract } from '../jobs/contract.ts';

/** Sends one stored notification. Transient provider errors retry with exponential backoff. */
export const notificationSend = jobContract(
	'notification.send',
	z.object({ notificationId: z.string().regex(/^\d+$/) }),
	{
		retryLimit: 8,
		retryDelay: 5,
		retryBackoff: true,
		retryDelayMax: 600,
		heartbeatSeconds: 10,
		expireInSeconds: 120
	}
);
