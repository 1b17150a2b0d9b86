// One service: its name, colour and status, and the practitioners who provide it.
import { error, fail, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { field, fieldList, formAction, formValues, isChecked, isFailure } from '$lib/server/web/forms';
import { servicesRouter } from '$lib/server/services/services.router';
import { createCallerFactory } from '$lib/server/trpc/init';
import { createContextFromEvent } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

// The services router is not in the app router yet: call it on its own, with the same access checks.
const servicesCaller = (event: RequestEvent) =>
	createCallerFactory(servicesRouter)(createContextFromEvent(event));

const RECORD_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!RECORD_ID.test(event.params.id)) error(404, 'Service not found');
	const api = servicesCaller(event);
	const service = await api.get({ id: event.params.id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Service not found');
		throw e;
	});
	const candidates = await api.practitionerCandidates();
	return { service, candidates, isNew: event.url.searchParams.get('created') === '1' };
};

export const actions = {
	save: async (event) => {
		const data = await formValues(event.request);
		const values = {
			name: field(data, 'name'),
			colour: field(data, 'colour'),
			isActive: isChecked(data, 'isActive'),
			userIds: fieldList(data, 'userIds')
		};
		const api = servicesCaller(event);
		// Details first; the practitioners only once the details are valid, so a failure stores nothing new.
		const updated = await formAction(() =>
			api.update({
				id: event.params.id,
				version: Number(field(data, 'version')),
				name: values.name,
				colour: values.colour,
				isActive: values.isActive
			})
		);
		if (isFailure(updated)) return fail(updated.status, { ...updated.data, values });
		const linked = await formAction(() =>
			api.setPractitioners({ serviceId: event.params.id, userIds: values.userIds })
		);
		if (isFailure(linked)) return fail(linked.status, { ...linked.data, values, detailsSaved: true });
		return { saved: true };
	}
} satisfies Actions;
