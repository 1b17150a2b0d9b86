// Admin → Note templates → one template: edit (saving makes the next version), archive, restore.
import { error, fail } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { readPayload } from '../payload.server';
import type { Actions, PageServerLoad } from './$types';

const ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!ID.test(event.params.id)) error(404, 'Note template not found');
	const caller = serverCaller(event);
	const template = await caller.admin.noteTemplates.get({ id: event.params.id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Note template not found');
		throw e;
	});
	return {
		template,
		options: await caller.admin.noteTemplates.formOptions(),
		isNew: event.url.searchParams.get('created') === '1'
	};
};

export const actions = {
	update: async (event) => {
		const data = await formValues(event.request);
		const payload = readPayload(data);
		const version = Number(field(data, 'version'));
		const result = await formAction(() =>
			serverCaller(event).admin.noteTemplates.update({ ...payload, id: event.params.id, version } as never)
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'update' as const, payload });
		return { intent: 'update' as const, savedVersion: result.currentVersion };
	},
	archive: async (event) => {
		const result = await formAction(() =>
			serverCaller(event).admin.noteTemplates.archive({ id: event.params.id })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'archive' as const });
		return { intent: 'archive' as const };
	},
	unarchive: async (event) => {
		const result = await formAction(() =>
			serverCaller(event).admin.noteTemplates.unarchive({ id: event.params.id })
		);
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'unarchive' as const });
		return { intent: 'unarchive' as const };
	}
} satisfies Actions;
