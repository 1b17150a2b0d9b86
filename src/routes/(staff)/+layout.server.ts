import { redirect } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { getClinicSettings } from '$lib/server/settings/settings.service';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, url }) => {
	const user = locals.user;
	if (!user) redirect(303, `/sign-in?next=${encodeURIComponent(url.pathname + url.search)}`);
	if (user.kind !== 'staff') redirect(303, '/sign-in');
	const settings = await getClinicSettings(locals.em);
	const mustSetUpTwoFactor = settings.requireTwoFactor && !user.hasTwoFactor;
	if (mustSetUpTwoFactor && url.pathname !== '/account') redirect(303, '/account?required=two-factor');
	return {
		user,
		mustSetUpTwoFactor,
		clinic: {
			name: settings.clinicName,
			timeZone: getConfig().CASEBOOK_TIME_ZONE,
			country: getConfig().CASEBOOK_DEFAULT_COUNTRY
		}
	};
};
