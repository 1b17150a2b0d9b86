// The case summary for the referrer (issue 22): tick the final notes to include, then download the
// PDF (summary/pdf) or email it to the referring doctor through the worker.
import { error, fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { fieldList, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	if (!/^\d{1,18}$/.test(event.params.id)) error(404, 'Case not found');
	const caller = serverCaller(event);
	const clinical = await caller.clinicalNotes.forCase({ caseId: event.params.id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Case not found');
		throw e;
	});
	const detail = await caller.cases.get({ id: event.params.id });
	return {
		caseId: clinical.caseId,
		caseName: clinical.caseName,
		notes: clinical.notes.filter((n) => n.status === 'final'),
		goals: clinical.goals.length,
		referringDoctor: detail.referringDoctor
	};
};

export const actions = {
	email: async (event) => {
		const noteIds = fieldList(await formValues(event.request), 'noteIds');
		const result = await formAction(() =>
			serverCaller(event).clinicalNotes.emailSummary({ caseId: event.params.id, noteIds })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, noteIds });
		return { sentTo: result.recipient, noteIds };
	}
} satisfies Actions;
