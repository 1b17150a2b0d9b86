// "Reserve and send link" (seed 002): a scheduler holds a time for a patient on one of their open
// cases, and the patient gets a link to confirm or decline it in the portal. `?patientId=` (from the
// patient's page), optionally `&caseId=`. Times are typed on the clinic's clock.
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { recordId } from '$lib/schemas/patient';
import { RESERVATION_DEFAULT_HOURS } from '$lib/schemas/portal';
import { hasRole } from '$lib/server/auth/actor';
import { getConfig } from '$lib/server/config';
import type { FieldErrors } from '$lib/server/errors';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { nextQuarterHour } from '../calendar';
import { openCaseOption } from '../new/booking-form';
import { readSlotForm, wholeNumber } from '../new/slot-form.server';
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
	const options = await caller.appointments.formOptions();
	if (!params.patientId) return { options, patient: null, openCases: [], defaults: null };

	// One call at a time: they share the request's EntityManager.
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
			caseId: chosenCase?.id ?? '',
			practitionerId: '',
			appointmentTypeId: '',
			date: start.date,
			time: start.time,
			durationMinutes: '',
			expiresInHours: String(RESERVATION_DEFAULT_HOURS),
			notes: ''
		}
	};
};

export const actions = {
	default: async (event) => {
		const posted = await formValues(event.request);
		const slot = readSlotForm(posted, getConfig().CASEBOOK_TIME_ZONE);
		const patientId = field(posted, 'patientId');
		const values = {
			...slot.values,
			caseId: field(posted, 'caseId'),
			expiresInHours: field(posted, 'expiresInHours')
		};
		const refuse = (status: number, message: string, fieldErrors: FieldErrors) =>
			fail(status, { message, fieldErrors, values });

		const own: FieldErrors = {};
		if (!values.caseId) own.caseId = ['Choose one of the patient’s open cases'];
		Object.assign(own, slot.fieldErrors);
		if (!slot.startsAt || Object.keys(own).length) return refuse(400, 'Some fields need attention', own);
		const startsAt = slot.startsAt;

		const result = await formAction(() =>
			serverCaller(event).appointments.reserve({
				patientId,
				caseId: values.caseId,
				practitionerId: values.practitionerId,
				appointmentTypeId: values.appointmentTypeId,
				startsAt,
				durationMinutes: slot.durationMinutes,
				expiresInHours: wholeNumber(values.expiresInHours),
				notes: values.notes
			})
		);
		if (isFailure(result)) return refuse(result.status, result.data.message, result.data.fieldErrors);

		// The appointment page says where the link went ("Reserved; link sent to …").
		const params = new URLSearchParams({ reserved: '1' });
		for (const sent of result.sentTo) params.append('sentTo', `${sent.channel}:${sent.recipient}`);
		redirect(303, `/appointments/${result.appointment.id}?${params}`);
	}
} satisfies Actions;
