// A new team starts with seed 004's escalation policy; the team page changes it.
import { redirect } from '@sveltejs/kit';
import { formAction, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions } from './$types';

function text(data: FormData, name: string): string {
	const value = data.get(name);
	return typeof value === 'string' ? value : '';
}

export const actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const input = {
			name: text(data, 'name'),
			description: text(data, 'description'),
			acceptsExternalCases: data.get('acceptsExternalCases') === 'on'
		};
		const result = await formAction(() => serverCaller(event).teams.create(input), input);
		if (isFailure(result)) return result;
		redirect(303, `/admin/teams/${result.id}?created=1`);
	}
} satisfies Actions;
