// A new case for a patient (Cliniko's "Cases → New case" on the patient record).
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { emptyCaseFormValues } from '$lib/components/cases/case-form';
import { readCaseForm } from '$lib/server/web/case-form';
import { getConfig } from '$lib/server/config';
import { formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { todayIn } from '$lib/time';
import type { Actions, PageServerLoad } from './$types';

const PATIENT_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!PATIENT_ID.test(event.params.id)) error(404, 'Patient not found');
	const caller = serverCaller(event);
	const [patient, options] = await Promise.all([
		caller.patients.get({ id: event.params.id }).catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Patient not found');
			throw e;
		}),
		caller.cases.formOptions()
	]);
	return {
		patient: {
			id: patient.id,
			name: `${patient.preferredFirstName || patient.firstName} ${patient.lastName}`,
			isArchived: Boolean(patient.archivedAt)
		},
		options,
		values: emptyCaseFormValues(todayIn(getConfig().CASEBOOK_TIME_ZONE))
	};
};

export const actions = {
	default: async (event) => {
		const { values, input, fieldErrors } = readCaseForm(await formValues(event.request));
		if (Object.keys(fieldErrors).length)
			return fail(400, { message: 'Some fields need attention', fieldErrors, values });
		const result = await formAction(() =>
			serverCaller(event).cases.create({ ...input, patientId: event.params.id })
		);
		if (isFailure(result))
			return fail(result.status, {
				message: result.data.message,
				fieldErrors: result.data.fieldErrors,
				values
			});
		redirect(303, `/cases/${result.id}?created=1`);
	}
} satisfies Actions;
