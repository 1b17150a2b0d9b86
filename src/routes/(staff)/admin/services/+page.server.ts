// Services the clinic offers: searched by the URL, with an add form on the same page.
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { servicesRouter } from '$lib/server/services/services.router';
import { createCallerFactory } from '$lib/server/trpc/init';
import { createContextFromEvent } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

// The services router is not in the app router yet: call it on its own, with the same access checks.
const servicesCaller = (event: RequestEvent) =>
	createCallerFactory(servicesRouter)(createContextFromEvent(event));

const query = z.object({
	q: z.string().trim().max(200).optional().catch(undefined),
	inactive: z.literal('1').optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const result = await servicesCaller(event).find({
		search: params.q || undefined,
		includeInactive: params.inactive === '1'
	});
	return { result, params };
};

export const actions = {
	create: async (event) => {
		const data = await formValues(event.request);
		const values = { name: field(data, 'name'), colour: field(data, 'colour') || '#0f766e' };
		const result = await formAction(() => servicesCaller(event).create(values));
		if (isFailure(result)) return fail(result.status, { ...result.data, values });
		redirect(303, `/admin/services/${result.id}?created=1`);
	}
} satisfies Actions;
