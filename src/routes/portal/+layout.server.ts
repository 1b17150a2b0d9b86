// The patient portal's frame: the clinic's name, and who is signed in (if anyone). Portal sessions
// use their own cookie (see hooks.server.ts); a staff session gives no access here.
import { serverCaller } from '$lib/server/app/caller';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async (event) => {
	const { clinicName, clock } = await serverCaller(event).settings.clinic();
	const patient = event.locals.patient;
	return {
		clinicName,
		/** Portal pages write times on the clinic's clock (format.ts). */
		clock,
		patient: patient ? { name: patient.name, timeZone: patient.timeZone } : null
	};
};
