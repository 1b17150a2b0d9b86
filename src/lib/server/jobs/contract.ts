// A job's contract: its queue name, the zod schema of its payload and its queue options. Services
// import contracts to enqueue; app/jobs.ts pairs each contract with its handler.
import type { QueueOptions, SendOptions } from 'pg-boss';
import type { z } from 'zod';

export interface JobContract<S extends z.ZodType = z.ZodType> {
	name: string;
	payload: S;
	queue: QueueOptions;
	/** Defaults for every send of this job (e.g. a singleton policy). */
	send?: SendOptions;
	/** A cron expression in the clinic's time zone: the worker schedules the job with it. */
	cron?: string;
}

export function jobContract<S extends z.ZodType>(
	name: string,
	payload: S,
	queue: QueueOptions = {},
	send?: SendOptions,
	cron?: string
): JobContract<S> {
	return { name, payload, queue, send, cron };
}
