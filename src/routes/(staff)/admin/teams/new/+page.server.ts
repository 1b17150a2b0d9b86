// A new team starts with seed 004's escalation policy; the team page changes it.
import { redirect } from '@sveltejs/kit';
import { field, formAction, formValues, isChecked, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions } from './$types';

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		const input = {
			name: field(data, 'name'),
			description: field(data, 'description'),
			acceptsExternalCases: isChecked(data, 'acceptsExternalCases')
		};
		const result = await formAction(() => serverCaller(event).teams.create(input), input);
		if (isFailure(result)) return result;
		redirect(303, `/admin/teams/${result.id}?created=1`);
	}
} satisfies Actions;
