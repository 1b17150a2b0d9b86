// A referrer's home: the cases they sent, newest first, with where each stands.
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const page = Math.min(
		10_000,
		Math.max(1, Number.parseInt(event.url.searchParams.get('page') ?? '1', 10) || 1)
	);
	return { cases: await serverCaller(event).referrer.cases({ page }) };
};
