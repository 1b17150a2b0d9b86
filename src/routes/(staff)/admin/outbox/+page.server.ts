import { z } from 'zod';
import { NOTIFICATION_CHANNELS, NOTIFICATION_STATUSES } from '$lib/server/notifications/notification.entity';
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

const query = z.object({
	channel: z.enum(NOTIFICATION_CHANNELS).optional().catch(undefined),
	status: z.enum(NOTIFICATION_STATUSES).optional().catch(undefined),
	q: z.string().trim().max(200).optional().catch(undefined),
	outbox: z.enum(['1']).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const result = await serverCaller(event).notifications.find({
		channel: params.channel,
		status: params.status,
		search: params.q || undefined,
		outboxOnly: params.outbox === '1',
		page: params.page
	});
	return { result, params };
};
