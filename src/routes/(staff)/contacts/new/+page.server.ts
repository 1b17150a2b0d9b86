import { fail, redirect } from '@sveltejs/kit';
import { formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { emptyContactFormValues, readContactForm } from './contact-form';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ values: emptyContactFormValues() });

export const actions = {
	default: async (event) => {
		const { input, values } = readContactForm(await formValues(event.request));
		const result = await formAction(() => serverCaller(event).contacts.create(input));
		if (isFailure(result)) return fail(result.status, { ...result.data, values });
		redirect(303, `/contacts/${result.id}?created=1`);
	}
} satisfies Actions;
