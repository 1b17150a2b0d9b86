// A new patient. The first save stops at likely duplicates and lists them; the person can then
// save anyway (the form posts allowDuplicates=on), so nobody is blocked by a false match.
import { fail, redirect } from '@sveltejs/kit';
import { formAction, formValues, isFailure } from '$lib/server/web/forms';
import {
	duplicatesOf,
	emptyPatientFormValues,
	loadPatientFormOptions,
	patientFormFailure,
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
		const read = readPatientForm(await formValues(event.request), 'create');
		const loadDefinition = serverCaller(event).customFields.get;
		if (Object.keys(read.fieldErrors).length) {
			const failure = { status: 400, message: 'Some fields need attention', fieldErrors: read.fieldErrors };
			return fail(400, { ...(await patientFormFailure(loadDefinition, read, failure)), duplicates: null });
		}
		const result = await formAction(() => serverCaller(event).patients.create(read.input));
		if (isFailure(result)) {
			return fail(result.status, {
				...(await patientFormFailure(loadDefinition, read, { status: result.status, ...result.data })),
				duplicates: result.status === 409 ? duplicatesOf(result.data.details) : null
			});
		}
		redirect(303, `/patients/${result.id}?created=1`);
	}
} satisfies Actions;
