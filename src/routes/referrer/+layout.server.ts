// The referrer area: people outside the clinic (GPs, specialists) who send cases to the teams that
// accept them, and see only what they sent. Staff have the staff app instead.
import { redirect } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { serverCaller } from '$lib/server/app/caller';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const { locals, url } = event;
	const user = locals.user;
	if (!user) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (user.kind !== 'referrer') redirect(303, '/');
	return {
		user: { name: user.name, email: user.email },
		timeZone: getConfig().CASEBOOK_TIME_ZONE,
		clock: (await serverCaller(event).settings.clinic()).clock
	};
};
