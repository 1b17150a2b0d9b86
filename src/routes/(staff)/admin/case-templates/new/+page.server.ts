import { fail, redirect } from '@sveltejs/kit';
import { formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';
import { errorsByType, readTemplateForm } from './form-data';

export const load: PageServerLoad = async (event) => {
	return { options: await serverCaller(event).admin.caseTemplates.formOptions() };
};

export const actions = {
	default: async (event) => {
		const { values, input, allowedIds } = readTemplateForm(await formValues(event.request));
		const result = await formAction(() => serverCaller(event).admin.caseTemplates.create(input));
		if (isFailure(result)) {
			return fail(result.status, {
				...result.data,
				fieldErrors: errorsByType(result.data.fieldErrors, allowedIds),
				typed: values
			});
		}
		redirect(303, `/admin/case-templates/${result.id}?created=1`);
	}
} satisfies Actions;
