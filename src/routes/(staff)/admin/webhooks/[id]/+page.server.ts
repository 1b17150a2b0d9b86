// One webhook endpoint (issue 21): edit its URL, events and whether it is enabled; rotate its secret
// (the new one shown once; the old one still signs for 24 hours); delete it; read its delivery log
// (every attempt: status, duration, the start of the answer) and redeliver from it.
import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { field, fieldList, formAction, formValues, isChecked, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { CreateWebhookEndpointInput } from '$lib/schemas/webhooks';
import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';

const query = z.object({ page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1) });

export const load: PageServerLoad = async (event) => {
	const { page } = query.parse(Object.fromEntries(event.url.searchParams));
	return await serverCaller(event).webhooks.get({ id: event.params.id, page });
};

export const actions = {
	update: async (event) => {
		const data = await formValues(event.request);
		const values = {
			id: event.params.id,
			url: field(data, 'url'),
			description: field(data, 'description'),
			events: fieldList(data, 'events[]') as CreateWebhookEndpointInput['events'],
			isEnabled: isChecked(data, 'isEnabled')
		};
		const result = await formAction(() => serverCaller(event).webhooks.update(values), values);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'update' as const });
		return { intent: 'update' as const, saved: true };
	},
	rotate: async (event) => {
		const result = await formAction(() => serverCaller(event).webhooks.rotateSecret({ id: event.params.id }));
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'rotate' as const });
		return { intent: 'rotate' as const, secret: result.secret };
	},
	delete: async (event) => {
		const result = await formAction(() => serverCaller(event).webhooks.delete({ id: event.params.id }));
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'delete' as const });
		redirect(303, '/admin/webhooks');
	},
	redeliver: async (event) => {
		const deliveryId = field(await formValues(event.request), 'deliveryId');
		const result = await formAction(() => serverCaller(event).webhooks.redeliver({ deliveryId }));
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'redeliver' as const });
		return { intent: 'redeliver' as const, redelivered: result.id };
	}
} satisfies Actions;
