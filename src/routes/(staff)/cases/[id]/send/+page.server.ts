// "Send to teams" for a case that exists (issue 18): the case itself goes to the teams with a
// priority, the sender's message and any files, rather than a new case beside it. A case that is
// already with teams, closed, merged or archived says so instead of offering the form.
import { error, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { isFailure } from '$lib/server/web/forms';
import { sendCaseFromForm, type SendCaseValues } from '$lib/server/web/routing-actions';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const CASE_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	const id = event.params.id;
	if (!CASE_ID.test(id)) error(404, 'Case not found');
	const caller = serverCaller(event);
	const detail = await caller.cases.get({ id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Case not found');
		throw e;
	});
	const routing = await caller.cases.routing({ caseId: id });
	const teams = await caller.teams.sendable();
	// Why the case cannot be sent, in the words the service would use.
	const refusal = detail.mergedInto
		? 'This case was merged into another case: send that one instead.'
		: detail.status === 'closed'
			? 'This case is closed: re-open it before sending it to teams.'
			: detail.archivedAt
				? 'This case is archived: it cannot be sent to teams.'
				: routing
					? `This case was already sent to ${routing.teams.map((t) => t.name).join(', ')} and is still open to them: change its priority on the case page instead.`
					: null;
	const values: SendCaseValues = {
		subject: detail.name,
		details: '',
		teamIds: teams.length === 1 ? [teams[0]!.id] : [],
		priority: 'normal',
		patientId: '',
		patientName: ''
	};
	return {
		case: { id: detail.id, name: detail.name, patient: detail.patient },
		teams,
		refusal,
		values
	};
};

export const actions = {
	default: async (event) => {
		const result = await sendCaseFromForm(event, { allowPatient: false, caseId: event.params.id });
		if (isFailure(result)) return result;
		// Every file attached: back to the case. Otherwise stay and say which files were refused.
		if (!result.refused.length) redirect(303, `/cases/${result.id}?sent=1`);
		return { sent: result };
	}
} satisfies Actions;
