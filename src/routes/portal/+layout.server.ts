// The patient portal's frame: the clinic's name, and who is signed in (if anyone). Portal sessions
// use their own cookie (see hooks.server.ts); a staff session gives no access here.
import { serverCaller } from '$lib/server/app/caller';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const { clinicName } = await serverCaller(event).settings.clinic();
	const patient = event.locals.patient;
	return {
		clinicName,
		patient: patient ? { name: patient.name, timeZone: patient.timeZone } : null
	};
};
