import { fail, redirect } from '@sveltejs/kit';
import { formAction, formValues, isFailure } from '$lib/server/web/forms';
import {
	appointmentTypesCaller,
	emptyAppointmentTypeFormValues,
	readAppointmentTypeForm,
	serviceOptions
} from './appointment-type-form.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => ({
	values: emptyAppointmentTypeFormValues(),
	services: await serviceOptions(event)
});

export const actions = {
	default: async (event) => {
		const { input, values } = readAppointmentTypeForm(await formValues(event.request));
		const result = await formAction(() => appointmentTypesCaller(event).create(input));
		if (isFailure(result)) return fail(result.status, { ...result.data, values });
		redirect(303, `/admin/appointment-types?created=${result.id}`);
	}
} satisfies Actions;
