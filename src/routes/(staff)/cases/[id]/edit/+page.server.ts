// Edit a case: the case form with the version it was loaded at, so a save over someone else's
// change is refused with a message instead of overwriting it.
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { caseFormValuesFrom } from '$lib/components/cases/case-form';
import { keepCurrentChoices, readCaseForm } from '$lib/server/web/case-form';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const CASE_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	const id = event.params.id;
	if (!CASE_ID.test(id)) error(404, 'Case not found');
	const caller = serverCaller(event);
	const [detail, options] = await Promise.all([
		caller.cases.get({ id }).catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Case not found');
			throw e;
		}),
		caller.cases.formOptions()
	]);
	return {
		detail: { id: detail.id, name: detail.name, version: detail.version, patient: detail.patient },
		values: caseFormValuesFrom(detail),
		options: keepCurrentChoices(options, detail)
	};
};

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		const { values, input, fieldErrors } = readCaseForm(data);
		const version = Number(field(data, 'version'));
		if (Object.keys(fieldErrors).length)
			return fail(400, { message: 'Some fields need attention', fieldErrors, values, isConflict: false });
		const result = await formAction(() =>
			serverCaller(event).cases.update({
				...input,
				id: event.params.id,
				version: Number.isSafeInteger(version) ? version : 0
			})
		);
		if (isFailure(result))
			return fail(result.status, {
				message: result.data.message,
				fieldErrors: result.data.fieldErrors,
				values,
				isConflict: result.status === 409
			});
		redirect(303, `/cases/${result.id}?saved=1`);
	}
} satisfies Actions;
