// Queueing and sending notifications. The web app and job handlers queue; only the worker sends.
import { z } from 'zod';
import { e164 } from '../../schemas/phone.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { enqueue } from '../jobs/boss.ts';
import { logger } from '../logger.ts';
import {
	Notification,
	type EmailAttachment,
	type NotificationChannel,
	type NotificationTransport,
	type RedactedCopy
} from './notification.entity.ts';
import { notificationSend } from './notification.jobs.ts';
import { PermanentSendError, type Transports } from './transports.ts';

const queueInput = z.discriminatedUnion('channel', [
	z.object({
		channel: z.literal('email'),
		recipient: z.email(),
		subject: z.string().min(1).max(300)
	}),
	z.object({ channel: z.literal('sms'), recipient: e164, subject: z.null().optional() })
]);

export interface QueueNotificationInput {
	channel: NotificationChannel;
	recipient: string;
	/** Unique for what this message is about: the same purpose is never sent twice. */
	purpose: string;
	subject?: string | null;
	body: string;
	html?: string | null;
	/** Email only: files sent with it (a calendar entry, a case summary PDF). */
	attachments?: EmailAttachment[];
	related?: { type: string; id: string };
	/** Delay sending until this time (e.g. an SMS fallback window). */
	sendAfter?: Date;
	/**
	 * Parts of the subject, body or html that are secrets (a one-time link, a code): once a provider
	 * has taken the message, the stored copy shows "[link hidden]" instead. Links to Casebook that
	 * carry a token are found without being named here (see `oneTimeLinksIn`).
	 */
	secrets?: string[];
}

export const HIDDEN_LINK = '[link hidden]';

/**
 * Links to this Casebook that carry a random token (32 or more URL-safe characters, as
 * `newToken()` makes): password, sign-in and reservation links. Whoever holds one can use it, so
 * it must not outlive its delivery in our own tables (or their backups).
 */
export function oneTimeLinksIn(text: string | null | undefined, origin = getConfig().ORIGIN): string[] {
	if (!text) return [];
	const escaped = origin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
	const pattern = new RegExp(`${escaped}/[^\\s<>"']*?[A-Za-z0-9_%-]{32,}[^\\s<>"']*`, 'g');
	return text.match(pattern) ?? [];
}

/** The copy to keep once sent, or null when the message carries no secret. */
export function redactedCopyOf(
	message: { subject: string | null; body: string; html: string | null },
	explicit: string[] = []
): RedactedCopy | null {
	const secrets = [
		...explicit.filter((s) => s.length > 0),
		...oneTimeLinksIn(message.subject),
		...oneTimeLinksIn(message.body),
		...oneTimeLinksIn(message.html)
	]
		// Longest first, so a secret that contains another is hidden whole.
		.sort((a, b) => b.length - a.length);
	if (!secrets.length) return null;
	const hide = (text: string) => secrets.reduce((out, secret) => out.replaceAll(secret, HIDDEN_LINK), text);
	const copy = {
		subject: message.subject === null ? null : hide(message.subject),
		body: hide(message.body),
		html: message.html === null ? null : hide(message.html)
	};
	return copy.subject === message.subject && copy.body === message.body && copy.html === message.html
		? null
		: copy;
}

/**
 * Stores a notification and enqueues its sending, in the caller's transaction. Returns the
 * existing notification when this purpose was already queued (so retries never send twice).
 */
export async function queueNotification(
	em: Em,
	input: QueueNotificationInput
): Promise<{ notification: Notification; isNew: boolean }> {
	const checked = queueInput.parse(input);
	const existing = await em.findOne(Notification, { purpose: input.purpose });
	if (existing) return { notification: existing, isNew: false };
	const message = { subject: input.subject ?? null, body: input.body, html: input.html ?? null };
	const notification = em.create(Notification, {
		channel: checked.channel,
		recipient: checked.recipient,
		purpose: input.purpose,
		...message,
		// The live text stays until the worker has handed it over (it must send it, maybe after retries).
		redacted: redactedCopyOf(message, input.secrets),
		attachments: checked.channel === 'email' && input.attachments?.length ? input.attachments : null,
		relatedType: input.related?.type ?? null,
		relatedId: input.related?.id ?? null
	});
	await em.flush();
	await enqueue(
		em,
		notificationSend,
		{ notificationId: notification.id },
		input.sendAfter ? { startAfter: input.sendAfter } : {}
	);
	return { notification, isNew: true };
}

