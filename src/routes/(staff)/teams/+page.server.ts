// The Teams page (issue 18): every active team, its members and leads, who cannot be paged by SMS,
// its escalation policy and the cases open for it. Read-only for everyone; admins edit under
// Admin → Teams.
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const teams = await serverCaller(event).teams.browse();
	return { teams };
};
