import { redirect } from '@sveltejs/kit';
import { hasRole } from '$lib/server/auth/actor';
import { getConfig } from '$lib/server/config';
import { getClinicSettings } from '$lib/server/settings/settings.service';
import { serverCaller } from '$lib/server/trpc/http';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const { locals, url } = event;
	// The Inbox badge: the layout polls this (invalidate 'casebook:inbox-count').
	event.depends('casebook:inbox-count');
	const user = locals.user;
	if (!user) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (user.kind !== 'staff') redirect(303, '/sign-in');
	const settings = await getClinicSettings(locals.em);
	const mustSetUpTwoFactor = settings.requireTwoFactor && !user.hasTwoFactor;
	if (mustSetUpTwoFactor && url.pathname !== '/account') redirect(303, '/account?required=two-factor');
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
			country: getConfig().CASEBOOK_DEFAULT_COUNTRY
		}
	};
};
