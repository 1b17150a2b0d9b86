// Every job the product knows. The worker creates one queue per contract at start.
import {
	appointmentRequestNotifyJob,
	reservationExpireJob
} from '../appointment-requests/appointment-request.jobs.ts';
import { passwordResetSendJob } from '../auth/auth.jobs.ts';
import { caseEscalateJob, caseWarningsJob } from '../cases/case.jobs.ts';
import { notificationSend } from '../notifications/notification.jobs.ts';
import { portalLinkSendJob } from '../portal/portal-auth.jobs.ts';
import type { JobContract } from './contract.ts';

export const jobContracts: JobContract[] = [
	notificationSend,
	caseWarningsJob,
	caseEscalateJob,
	appointmentRequestNotifyJob,
	reservationExpireJob,
	passwordResetSendJob,
	portalLinkSendJob
];
