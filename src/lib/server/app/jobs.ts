// Every job the product knows, each contract with its handler, in one list: the worker creates
// one queue per entry and works it; the web app and the CLI create the queues. Only app/ pairs
// features with the job machinery (jobs/ imports no feature).
import { handler, type JobHandler } from '../jobs/handler.ts';
import {
	appointmentRequestNotifyJob,
	reservationExpireJob
} from '../appointment-requests/appointment-request.jobs.ts';
import { notifyForRequest } from '../appointment-requests/appointment-requests.service.ts';
import { releaseExpiredReservation } from '../appointments/reservations.service.ts';
import { passwordResetSendJob } from '../auth/auth.jobs.ts';
import { sendRequestedPasswordReset } from '../auth/auth.service.ts';
import { caseWarningsJob } from '../cases/case.jobs.ts';
import { caseEscalateJob } from '../routing/routing.jobs.ts';
import { fallBackToEmail } from '../routing/paging.service.ts';
import { runEscalationStep } from '../routing/routing.service.ts';
import { sendCaseWarnings } from '../cases/case-warnings.ts';
import { notificationSend } from '../notifications/notification.jobs.ts';
import { sendNotification } from '../notifications/notifications.service.ts';
import { appointmentConfirmJob, reminderSendJob } from '../reminders/reminders.jobs.ts';
import { fallBackReminderToEmail, sendConfirmation, sendReminder } from '../reminders/reminders.service.ts';
import type { Em } from '../db/orm.ts';
import type { Notification } from '../notifications/notification.entity.ts';
import { portalLinkSendJob } from '../portal/portal-auth.jobs.ts';
import { sendRequestedPortalLinks } from '../portal/portal-auth.service.ts';
import { webhookDeliverJob } from '../webhooks/webhooks.jobs.ts';
import { deliverWebhook } from '../webhooks/webhooks.service.ts';

/**
 * An SMS that failed for good: a team page goes to the member by email, a patient's reminder to
 * the patient by email (each decides from the message's purpose; at most one applies).
 */
export async function onSmsFailed(tx: Em, notification: Notification): Promise<boolean> {
	return (await fallBackToEmail(tx, notification)) || (await fallBackReminderToEmail(tx, notification));
}

export const jobs: JobHandler[] = [
	handler(notificationSend, async ({ data, em, transports, isLastAttempt }) => {
		await sendNotification(em, {
			notificationId: data.notificationId,
			transports,
			isLastAttempt,
			// A page or reminder that could not be sent by SMS goes to the same person by email.
			onSmsFailed
		});
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
	handler(appointmentConfirmJob, async ({ data, em, log }) => {
		const outcome = await sendConfirmation(em, data);
		log.debug({ ...data, outcome }, 'appointment confirmation');
	}),
	handler(reminderSendJob, async ({ data, em, log }) => {
		const outcome = await sendReminder(em, data);
		log.debug({ ...data, outcome }, 'appointment reminder');
	}),
	handler(portalLinkSendJob, async ({ data, em, log }) => {
		await sendRequestedPortalLinks(em, data);
		log.debug({ channel: data.channel }, 'portal link request handled');
	}),
	handler(webhookDeliverJob, async ({ data, em, log }) => {
		const outcome = await deliverWebhook(em, data);
		log.info({ ...data, outcome }, 'webhook delivery attempt');
	})
];

/** The contracts alone, for creating the queues. */
export const jobContracts = jobs.map((j) => j.contract);
