// Every portal page past sign-in: no portal session, no page (back to sign-in, then here again).
import { redirect } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, url }) => {
	if (!locals.patient) {
		const expired = url.pathname === '/portal' ? '' : '?expired=1';
		redirect(303, `/portal/sign-in${expired}`);
	}
	return { timeZone: locals.patient.timeZone };
};
