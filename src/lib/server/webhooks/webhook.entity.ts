// Signed outbound webhooks (issue 21): an admin's endpoint with the events it subscribes to and its
// signing secrets, one delivery of one event to one endpoint, and each attempt at a delivery.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { User } from '../auth/user.entity.ts';

const WebhookEndpointSchema = defineEntity({
	name: 'WebhookEndpoint',
	tableName: 'webhook_endpoint',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		url: p.string().length(2000),
		description: p.string().length(200).nullable(),
		events: p.array(),
		/**
		 * `whsec_<base64>`: kept in the clear because every delivery is signed with it (an HMAC key,
		 * not a password); shown to a person once, when made or rotated.
		 */
		secret: p.string().length(100),
		/** After a rotation, the old secret also signs until this time, so receivers can switch over. */
		previousSecret: p.string().length(100).nullable(),
		previousSecretExpiresAt: p.datetime().nullable(),
		isEnabled: p.boolean().default(true),
		disabledAt: p.datetime().nullable(),
		disabledReason: p.string().length(500).nullable(),
		/** The first failed attempt since the last success: 24 hours of failures disable the endpoint. */
		failingSince: p.datetime().nullable(),
		createdBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date())
	}
});
export class WebhookEndpoint extends WebhookEndpointSchema.class {}
WebhookEndpointSchema.setClass(WebhookEndpoint);

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const WebhookDeliverySchema = defineEntity({
	name: 'WebhookDelivery',
	tableName: 'webhook_delivery',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		endpoint: () => p.manyToOne(WebhookEndpoint).deleteRule('cascade'),
		/** The webhook-id header: the same for every attempt and a hand redelivery of the event. */
		messageId: p.string().length(64),
		eventType: p.string().length(60),
		/** The exact JSON body that is signed and sent. */
		payload: p.text(),
		status: p.enum(DELIVERY_STATUSES).default('pending'),
		attemptCount: p.integer().default(0),
		nextAttemptAt: p.datetime().nullable(),
		lastAttemptAt: p.datetime().nullable(),
		isManual: p.boolean().default(false),
		createdAt: p.datetime().onCreate(() => new Date())
	},
	indexes: [{ properties: ['endpoint', 'createdAt'] }]
});
export class WebhookDelivery extends WebhookDeliverySchema.class {}
WebhookDeliverySchema.setClass(WebhookDelivery);

const WebhookAttemptSchema = defineEntity({
	name: 'WebhookAttempt',
	tableName: 'webhook_attempt',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		delivery: () => p.manyToOne(WebhookDelivery).deleteRule('cascade'),
		/** 1, 2, … within the delivery; unique, so a retried job cannot log an attempt twice. */
		attempt: p.integer(),
		at: p.datetime(),
		statusCode: p.integer().nullable(),
		durationMs: p.integer(),
		responseExcerpt: p.string().length(1000).nullable(),
		/** Why there was no HTTP answer (timeout, refused connection…). */
		error: p.string().length(500).nullable(),
		succeeded: p.boolean()
	},
	uniques: [{ properties: ['delivery', 'attempt'] }]
});
export class WebhookAttempt extends WebhookAttemptSchema.class {}
WebhookAttemptSchema.setClass(WebhookAttempt);

export { WebhookEndpointSchema, WebhookDeliverySchema, WebhookAttemptSchema };
