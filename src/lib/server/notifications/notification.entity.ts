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
