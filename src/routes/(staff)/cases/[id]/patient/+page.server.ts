// "Link to a patient" for a case that came without one (sent without a patient, or by a
// referrer; issue 18): find the patient in the clinic, or create them from the referral's details
// (prefilled, to be checked). Both call the cases router; the referrer goes on seeing only the case.
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { recordId } from '$lib/schemas/patient';
import { linkCaseNewPatientInput } from '$lib/schemas/team';
import { getConfig } from '$lib/server/config';
import { guessPatientFromReferral } from '$lib/server/routing/referral-details.rules';
import { field, formAction, formValues, isChecked, isFailure } from '$lib/server/web/forms';
import { duplicatesOf } from '$lib/server/web/patient-form';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const CASE_ID = /^\d{1,18}$/;

/** The new-patient form as typed. */
type NewPatientValues = {
	firstName: string;
	lastName: string;
	dateOfBirth: string;
	email: string;
	mobile: string;
};

export const load: PageServerLoad = async (event) => {
	const id = event.params.id;
	if (!CASE_ID.test(id)) error(404, 'Case not found');
	const caller = serverCaller(event);
	const detail = await caller.cases.get({ id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Case not found');
		throw e;
	});
	const routing = await caller.cases.routing({ caseId: id });
	const guess = guessPatientFromReferral(routing?.details);
	return {
		case: { id: detail.id, name: detail.name, patient: detail.patient },
		referral: routing ? { sender: routing.sender, details: routing.details, sentAt: routing.sentAt } : null,
		values: guess satisfies NewPatientValues,
		isGuessed: Object.values(guess).some(Boolean)
	};
};

const newPatientInput = () => linkCaseNewPatientInput(getConfig().CASEBOOK_DEFAULT_COUNTRY);

export const actions = {
	link: async (event) => {
		const patientId = recordId.safeParse(field(await formValues(event.request), 'patientId'));
		if (!patientId.success) {
			const message = 'Choose a patient';
			return fail(400, { intent: 'link' as const, message, fieldErrors: { patientId: [message] } });
		}
		const result = await formAction(() =>
			serverCaller(event).cases.linkPatient({ caseId: event.params.id, patientId: patientId.data })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'link' as const });
		redirect(303, `/cases/${result.id}?linked=1`);
	},
	create: async (event) => {
		const posted = await formValues(event.request);
		const values: NewPatientValues = {
			firstName: field(posted, 'firstName'),
			lastName: field(posted, 'lastName'),
			dateOfBirth: field(posted, 'dateOfBirth'),
			email: field(posted, 'email'),
			mobile: field(posted, 'mobile')
		};
		const patient = {
			firstName: values.firstName,
			lastName: values.lastName,
			dateOfBirth: values.dateOfBirth || null,
			email: values.email || null,
			phoneNumbers: values.mobile ? [{ phoneType: 'Mobile' as const, number: values.mobile }] : [],
			allowDuplicates: isChecked(posted, 'allowDuplicates')
		};
		const parsed = newPatientInput().safeParse({ caseId: event.params.id, patient });
		if (!parsed.success) {
			const fieldErrors: Record<string, string[]> = {};
			for (const issue of parsed.error.issues) {
				// patient.phoneNumbers.0.number is the mobile box; patient.firstName is firstName.
				const name = issue.path[0] === 'patient' ? String(issue.path[1] ?? '') : String(issue.path[0] ?? '');
				(fieldErrors[name === 'phoneNumbers' ? 'mobile' : name] ??= []).push(issue.message);
			}
			return fail(400, {
				intent: 'create' as const,
				message: 'Some fields need attention',
				fieldErrors,
				values,
				duplicates: null
			});
		}
		const result = await formAction(() =>
			serverCaller(event).cases.linkNewPatient({ caseId: event.params.id, patient })
		);
		if (isFailure(result))
			return fail(result.status, {
				...result.data,
				intent: 'create' as const,
				values,
				duplicates: result.status === 409 ? duplicatesOf(result.data.details) : null
			});
		redirect(303, `/cases/${result.id}?linked=1`);
	}
} satisfies Actions;
