// The system's state for admins (issue 19; it was the home page before): the database and its
// schema, the background worker, and how messages go out.
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	return { status: await serverCaller(event).home.status() };
};
