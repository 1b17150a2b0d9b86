// The jobs of cases: contracts only (queue name, payload, options). Services enqueue them; the
// handlers live in app/jobs.ts, so this file imports nothing that imports the queue.
import { z } from 'zod';
import { jobContract } from '../jobs/contract.ts';

/** Every morning at 07:00 in the clinic's time zone; a run missed while down is caught up once. */
export const caseWarningsJob = jobContract(
	'case.warnings',
	z.object({ now: z.iso.datetime().optional() }).nullable(),
	{ retryLimit: 3, retryDelay: 60, expireInSeconds: 900 },
	// One run at a time: a slow run and the next day's never overlap.
	{ singletonKey: 'case.warnings' },
	'0 7 * * *'
);
