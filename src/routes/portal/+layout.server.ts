// The patient portal's frame: the clinic's name, and who is signed in (if anyone). Portal sessions
// use their own cookie (see hooks.server.ts); a staff session gives no access here.
import { getClinicSettings } from '$lib/server/settings/settings.service';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
	const settings = await getClinicSettings(locals.em);
	return {
		clinicName: settings.clinicName,
		patient: locals.patient ? { name: locals.patient.name, timeZone: locals.patient.timeZone } : null
	};
};
