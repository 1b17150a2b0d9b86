// A case's goals (issue 22): add one (what, measure, baseline, target, target date) and change a
// goal's status or target. Shared cases share their goals: whoever may see the case sees them.
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
	return { caseId: clinical.caseId, caseName: clinical.caseName, goals: clinical.goals };
};

/** A typed number, or NaN (the procedure names the field). */
function numberField(raw: string): number {
	return raw.trim() === '' ? Number.NaN : Number(raw);
}

export const actions = {
	create: async (event) => {
		const data = await formValues(event.request);
		const values = {
			description: field(data, 'description'),
			measure: field(data, 'measure'),
			unit: field(data, 'unit') || null,
			baseline: field(data, 'baseline'),
			target: field(data, 'target'),
			targetDate: field(data, 'targetDate') || null
		};
		const result = await formAction(() =>
			serverCaller(event).clinicalNotes.createGoal({
				...values,
				caseId: event.params.id,
				measure: values.measure as 'number',
				baseline: numberField(values.baseline),
				target: numberField(values.target)
			})
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'create' as const, values });
		redirect(303, `/cases/${event.params.id}/goals?added=1`);
	},
	update: async (event) => {
		const data = await formValues(event.request);
		const id = field(data, 'id');
		const result = await formAction(() =>
			serverCaller(event).clinicalNotes.updateGoal({
				id,
				version: Number(field(data, 'version')),
				status: field(data, 'status') as 'met',
				target: numberField(field(data, 'target')),
				targetDate: field(data, 'targetDate') || null
			})
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'update' as const, id });
		return { intent: 'update' as const, id, done: true };
	}
} satisfies Actions;
