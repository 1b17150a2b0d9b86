// Booking an appointment. `?start=YYYY-MM-DDTHH:mm&practitioner=<id>` comes from a calendar slot,
// `?patientId=` from a patient's page, `?patientId=&caseId=` from a case's page (that case chosen). A new case that shares a body part with one of the patient's
// open cases stops at a question (seed 002): add to that case, or create a separate one. Both
// answers post the whole form again, so nothing typed is lost.
import { fail, redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { createAppointmentInput } from '$lib/schemas/appointment';
import { recordId } from '$lib/schemas/patient';
import { getConfig } from '$lib/server/config';
import { zodFieldErrors } from '$lib/server/errors';
import { formAction, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { nextQuarterHour, parseLocalDateTime } from '../calendar';
import { emptyBookingFormValues, type MatchingCase } from './booking-form';
import {
	mapBookingErrors,
	mergeBookingErrors,
	patientContext,
	questionAfter,
	readBookingForm,
	type BookingErrors
} from './booking-form.server';
import type { Actions, PageServerLoad } from './$types';

const query = z.object({
	start: z.string().optional().catch(undefined),
	practitioner: recordId.optional().catch(undefined),
	patientId: recordId.optional().catch(undefined),
	caseId: recordId.optional().catch(undefined),
	type: recordId.optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const timeZone = getConfig().CASEBOOK_TIME_ZONE;
	const caller = serverCaller(event);
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const [options, caseOptions, context] = await Promise.all([
		caller.appointments.formOptions(),
		caller.cases.formOptions(),
		patientContext(caller, params.patientId ?? '')
	]);
	const start = parseLocalDateTime(params.start) ?? nextQuarterHour(new Date(), timeZone);
	const type = options.appointmentTypes.find((t) => t.id === params.type);
	const practitioner = options.practitioners.find((p) => p.id === params.practitioner);
	// From a case's page: that case, unless it cannot take the appointment (then the page says why).
	const fromCase = context.openCases.find((c) => c.id === params.caseId);
	return {
		options,
		caseOptions,
		patient: context.patient,
		openCases: context.openCases,
		fullCase: fromCase?.fullMessage
			? { id: fromCase.id, name: fromCase.name, message: fromCase.fullMessage }
			: null,
		values: emptyBookingFormValues({
			caseMode: fromCase ? 'existing' : 'none',
			caseId: fromCase && !fromCase.isFull ? fromCase.id : '',
			patientId: context.patient?.id ?? '',
			patientName: context.patient?.name ?? '',
			appointmentTypeId: type?.id ?? '',
			practitionerId: practitioner?.id ?? '',
			date: start.date,
			time: start.time,
			durationMinutes: type ? String(type.durationMinutes) : ''
		})
	};
};

export const actions = {
	default: async (event) => {
		const caller = serverCaller(event);
		const read = readBookingForm(await event.request.formData(), getConfig().CASEBOOK_TIME_ZONE);
		const context = await patientContext(caller, read.values.patientId);
		read.values.patientName = context.patient?.name ?? '';

		const refuse = (
			status: number,
			message: string,
			errors: BookingErrors,
			matching: MatchingCase[] | null
		) =>
			fail(status, {
				message,
				...errors,
				values: read.values,
				matching,
				patient: context.patient,
				openCases: context.openCases
			});

		const own: BookingErrors = { fieldErrors: read.fieldErrors, caseErrors: read.caseErrors };
		if (Object.keys(own.fieldErrors).length || Object.keys(own.caseErrors).length) {
			// Report every problem at once: the schema's too, behind the form's own clearer messages.
			const parsed = createAppointmentInput.safeParse(read.input);
			const schema = parsed.success
				? { fieldErrors: {}, caseErrors: {} }
				: mapBookingErrors(zodFieldErrors(parsed.error));
			return refuse(400, 'Some fields need attention', mergeBookingErrors(own, schema), null);
		}

		const result = await formAction(() => caller.appointments.create(read.input));
		if (isFailure(result)) {
			const errors = mapBookingErrors(result.data.fieldErrors);
			return refuse(
				result.status,
				result.data.message,
				errors,
				await questionAfter(caller, result, read, context.openCases)
			);
		}

		const params = new URLSearchParams({ booked: '1' });
		for (const warning of result.warnings) params.append('warning', warning);
		redirect(303, `/appointments/${result.appointment.id}?${params}`);
	}
} satisfies Actions;
