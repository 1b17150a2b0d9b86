// The booking form's patient picker asks here as the person types: up to 8 active patients.
import { error, json } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { serverCaller } from '$lib/server/app/caller';
import { patientOption } from '../booking-form';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async (event) => {
	if (event.locals.user?.kind !== 'staff') error(401, 'Sign in to search patients');
	const q = (event.url.searchParams.get('q') ?? '').trim().slice(0, 200);
	if (q.length < 2) return json({ patients: [] });
	try {
		const { items } = await serverCaller(event).patients.find({ search: q, limit: 8 });
		return json({ patients: items.map(patientOption) }, { headers: { 'cache-control': 'no-store' } });
	} catch (e) {
		if (e instanceof TRPCError) error(getHTTPStatusCodeFromError(e), e.message);
		throw e;
	}
};
