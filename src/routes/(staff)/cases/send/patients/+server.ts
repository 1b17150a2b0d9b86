// The send form's patient search: up to 8 active patients matching `q` (name, email, phone), as
// JSON. The patients router decides who may search; its refusals become the matching status.
import { json, type RequestHandler } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { serverCaller } from '$lib/server/app/caller';

const NO_STORE = { 'cache-control': 'no-store' };

export const GET: RequestHandler = async (event) => {
	const q = (event.url.searchParams.get('q') ?? '').trim().slice(0, 200);
	if (q.length < 2) return json({ items: [] }, { headers: NO_STORE });
	try {
		const found = await serverCaller(event).patients.find({ search: q, limit: 8 });
		const items = found.items.map((p) => ({
			id: p.id,
			name: `${p.firstName} ${p.lastName}`,
			dateOfBirth: p.dateOfBirth
		}));
		return json({ items }, { headers: NO_STORE });
	} catch (error) {
		if (error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR')
			return json(
				{ message: error.message },
				{ status: getHTTPStatusCodeFromError(error), headers: NO_STORE }
			);
		throw error;
	}
};
