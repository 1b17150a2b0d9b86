// What Twilio posts back: delivery statuses of our SMS (/webhooks/twilio/status) and replies to
// them (/webhooks/twilio/sms). Both are verified with X-Twilio-Signature against the public URL
// before anything is read; a reply "1" or "ACK" from a member's mobile acknowledges the case they
// were last paged for.
import { LockMode } from '@mikro-orm/postgresql';
import twilio from 'twilio';
import { z } from 'zod';
import { User } from '../auth/user.entity.ts';
import { parsePagePurpose, fallBackToEmail, PAGE_PREFIX } from './paging.service.ts';
import { acknowledgeCaseBySms } from './routing.service.ts';
import type { Config } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { logger } from '../logger.ts';
import { isStatusForward, Notification } from '../notifications/notification.entity.ts';

/** True when `signature` is Twilio's HMAC of `url` and `params` with our auth token. */
export function isTwilioSignatureValid(
	config: Pick<Config, 'TWILIO_AUTH_TOKEN'>,
	signature: string | null,
	url: string,
	params: Record<string, string>
): boolean {
	if (!config.TWILIO_AUTH_TOKEN || !signature) return false;
	return twilio.validateRequest(config.TWILIO_AUTH_TOKEN, signature, url, params);
}

const statusParams = z.object({
	MessageSid: z.string().min(1).max(64),
	MessageStatus: z.string().min(1).max(32),
	ErrorCode: z.string().max(10).optional()
});

const STATUS_MAP: Record<string, Notification['status'] | undefined> = {
	sent: 'sent',
	delivered: 'delivered',
	failed: 'failed',
	undelivered: 'undelivered'
};

/**
 * Records a delivery status when it moves the message forward (the order and why:
 * NOTIFICATION_STATUS_RANK); a repeated or earlier report changes nothing. A page that Twilio now
 * reports failed or undelivered falls back to email, unless its case no longer needs anyone
 * (`fallBackToEmail` decides).
 */
export async function handleStatusCallback(
	em: Em,
	raw: Record<string, string>,
	now = new Date(),
	/** What a failed SMS falls back to (app/jobs.ts adds patients' reminders to team pages). */
	onSmsFailed: (tx: Em, notification: Notification) => Promise<unknown> = fallBackToEmail
): Promise<'ok' | 'ignored'> {
	const parsed = statusParams.safeParse(raw);
	if (!parsed.success) return 'ignored';
	const status = STATUS_MAP[parsed.data.MessageStatus];
	if (!status) return 'ignored';
	return em.transactional(async (tx) => {
		const notification = await tx.findOne(
			Notification,
			{ providerId: parsed.data.MessageSid },
			{ refresh: true, lockMode: LockMode.PESSIMISTIC_WRITE }
		);
		if (!notification) return 'ignored';
		if (!isStatusForward(notification.status, status)) {
			logger.info(
				{ notificationId: notification.id, current: notification.status, reported: status },
				'Twilio status out of order or repeated: kept the current one'
			);
			return 'ok';
		}
		notification.status = status;
		if (status === 'delivered') notification.deliveredAt = now;
		if (status === 'failed' || status === 'undelivered') {
			notification.failedAt = now;
			notification.error = parsed.data.ErrorCode
				? `Twilio error ${parsed.data.ErrorCode}`
				: `Twilio reported ${status}`;
		}
		await tx.flush();
		if (status === 'failed' || status === 'undelivered') await onSmsFailed(tx, notification);
		return 'ok';
	});
}

const inboundParams = z.object({
	From: z.string().min(1).max(32),
	Body: z.string().max(1600).default('')
});

const ACK_WORDS = new Set(['1', 'ACK', 'ACKNOWLEDGE', 'OK']);

/** Handles a reply and returns the text to answer with (always polite, never revealing details). */
export async function handleInboundSms(
	em: Em,
	raw: Record<string, string>,
	now = new Date(),
	/**
	 * A message from a number that is no team member's (a patient replying to a reminder): the
	 * answer, or null when nobody knows the number. Passed in by app/inbound-sms.ts (routing
	 * knows no reminders).
	 */
	fromSomeoneElse?: (em: Em, message: { from: string; body: string }, now: Date) => Promise<string | null>
): Promise<string> {
	const parsed = inboundParams.safeParse(raw);
	if (!parsed.success) return 'Sorry, we could not read that message.';
	const from = parsed.data.From.trim();
	const word = parsed.data.Body.trim()
		.toUpperCase()
		.replace(/[.!]+$/, '');
	const users = await em.find(User, { mobile: from, kind: 'staff', isActive: true });
	if (!users.length) {
		const answer = await fromSomeoneElse?.(em, { from, body: parsed.data.Body }, now);
		return answer ?? 'This number is not registered with Casebook, so we cannot act on your reply.';
	}
	if (!ACK_WORDS.has(word)) return 'Reply 1 to acknowledge the case you were last paged for.';
	// The most recent page to this number names the case and the person paged.
	const [page] = await em.find(
		Notification,
		{ recipient: from, channel: 'sms', purpose: { $like: `${PAGE_PREFIX}%` } },
		{ orderBy: { createdAt: 'desc', id: 'desc' }, limit: 1 }
	);
	const key = page ? parsePagePurpose(page.purpose) : null;
	if (!key || !users.some((u) => u.id === key.userId))
		return 'You have no case waiting for you to acknowledge.';
	const result = await acknowledgeCaseBySms(em, key.userId, key.caseId, now);
	logger.info({ caseId: key.caseId, userId: key.userId, outcome: result.outcome }, 'SMS acknowledgement');
	switch (result.outcome) {
		case 'acknowledged':
			return `Thank you. You have acknowledged "${truncate(result.subject, 60)}".`;
		case 'already':
			return `"${truncate(result.subject, 60)}" was already acknowledged by ${result.by}.`;
		case 'closed':
			return `"${truncate(result.subject, 60)}" is already closed.`;
		default:
			return 'You have no case waiting for you to acknowledge.';
	}
}

function truncate(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** TwiML answering an inbound SMS with one message. */
export function twimlMessage(text: string): string {
	const escaped = text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
	return `<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escaped}</Message></Response>`;
}
