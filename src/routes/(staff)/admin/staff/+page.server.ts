import { z } from 'zod';
import { ROLES } from '$lib/schemas/staff';
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

const query = z.object({
	q: z.string().trim().max(200).optional().catch(undefined),
	role: z.enum(ROLES).optional().catch(undefined),
	status: z.enum(['active', 'inactive', 'all']).catch('active'),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const result = await serverCaller(event).staff.find({
		search: params.q || undefined,
		role: params.role,
		status: params.status,
		page: params.page
	});
	return { result, params };
};
