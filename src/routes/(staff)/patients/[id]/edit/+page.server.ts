// Editing a patient. The form carries the version it was loaded at: if someone else saved first,
// the save is refused (CONFLICT) and the person is offered the latest version instead.
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getConfig } from '$lib/server/config';
import { formAction, formValues, isFailure } from '$lib/server/web/forms';
import {
	loadPatientFormOptions,
	patientFormFailure,
	patientFormValues,
	readPatientForm
} from '$lib/server/web/patient-form';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const PATIENT_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!PATIENT_ID.test(event.params.id)) error(404, 'Patient not found');
	const caller = serverCaller(event);
	const patient = await caller.patients.get({ id: event.params.id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Patient not found');
		throw e;
	});
	const { definition } = await caller.customFields.get();
	return {
		patient: {
			id: patient.id,
			firstName: patient.firstName,
			lastName: patient.lastName,
			version: patient.version,
			isArchived: patient.archivedAt !== null
		},
		values: patientFormValues(patient, getConfig().CASEBOOK_DEFAULT_COUNTRY),
		options: await loadPatientFormOptions(caller, definition, patient)
	};
};

export const actions = {
	default: async (event) => {
		const read = readPatientForm(await formValues(event.request), 'update');
		const loadDefinition = serverCaller(event).customFields.get;
		if (Object.keys(read.fieldErrors).length) {
			const failure = { status: 400, message: 'Some fields need attention', fieldErrors: read.fieldErrors };
			return fail(400, { ...(await patientFormFailure(loadDefinition, read, failure)), isConflict: false });
		}
		const result = await formAction(() =>
			serverCaller(event).patients.update({ ...read.input, id: event.params.id, version: read.version ?? 0 })
		);
		if (isFailure(result)) {
			return fail(result.status, {
				...(await patientFormFailure(loadDefinition, read, { status: result.status, ...result.data })),
				isConflict: result.status === 409
			});
		}
		redirect(303, `/patients/${event.params.id}?saved=1`);
	}
} satisfies Actions;
