// Merging a duplicate into (or from) this patient: find the other record (likely duplicates, or a
// search), choose which record to keep, see what moves, confirm. Schedulers and admins (the route
// guard and patients.merge both say so); the merge itself is patients.merge.
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { serverCaller } from '$lib/server/app/caller';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import type { Actions, PageServerLoad } from './$types';

const ID = /^\d{1,18}$/;

const query = z.object({
	q: z.string().trim().max(200).optional().catch(undefined),
	other: z.string().regex(ID).optional().catch(undefined),
	keep: z.enum(['this', 'other']).catch('this')
});

function notFoundAs404(e: unknown): never {
	if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Patient not found');
	throw e;
}

export const load: PageServerLoad = async (event) => {
	if (!ID.test(event.params.id)) error(404, 'Patient not found');
	const caller = serverCaller(event);
	const patient = await caller.patients.get({ id: event.params.id }).catch(notFoundAs404);
	// A merged record has nothing left to merge: its page says where everything went.
	if (patient.mergedAt) redirect(303, `/patients/${patient.id}`);
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const mobile = patient.phoneNumbers.find((p) => p.phoneType === 'Mobile')?.number;
	const suggestions = await caller.patients.checkDuplicates({
		firstName: patient.firstName,
		lastName: patient.lastName,
		...(patient.dateOfBirth ? { dateOfBirth: patient.dateOfBirth } : {}),
		...(patient.email ? { email: patient.email } : {}),
		...(mobile ? { mobile } : {}),
		excludeId: patient.id
	});
	const results = params.q
		? (await caller.patients.find({ search: params.q, limit: 10 })).items.filter((p) => p.id !== patient.id)
		: null;

	let choice = null;
	if (params.other && params.other !== patient.id) {
		const other = await caller.patients.get({ id: params.other }).catch(notFoundAs404);
		const [keepId, mergeId] = params.keep === 'this' ? [patient.id, other.id] : [other.id, patient.id];
		const preview = await caller.patients
			.mergePreview({ keepId, mergeId })
			.then((value) => ({ ok: true as const, value }))
			.catch((e: unknown) => {
				if (e instanceof TRPCError && e.code !== 'INTERNAL_SERVER_ERROR')
					return { ok: false as const, message: e.message };
				throw e;
			});
		choice = { other, keep: params.keep, keepId, mergeId, preview };
	}
	return { patient, params, suggestions, results, choice };
};

export const actions = {
	merge: async (event) => {
		const data = await formValues(event.request);
		const values = { keepId: field(data, 'keepId'), mergeId: field(data, 'mergeId') };
		const result = await formAction(() => serverCaller(event).patients.merge(values));
		if (isFailure(result)) return fail(result.status, { ...result.data, values });
		redirect(303, `/patients/${result.kept.id}?merged=${result.merged.id}`);
	}
} satisfies Actions;
