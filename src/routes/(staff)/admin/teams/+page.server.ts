// Clinical teams: searched by the URL; each row links to the team page.
import { z } from 'zod';
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

const query = z.object({
	q: z.string().trim().max(200).optional().catch(undefined),
	inactive: z.literal('1').optional().catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const teams = await serverCaller(event).teams.find({
		search: params.q || undefined,
		includeInactive: params.inactive === '1'
	});
	return { teams, params };
};
