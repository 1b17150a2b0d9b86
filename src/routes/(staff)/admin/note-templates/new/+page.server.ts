// Admin → Note templates → new: the builder; saving creates version 1.
import { fail, redirect } from '@sveltejs/kit';
import { formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { readPayload } from '../payload.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	return { options: await serverCaller(event).admin.noteTemplates.formOptions() };
};

export const actions = {
	default: async (event) => {
		const payload = readPayload(await formValues(event.request));
		const result = await formAction(() => serverCaller(event).admin.noteTemplates.create(payload as never));
		if (isFailure(result)) return fail(result.status, { ...result.data, payload });
		redirect(303, `/admin/note-templates/${result.id}?created=1`);
	}
} satisfies Actions;