const FINISHED = new Set(['sent', 'delivered', 'failed', 'undelivered']);

/**
 * Once a provider has taken the message (or refused it for good), the stored copy loses its
 * secrets: the recipient has the live link, nobody else needs it. In outbox mode the outbox IS the
 * delivery channel (an admin passes the link on), so the live text stays there.
 */
function hideSecrets(notification: Notification, transport: NotificationTransport, now: Date): void {
	if (transport === 'outbox' || !notification.redacted) return;
	notification.subject = notification.redacted.subject;
	notification.body = notification.redacted.body;
	notification.html = notification.redacted.html;
	notification.redacted = null;
	notification.redactedAt = now;
}

/**
 * Sends one notification through its channel's transport, or to the outbox when none is
 * configured. Safe to retry: a finished notification is left alone. A transient error is
 * recorded and re-thrown so that the job retries; a permanent one fails the notification at once.
 */
export async function sendNotification(
	em: Em,
	options: {
		notificationId: string;
		transports: Transports;
		isLastAttempt: boolean;
		/**
		 * What to do, in the transaction that records it, when an SMS has failed for good: the
		 * caller decides (app/jobs.ts sends a team page by email instead). Notifications know no
		 * feature.
		 */
		onSmsFailed?: (tx: Em, notification: Notification) => Promise<unknown>;
	}
): Promise<Notification | null> {
	const notification = await em.findOne(Notification, { id: options.notificationId });
	if (!notification || FINISHED.has(notification.status)) return notification;

	const send =
		notification.channel === 'email'
			? options.transports.email &&
				((n: Notification) =>
					options.transports.email!({
						to: n.recipient,
						subject: n.subject ?? 'Casebook',
						text: n.body,
						html: n.html,
						attachments: n.attachments
					}))
			: options.transports.sms &&
				((n: Notification) => options.transports.sms!({ to: n.recipient, body: n.body }));
	const transport: NotificationTransport = send
		? notification.channel === 'email'
			? 'smtp'
			: 'twilio'
		: 'outbox';

	// Recorded before the provider call: a crash after the provider accepted the message but before
	// we commit leaves `sending`, and the retry sends again (a possible duplicate, never a loss).
	notification.status = 'sending';
	notification.attempts += 1;
	notification.transport = transport;
	await em.flush();

	try {
		const result = send ? await send(notification) : { providerId: `outbox-${notification.id}` };
		notification.status = 'sent';
		notification.providerId = result.providerId;
		notification.sentAt = new Date();
		notification.error = null;
		hideSecrets(notification, transport, notification.sentAt);
		await em.flush();
		return notification;
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		const permanent = error instanceof PermanentSendError;
		notification.error = message.slice(0, 2000);
		if (permanent || options.isLastAttempt) {
			// Failed, and (for an SMS page) its email fallback queued, in one transaction.
			notification.status = 'failed';
			notification.failedAt = new Date();
			await em.transactional(async (tx) => {
				await tx.nativeUpdate(
					Notification,
					{ id: notification.id },
					{ status: 'failed', failedAt: notification.failedAt, error: notification.error }
				);
				if (notification.channel === 'sms') await options.onSmsFailed?.(tx, notification);
			});
			// After the fallback, which hands the same text to the same person by email.
			hideSecrets(notification, transport, notification.failedAt);
			await em.flush();
			logger.warn({ notificationId: notification.id, error: message }, 'notification failed');
			return notification;
		}
		notification.status = 'queued';
		await em.flush();
		throw error;
	}
}
