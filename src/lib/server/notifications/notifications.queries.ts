// Reading the message log (the admin outbox page).
import type { FilterQuery } from '@mikro-orm/postgresql';
import type { Em } from '../db/orm.ts';
import { notFound } from '../errors.ts';
import { Notification } from './notification.entity.ts';
import type { findNotificationsInput } from './notifications.schemas.ts';
import type { z } from 'zod';
import { escapeLike } from '../db/like.ts';
import { getConfig, type Config } from '../config.ts';

/**
 * How each channel leaves (as `createTransports` decides): through its provider, or kept in the
 * outbox, which is then how messages are delivered (an admin passes them on).
 */
export function deliveryModes(config: Pick<Config, 'hasSmtp' | 'hasTwilio'>): {
	email: 'smtp' | 'outbox';
	sms: 'twilio' | 'outbox';
} {
	return { email: config.hasSmtp ? 'smtp' : 'outbox', sms: config.hasTwilio ? 'twilio' : 'outbox' };
}

export async function findNotifications(em: Em, input: z.output<typeof findNotificationsInput>) {
	const where: FilterQuery<Notification> = {};
	if (input.channel) where.channel = input.channel;
	if (input.status) where.status = input.status;
	if (input.outboxOnly) where.transport = 'outbox';
	if (input.search) {
		const like = `%${escapeLike(input.search)}%`;
		where.$or = [{ recipient: { $ilike: like } }, { subject: { $ilike: like } }, { body: { $ilike: like } }];
	}
	const [items, total] = await em.findAndCount(Notification, where, {
		orderBy: { createdAt: 'desc', id: 'desc' },
		limit: input.perPage,
		offset: (input.page - 1) * input.perPage
	});
	return {
		items: items.map(toNotificationView),
		total,
		page: input.page,
		perPage: input.perPage,
		pageCount: Math.max(1, Math.ceil(total / input.perPage)),
		/** Whether each channel has a provider; without one the outbox is how messages are delivered. */
		delivery: deliveryModes(getConfig())
	};
}

export async function getNotification(em: Em, id: string) {
	const notification = await em.findOne(Notification, { id });
	if (!notification) throw notFound('Message');
	return toNotificationView(notification);
}

export type NotificationView = ReturnType<typeof toNotificationView>;

/** A plain object (entities are class instances, which pages and superjson should not carry). */
function toNotificationView(n: Notification) {
	return {
		id: n.id,
		channel: n.channel,
		recipient: n.recipient,
		purpose: n.purpose,
		subject: n.subject ?? null,
		body: n.body,
		relatedType: n.relatedType ?? null,
		relatedId: n.relatedId ?? null,
		status: n.status,
		transport: n.transport ?? null,
		providerId: n.providerId ?? null,
		error: n.error ?? null,
		attempts: n.attempts,
		createdAt: n.createdAt,
		sentAt: n.sentAt ?? null,
		deliveredAt: n.deliveredAt ?? null,
		failedAt: n.failedAt ?? null,
		/** The one-time links in it were hidden once a provider had it. */
		redactedAt: n.redactedAt ?? null
	};
}
