// "Send a case to teams" (seed 004, Cases (+)): a staff member routes a case to one or more teams
// with a triage priority, optionally for a patient (`?patientId=` starts with one), with files.
import { TRPCError } from '@trpc/server';
import { redirect } from '@sveltejs/kit';
import { isFailure } from '$lib/server/web/forms';
import { recordId } from '$lib/schemas/patient';
import { sendCaseFromForm, type SendCaseValues } from '$lib/server/web/routing-actions';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = serverCaller(event);
	const teams = await caller.teams.sendable();
	const requested = recordId.safeParse(event.url.searchParams.get('patientId'));
	let patient: { id: string; name: string; dateOfBirth: string | null } | null = null;
	let isPatientMissing = false;
	if (requested.success) {
		try {
			const found = await caller.patients.get({ id: requested.data });
			patient = {
				id: found.id,
				name: `${found.firstName} ${found.lastName}`,
				dateOfBirth: found.dateOfBirth
			};
		} catch (error) {
			if (!(error instanceof TRPCError)) throw error;
			// Gone, or not this person's to see: start without a patient and say so.
			isPatientMissing = true;
		}
	}
	const values: SendCaseValues = {
		subject: '',
		details: '',
		teamIds: teams.length === 1 ? [teams[0]!.id] : [],
		priority: 'normal',
		patientId: patient?.id ?? '',
		patientName: patient?.name ?? ''
	};
	return { teams, patient, isPatientMissing, values };
};

export const actions = {
	default: async (event) => {
		const result = await sendCaseFromForm(event, { allowPatient: true });
		if (isFailure(result)) return result;
		// Every file attached: straight to the case. Otherwise stay and say which files were refused.
		if (!result.refused.length) redirect(303, `/cases/${result.id}?sent=1`);
		return { sent: result };
	}
} satisfies Actions;
