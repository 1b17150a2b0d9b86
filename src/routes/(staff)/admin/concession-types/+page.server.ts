// The clinic's concession types (pensioner, student...): searched by the URL, added, renamed in place,
// archived and brought back on the same page. Every action calls the concessionTypes procedures.
import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const query = z.object({
	q: z.string().trim().max(200).optional().catch(undefined),
	archived: z.literal('1').optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const types = await serverCaller(event).concessionTypes.find({
		search: params.q || undefined,
		includeArchived: params.archived === '1'
	});
	return { types, params };
};

export const actions = {
	create: async (event) => {
		const data = await formValues(event.request);
		const values = { name: field(data, 'name') };
		const result = await formAction(() => serverCaller(event).concessionTypes.create(values));
		if (isFailure(result)) return fail(result.status, { ...result.data, action: 'create' as const, values });
		return { action: 'create' as const, type: result };
	},
	rename: async (event) => {
		const data = await formValues(event.request);
		const id = field(data, 'id');
		const values = { name: field(data, 'name') };
		const result = await formAction(() => serverCaller(event).concessionTypes.rename({ id, ...values }));
		if (isFailure(result))
			return fail(result.status, { ...result.data, action: 'rename' as const, id, values });
		return { action: 'rename' as const, type: result };
	},
	archive: async (event) => {
		const id = field(await formValues(event.request), 'id');
		const result = await formAction(() => serverCaller(event).concessionTypes.archive({ id }));
		if (isFailure(result)) return fail(result.status, { ...result.data, action: 'archive' as const, id });
		return { action: 'archive' as const, type: result };
	},
	unarchive: async (event) => {
		const id = field(await formValues(event.request), 'id');
		const result = await formAction(() => serverCaller(event).concessionTypes.unarchive({ id }));
		if (isFailure(result)) return fail(result.status, { ...result.data, action: 'unarchive' as const, id });
		return { action: 'unarchive' as const, type: result };
	}
} satisfies Actions;
