// A referrer sends a case to the teams that accept cases from outside the clinic. There is no
// patient field: referrers cannot browse the clinic's patients, so they describe the patient.
import { redirect } from '@sveltejs/kit';
import { isFailure } from '$lib/server/web/forms';
import { sendCaseFromForm, type SendCaseValues } from '$lib/server/web/routing-actions';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const teams = await serverCaller(event).teams.sendable();
	const values: SendCaseValues = {
		subject: '',
		details: '',
		teamIds: teams.length === 1 ? [teams[0]!.id] : [],
		priority: 'normal',
		patientId: '',
		patientName: ''
	};
	return { teams, values };
};

export const actions = {
	default: async (event) => {
		const result = await sendCaseFromForm(event, { allowPatient: false });
		if (isFailure(result)) return result;
		if (!result.refused.length) redirect(303, `/referrer/cases/${result.id}?sent=1`);
		return { sent: result };
	}
} satisfies Actions;
