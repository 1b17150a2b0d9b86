import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = serverCaller(event);
	return { health: await caller.health.get() };
};
