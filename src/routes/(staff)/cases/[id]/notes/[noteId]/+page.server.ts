// One treatment note: its author's draft (edited here, saved while typing through ?/saveDraft) or a
// final, signed note (read-only; ?/amend starts a correction). Every read is audited by the
// procedure.
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!ID.test(event.params.id) || !ID.test(event.params.noteId)) error(404, 'Note not found');
	const caller = serverCaller(event);
	const note = await caller.clinicalNotes.get({ id: event.params.noteId }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Note not found');
		throw e;
	});
	if (note.caseId !== event.params.id) error(404, 'Note not found');
	const goals =
		note.status === 'draft' && note.isMine
			? (await caller.clinicalNotes.forCase({ caseId: note.caseId })).goals.map((g) => ({
					id: g.id,
					description: g.description,
					measure: g.measure,
					unit: g.unit
				}))
			: [];
	return { note, goals };
};

function payloadOf(data: Record<string, unknown>): Record<string, unknown> {
	try {
		const parsed: unknown = JSON.parse(String(data.payload ?? '{}'));
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
			? (parsed as Record<string, unknown>)
			: {};
	} catch {
		return {};
	}
}

export const actions = {
	saveDraft: async (event) => {
		const payload = payloadOf(await formValues(event.request));
		const result = await formAction(() =>
			serverCaller(event).clinicalNotes.saveDraft({ ...payload, id: event.params.noteId } as never)
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'saveDraft' as const });
		return { intent: 'saveDraft' as const, revision: result.revision, savedAt: result.savedAt };
	},
	finalise: async (event) => {
		const revision = Number(field(await formValues(event.request), 'revision'));
		const result = await formAction(() =>
			serverCaller(event).clinicalNotes.finalise({ id: event.params.noteId, revision })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'finalise' as const });
		return { intent: 'finalise' as const, done: true };
	},
	discard: async (event) => {
		const result = await formAction(() =>
			serverCaller(event).clinicalNotes.discard({ id: event.params.noteId })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'discard' as const });
		redirect(303, `/cases/${result.caseId}?noteDiscarded=1`);
	},
	amend: async (event) => {
		const result = await formAction(() =>
			serverCaller(event).clinicalNotes.amend({ id: event.params.noteId })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'amend' as const });
		redirect(303, `/cases/${event.params.id}/notes/${result.id}`);
	}
} satisfies Actions;
