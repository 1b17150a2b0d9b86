import { z } from 'zod';
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

const query = z.object({
	q: z.string().trim().max(200).optional().catch(undefined),
	archived: z.enum(['1']).optional().catch(undefined),
	deleted: z.string().max(200).optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const result = await serverCaller(event).admin.caseTemplates.find({
		search: params.q || undefined,
		includeArchived: params.archived === '1',
		perPage: 100
	});
	return { result, params };
};
