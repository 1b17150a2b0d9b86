// Referring doctors (contacts): searched and paged by the URL, so a view can be bookmarked.
import { z } from 'zod';
import { CONTACT_TYPES } from '$lib/schemas/patient-enums';
import { getConfig } from '$lib/server/config';
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

const query = z.object({
	q: z.string().trim().max(200).optional().catch(undefined),
	type: z.enum(CONTACT_TYPES).optional().catch(undefined),
	show: z.enum(['current', 'archived']).catch('current'),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const result = await serverCaller(event).contacts.find({
		search: params.q || undefined,
		type: params.type,
		archived: params.show === 'archived',
		page: params.page,
		perPage: 25
	});
	return {
		result,
		params,
		justArchived: event.url.searchParams.get('archived') === '1',
		clinicCountry: getConfig().CASEBOOK_DEFAULT_COUNTRY
	};
};
