// Admin → Webhooks (issue 21): the endpoints that receive signed events, and adding one. A new
// endpoint's secret comes back once, in the create action's result, and is never shown again.
import { fail } from '@sveltejs/kit';
import { field, fieldList, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { CreateWebhookEndpointInput } from '$lib/schemas/webhooks';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	return { endpoints: await serverCaller(event).webhooks.find() };
};

export const actions = {
	create: async (event) => {
		const data = await formValues(event.request);
		const values = {
			url: field(data, 'url'),
			description: field(data, 'description'),
			// Checked against the event list by the procedure's input schema.
			events: fieldList(data, 'events[]') as CreateWebhookEndpointInput['events']
		};
		const result = await formAction(() => serverCaller(event).webhooks.create(values), values);
		if (isFailure(result)) return fail(result.status, { ...result.data, values });
		return { created: { id: result.endpoint.id, url: result.endpoint.url, secret: result.secret } };
	}
} satisfies Actions;
