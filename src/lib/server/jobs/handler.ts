// A job's handler: what the worker does with one job of a contract. app/jobs.ts pairs every
// contract with its handler in one list; the runner (runner.ts) and boss.ts take that list.
import type { JobWithMetadata, WorkOptions } from 'pg-boss';
import type { z } from 'zod';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import type { Transports } from '../notifications/transports.ts';
import type { JobContract } from './contract.ts';

export interface JobContext<T> {
	data: T;
	em: Em;
	job: JobWithMetadata<T>;
	log: Logger;
	transports: Transports;
	/** True when a failure now would not be retried. */
	isLastAttempt: boolean;
}

export interface JobHandler<S extends z.ZodType = z.ZodType> {
	contract: JobContract<S>;
	work?: WorkOptions;
	handle(ctx: JobContext<z.output<S>>): Promise<void>;
}

/** One contract with what the worker does for it. */
export function handler<S extends z.ZodType>(
	contract: JobContract<S>,
	handle: JobHandler<S>['handle'],
	work?: WorkOptions
): JobHandler {
	return { contract, handle, work } as unknown as JobHandler;
}
