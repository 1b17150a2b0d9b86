import { redirect } from '@sveltejs/kit';
import { hasRole } from '$lib/server/auth/actor';
import { getConfig } from '$lib/server/config';
import { serverCaller } from '$lib/server/app/caller';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const { locals, url } = event;
	// The Inbox badge: the layout polls this (invalidate 'casebook:inbox-count').
	event.depends('casebook:inbox-count');
	// hooks.server.ts has already refused anyone else (web/route-guard.ts); these only narrow types.
	const user = locals.user;
	if (!user) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (user.kind !== 'staff') redirect(303, '/sign-in');
	const settings = await serverCaller(event).settings.get();
	const mustSetUpTwoFactor = settings.requireTwoFactor && !user.hasTwoFactor;
	// A badge must never break a page: any failure shows no count.
	const inboxCount = mustSetUpTwoFactor
		? 0
		: await serverCaller(event)
				.cases.inboxCount()
				.catch(() => 0);
	// The Requests badge: schedulers and admins only (null: no Requests item at all).
	const requestCount =
		mustSetUpTwoFactor || !hasRole(user, 'scheduler')
			? null
			: await serverCaller(event)
					.appointmentRequests.count()
					.catch(() => 0);
	return {
		user,
		mustSetUpTwoFactor,
		inboxCount,
		requestCount,
		clinic: {
			name: settings.clinicName,
			timeZone: getConfig().CASEBOOK_TIME_ZONE,
			/** Every page writes times on it (format.ts). */
			clock: settings.clock,
			country: getConfig().CASEBOOK_DEFAULT_COUNTRY
		}
	};
};
