// Patient merges of the last 90 days, and undoing one (admins, within 30 days of the merge). The
// merged patient's page posts its Undo here too, and is sent back to the restored record.
import { fail, redirect } from '@sveltejs/kit';
import { serverCaller } from '$lib/server/app/caller';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	return { merges: await serverCaller(event).patients.findMerges() };
};

export const actions = {
	undo: async (event) => {
		const data = await formValues(event.request);
		const patientId = field(data, 'patientId');
		const result = await formAction(() => serverCaller(event).patients.undoMerge({ patientId }));
		if (isFailure(result)) return fail(result.status, { ...result.data, patientId });
		if (field(data, 'returnTo') === 'patient') redirect(303, `/patients/${result.restored.id}?unmerged=1`);
		return { undone: result };
	}
} satisfies Actions;
