import { z } from 'zod';
import { NOTIFICATION_CHANNELS, NOTIFICATION_STATUSES } from './notification.entity.ts';

export const findNotificationsInput = z.object({
	channel: z.enum(NOTIFICATION_CHANNELS).optional(),
	status: z.enum(NOTIFICATION_STATUSES).optional(),
	outboxOnly: z.boolean().default(false),
	search: z.string().trim().max(200).optional(),
	page: z.number().int().min(1).max(10_000).default(1),
	perPage: z.number().int().min(1).max(100).default(25)
});
export type FindNotificationsInput = z.input<typeof findNotificationsInput>;

export const getNotificationInput = z.object({ id: z.string().regex(/^\d{1,18}$/, 'Not a notification id') });
