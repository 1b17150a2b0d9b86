// Every SMS and email Casebook sends, and what became of it. The purpose key makes sending
// idempotent: one message per purpose, however often a job is retried.
import { defineEntity, p } from '@mikro-orm/postgresql';

export const NOTIFICATION_CHANNELS = ['email', 'sms'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

export const NOTIFICATION_STATUSES = [
	'queued',
	'sending',
	'sent',
	'delivered',
	'failed',
	'undelivered'
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/**
 * How far a message has got. A provider's report (a Twilio status callback) is recorded only when
 * it moves the message further along this order; reports arrive out of order and repeated, so a
 * later one never undoes an earlier, further one:
 *
 *   queued < sending < sent < failed = undelivered < delivered
 *
 * So "failed" or "undelivered" never replaces "delivered" (the person has the message), neither
 * replaces the other, and "sent" replaces neither; a "delivered" after a failure report is recorded
 * (it reached the phone after all). The worker's own retry (sending back to queued after a
 * transient error) is not a provider report and does not go through this order.
 */
export const NOTIFICATION_STATUS_RANK: Record<NotificationStatus, number> = {
	queued: 0,
	sending: 1,
	sent: 2,
	failed: 3,
	undelivered: 3,
	delivered: 4
};

/** True when a provider's report of `next` moves a message now in `current` forward. */
export function isStatusForward(current: NotificationStatus, next: NotificationStatus): boolean {
	return NOTIFICATION_STATUS_RANK[next] > NOTIFICATION_STATUS_RANK[current];
}

/** A file sent with an email (e.g. a case summary PDF), stored with the message until it is sent. */
export interface NotificationAttachment {
	filename: string;
	contentType: string;
	contentBase64: string;
}

/** The message as it may be kept once it has left: the same text with its secrets hidden. */
export interface RedactedCopy {
	subject: string | null;
	body: string;
	html: string | null;
}

/** A file sent with an email (a confirmation's calendar entry): small, text, kept on the row. */
/** A file sent with an email: `content` is text (an .ics), or base64 bytes when `encoding` says so. */
export interface EmailAttachment {
	filename: string;
	contentType: string;
	content: string;
	encoding?: 'base64';
}

export const NOTIFICATION_TRANSPORTS = ['smtp', 'twilio', 'outbox'] as const;
export type NotificationTransport = (typeof NOTIFICATION_TRANSPORTS)[number];

const NotificationSchema = defineEntity({
	name: 'Notification',
	tableName: 'notification',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		channel: p.enum(NOTIFICATION_CHANNELS),
		recipient: p.string().length(320),
		purpose: p.string().length(300).unique(),
		subject: p.text().nullable(),
		body: p.text(),
		html: p.text().nullable(),
		/** Email only: files sent with it. */
		attachments: p.json<EmailAttachment[]>().nullable(),
		/**
		 * For a message that carries a secret (a one-time sign-in or password link): what replaces
		 * subject, body and html once a provider has taken it. Null when nothing in it is secret.
		 */
		redacted: p.json<RedactedCopy>().nullable(),
		/** When the live copy was replaced by the redacted one (the links are gone from here). */
		redactedAt: p.datetime().nullable(),
		relatedType: p.string().length(50).nullable(),
		relatedId: p.string().length(50).nullable(),
		status: p.enum(NOTIFICATION_STATUSES).default('queued'),
		transport: p.enum(NOTIFICATION_TRANSPORTS).nullable(),
		providerId: p.string().length(200).nullable().index(),
		error: p.text().nullable(),
		attempts: p.integer().default(0),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		sentAt: p.datetime().nullable(),
		deliveredAt: p.datetime().nullable(),
		failedAt: p.datetime().nullable()
	},
	indexes: [
		{ properties: ['relatedType', 'relatedId'] },
		{ properties: ['createdAt'] },
		{ properties: ['recipient', 'createdAt'] }
	]
});

export class Notification extends NotificationSchema.class {}
NotificationSchema.setClass(Notification);
export { NotificationSchema };
