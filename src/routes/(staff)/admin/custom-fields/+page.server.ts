// The clinic's patient custom fields, read and saved through the `customFields` procedures.
import { fail } from '@sveltejs/kit';
import { field, formAction, formValues, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { inferRouterInputs } from '@trpc/server';
import type { AppRouter } from '$lib/server/app/router';
import type { Actions, PageServerLoad } from './$types';

type UpdateInput = inferRouterInputs<AppRouter>['customFields']['update'];

export const load: PageServerLoad = async (event) => {
	return { custom: await serverCaller(event).customFields.get() };
};

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		let definition: unknown;
		try {
			definition = JSON.parse(field(data, 'definition'));
		} catch {
			// Only a broken or hand-made post gets here: the page always sends JSON.
			const failure: FormFailure = {
				message: 'The form arrived incomplete. Reload the page and try again.',
				fieldErrors: {}
			};
			return fail(400, { ...failure, conflict: false });
		}
		const version = Number(field(data, 'version'));
		const result = await formAction(() =>
			// Whatever arrived: the procedure's input schema checks it, field by field.
			serverCaller(event).customFields.update({ definition, version } as UpdateInput)
		);
		if (isFailure(result)) {
			// A conflict gets its own way out on the page: load the newer definition.
			return fail(result.status, { ...result.data, conflict: result.status === 409 });
		}
		return { saved: true };
	}
} satisfies Actions;
