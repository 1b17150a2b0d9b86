// "Reserve and send link" (seed 002): a scheduler holds a time for a patient and the patient gets a
// link to confirm or decline it in the portal. The case is chosen on the same screen: one of the
// patient's open cases, or a new one (title, template, body parts) created in the same step, after
// the booking form's body-part question (add to the open case, or a separate case). `?patientId=`
// (from the patient's page), optionally `&caseId=`. Times are typed on the clinic's clock.
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { recordId } from '$lib/schemas/patient';
import { RESERVATION_DEFAULT_HOURS } from '$lib/schemas/portal';
import { hasRole } from '$lib/server/auth/actor';
import { getConfig } from '$lib/server/config';
import { field, formAction, formValuesOf, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { nextQuarterHour } from '../calendar';
import { emptyBookingFormValues, openCaseOption, type MatchingCase } from '../new/booking-form';
import {
	mapBookingErrors,
	questionAfter,
	readBookingForm,
	type BookingErrors
} from '../new/booking-form.server';
import { wholeNumber } from '../new/slot-form.server';
import type { Actions, PageServerLoad } from './$types';

const query = z.object({
	patientId: recordId.optional().catch(undefined),
	caseId: recordId.optional().catch(undefined)
});

const FORBIDDEN_MESSAGE = 'Only schedulers and admins can reserve appointments.';

export const load: PageServerLoad = async (event) => {
	// appointments.reserve refuses everyone else; this gives them a clear page instead of a form.
	if (!event.locals.user || !hasRole(event.locals.user, 'scheduler')) error(403, FORBIDDEN_MESSAGE);
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const caller = serverCaller(event);
	// One call at a time: they share the request's EntityManager.
	const options = await caller.appointments.formOptions();
	const caseOptions = await caller.cases.formOptions();
	if (!params.patientId) return { options, caseOptions, patient: null, openCases: [], defaults: null };

	const patient = await caller.patients.get({ id: params.patientId }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Patient not found');
		throw e;
	});
	const openCases = patient.archivedAt
		? []
		: (await caller.cases.find({ patientId: patient.id, status: 'open', perPage: 100 })).items.map(
				openCaseOption
			);
	const chosenCase =
		openCases.find((c) => c.id === params.caseId && !c.isFull) ??
		(openCases.length === 1 && !openCases[0]!.isFull ? openCases[0] : undefined);
	const start = nextQuarterHour(new Date(), getConfig().CASEBOOK_TIME_ZONE);
	return {
		options,
		caseOptions,
		patient: {
			id: patient.id,
			name: `${patient.preferredFirstName || patient.firstName} ${patient.lastName}`,
			firstName: patient.preferredFirstName || patient.firstName,
			isArchived: Boolean(patient.archivedAt),
			email: patient.email,
			mobile: patient.phoneNumbers.find((p) => p.phoneType === 'Mobile')?.number ?? null,
			reminderType: patient.reminderType
		},
		openCases,
		defaults: {
			...emptyBookingFormValues({
				patientId: patient.id,
				date: start.date,
				time: start.time,
				// No open case with room: the form starts a new one.
				caseMode: openCases.some((c) => !c.isFull) ? 'existing' : 'new',
				caseId: chosenCase?.id ?? ''
			}),
			expiresInHours: String(RESERVATION_DEFAULT_HOURS)
		}
	};
};

export const actions = {
	default: async (event) => {
		const caller = serverCaller(event);
		const form = await event.request.formData();
		// The booking form's reader: the slot, and the case chosen, started, or answered for.
		const read = readBookingForm(form, getConfig().CASEBOOK_TIME_ZONE);
		const values = { ...read.values, expiresInHours: field(formValuesOf(form), 'expiresInHours') };
		const refuse = (
			status: number,
			message: string,
			errors: BookingErrors,
			matching: MatchingCase[] | null
		) => fail(status, { message, ...errors, values, matching });

		const own: BookingErrors = { fieldErrors: { ...read.fieldErrors }, caseErrors: { ...read.caseErrors } };
		const choice = read.input.case;
		if (!choice || choice.mode === 'none')
			own.fieldErrors.caseMode = ['Choose one of the patient’s open cases, or start a new one'];
		// A reserved case needs a template: it decides which practitioners see the case.
		if (choice?.mode === 'new' && !values.case.templateId)
			own.caseErrors.templateId = ['Choose a case template'];
		if (
			!choice ||
			choice.mode === 'none' ||
			Object.keys(own.fieldErrors).length ||
			Object.keys(own.caseErrors).length
		)
			return refuse(400, 'Some fields need attention', own, null);

		const result = await formAction(() =>
			caller.appointments.reserveWithCase({
				patientId: values.patientId,
				practitionerId: values.practitionerId,
				appointmentTypeId: values.appointmentTypeId,
				startsAt: read.input.startsAt,
				durationMinutes: read.input.durationMinutes,
				expiresInHours: wholeNumber(values.expiresInHours),
				notes: values.notes,
				case: choice
			})
		);
		if (isFailure(result)) {
			const { expiresInHours: hoursErrors, ...others } = result.data.fieldErrors;
			const errors = mapBookingErrors(others);
			if (hoursErrors) errors.fieldErrors.expiresInHours = hoursErrors;
			return refuse(result.status, result.data.message, errors, await questionAfter(caller, result, read));
		}

		// The appointment page says where the link went ("Reserved; link sent to …").
		const params = new URLSearchParams({ reserved: '1' });
		for (const sent of result.sentTo) params.append('sentTo', `${sent.channel}:${sent.recipient}`);
		redirect(303, `/appointments/${result.appointment.id}?${params}`);
	}
} satisfies Actions;
