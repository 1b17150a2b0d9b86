// Pairs every job contract with its handler. Only the worker (and worker tests) import this.
import type { JobWithMetadata, WorkOptions } from 'pg-boss';
import type { z } from 'zod';
import type { Em } from '../db/orm.ts';
import type { Logger } from '../logger.ts';
import {
	appointmentRequestNotifyJob,
	reservationExpireJob
} from '../appointment-requests/appointment-request.jobs.ts';
import { notifyForRequest } from '../appointment-requests/appointment-requests.service.ts';
import { releaseExpiredReservation } from '../appointments/reservations.service.ts';
import { passwordResetSendJob } from '../auth/auth.jobs.ts';
import { sendRequestedPasswordReset } from '../auth/auth.service.ts';
import { caseEscalateJob, caseWarningsJob } from '../cases/case.jobs.ts';
import { runEscalationStep } from '../cases/case-routing.service.ts';
import { sendCaseWarnings } from '../cases/case-warnings.ts';
import { notificationSend } from '../notifications/notification.jobs.ts';
import { sendNotification } from '../notifications/notifications.service.ts';
import { portalLinkSendJob } from '../portal/portal-auth.jobs.ts';
import { sendRequestedPortalLinks } from '../portal/portal-auth.service.ts';
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

function handler<S extends z.ZodType>(
	contract: JobContract<S>,
	handle: JobHandler<S>['handle'],
	work?: WorkOptions
): JobHandler {
	return { contract, handle, work } as unknown as JobHandler;
}

export const jobHandlers: JobHandler[] = [
	handler(notificationSend, async ({ data, em, transports, isLastAttempt }) => {
		await sendNotification(em, { notificationId: data.notificationId, transports, isLastAttempt });
	}),
	handler(caseWarningsJob, async ({ data, em, log }) => {
		const result = await sendCaseWarnings(em, { now: data?.now ? new Date(data.now) : undefined });
		log.info(result, 'case warnings checked');
	}),
	handler(caseEscalateJob, async ({ data, em, log }) => {
		const outcome = await runEscalationStep(em, data);
		log.debug({ ...data, outcome }, 'escalation step');
	}),
	handler(appointmentRequestNotifyJob, async ({ data, em, log }) => {
		const queued = await notifyForRequest(em, data);
		log.debug({ ...data, queued }, 'appointment request notified');
	}),
	handler(reservationExpireJob, async ({ data, em, log }) => {
		const outcome = await releaseExpiredReservation(em, data);
		log.info({ ...data, outcome }, 'reservation expiry checked');
	}),
	// The typed address stays out of the log: whether it has an account is what the job hides.
	handler(passwordResetSendJob, async ({ data, em, log }) => {
		await sendRequestedPasswordReset(em, data);
		log.debug('password reset request handled');
	}),
	handler(portalLinkSendJob, async ({ data, em, log }) => {
		await sendRequestedPortalLinks(em, data);
		log.debug({ channel: data.channel }, 'portal link request handled');
	})
];
