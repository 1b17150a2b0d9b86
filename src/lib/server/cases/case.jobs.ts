// The jobs of cases: contracts only (queue name, payload, options). Services enqueue them; the
// handlers live in jobs/handlers.ts, so this file imports nothing that imports the queue.
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

/** One escalation step of one team for one case (case-routing.service.ts runs it). */
export const caseEscalateJob = jobContract(
	'case.escalate',
	z.object({
		caseId: z.string().regex(/^\d+$/),
		teamId: z.string().regex(/^\d+$/),
		generation: z.number().int().min(1),
		round: z.number().int().min(0),
		stepIndex: z.number().int().min(0)
	}),
	{
		retryLimit: 10,
		retryDelay: 2,
		retryBackoff: true,
		retryDelayMax: 60,
		heartbeatSeconds: 10,
		expireInSeconds: 60
	}
);
export type EscalationJobData = z.infer<typeof caseEscalateJob.payload>;
