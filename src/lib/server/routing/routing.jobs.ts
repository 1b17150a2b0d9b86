// The jobs of cases sent to teams: contracts only. routing.service.ts enqueues them; app/jobs.ts
// pairs them with their handlers.
import { z } from 'zod';
import { jobContract } from '../jobs/contract.ts';

/** One escalation step of one team for one case (routing.service.ts runs it). */
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
