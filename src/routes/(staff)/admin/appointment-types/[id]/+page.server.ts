import { error, fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import {
	appointmentTypeFormValues,
	appointmentTypesCaller,
	readAppointmentTypeForm,
	serviceOptions
} from '../new/appointment-type-form.server';
import type { Actions, PageServerLoad } from './$types';

const RECORD_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!RECORD_ID.test(event.params.id)) error(404, 'Appointment type not found');
	const type = await appointmentTypesCaller(event)
		.get({ id: event.params.id })
		.catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Appointment type not found');
			throw e;
		});
	return {
		type,
		values: appointmentTypeFormValues(type),
		services: await serviceOptions(event, type.serviceIds)
	};
};

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		const { input, values } = readAppointmentTypeForm(data);
		const version = Number(field(data, 'version'));
		const result = await formAction(() =>
			appointmentTypesCaller(event).update({ ...input, id: event.params.id, version })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, values });
		return { saved: true };
	}
} satisfies Actions;
