// A new treatment note on a case: from a template (the case template's first) or blank, optionally
// for one of the case's appointments. Creating it opens the draft.
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (!/^\d{1,18}$/.test(event.params.id)) error(404, 'Case not found');
	const clinical = await serverCaller(event)
		.clinicalNotes.forCase({ caseId: event.params.id })
		.catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Case not found');
			throw e;
		});
	return {
		caseId: clinical.caseId,
		caseName: clinical.caseName,
		templates: clinical.templates,
		appointments: clinical.appointments,
		amends: null
	};
};

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		const templateId = field(data, 'templateId') || null;
		const appointmentId = field(data, 'appointmentId') || null;
		const result = await formAction(() =>
			serverCaller(event).clinicalNotes.create({ caseId: event.params.id, templateId, appointmentId })
		);
		if (isFailure(result)) return fail(result.status, result.data);
		redirect(303, `/cases/${event.params.id}/notes/${result.id}`);
	}
} satisfies Actions;
