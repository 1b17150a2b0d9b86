// The booking form asks here for a patient's open cases when a patient is chosen.
import { error, json } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { recordId } from '$lib/schemas/patient';
import { serverCaller } from '$lib/server/app/caller';
import { openCaseOption } from '../booking-form';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	if (event.locals.user?.kind !== 'staff') error(401, 'Sign in to see cases');
	const patientId = recordId.safeParse(event.url.searchParams.get('patientId'));
	if (!patientId.success) error(400, 'Choose a patient');
	try {
		const { items } = await serverCaller(event).cases.find({
			patientId: patientId.data,
			status: 'open',
			perPage: 100
		});
		return json({ cases: items.map(openCaseOption) }, { headers: { 'cache-control': 'no-store' } });
	} catch (e) {
		if (e instanceof TRPCError) error(getHTTPStatusCodeFromError(e), e.message);
		throw e;
	}
};
