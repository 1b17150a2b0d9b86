// A new patient. The first save stops at likely duplicates and lists them; the person can then
// save anyway (the form posts allowDuplicates=on), so nobody is blocked by a false match.
import { fail, redirect } from '@sveltejs/kit';
import { addCustomFieldErrors } from '$lib/server/patients/custom-fields.rules';
import { formAction, isFailure } from '$lib/server/web/forms';
import {
	duplicatesOf,
	emptyPatientFormValues,
	loadPatientFormOptions,
	readPatientForm
} from '$lib/server/web/patient-form';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = serverCaller(event);
	const { definition } = await caller.customFields.get();
	return {
		options: await loadPatientFormOptions(caller, definition),
		values: emptyPatientFormValues()
	};
};

export const actions = {
	default: async (event) => {
		const read = readPatientForm(await event.request.formData(), 'create');
		if (Object.keys(read.fieldErrors).length) {
			return fail(400, {
				message: 'Some fields need attention',
				fieldErrors: await addCustomFieldErrors(
					serverCaller(event).customFields.get,
					read.input.customFields,
					read.fieldErrors
				),
				values: read.values,
				duplicates: null
			});
		}
		const result = await formAction(() => serverCaller(event).patients.create(read.input));
		if (isFailure(result)) {
			return fail(result.status, {
				message: result.data.message,
				fieldErrors:
					result.status === 400
						? await addCustomFieldErrors(
								serverCaller(event).customFields.get,
								read.input.customFields,
								result.data.fieldErrors
							)
						: result.data.fieldErrors,
				values: read.values,
				duplicates: result.status === 409 ? duplicatesOf(result.data.details) : null
			});
		}
		redirect(303, `/patients/${result.id}?created=1`);
	}
} satisfies Actions;
