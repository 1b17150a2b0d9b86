// The scheduler's queue of portal appointment requests: pending first (the oldest waits longest),
// or decided ones, filtered by type and a search, all from the URL (a GET form, no JavaScript needed).
// Schedulers and admins only: the router refuses anyone else, and the page says so plainly.
import { error } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { recordId } from '$lib/schemas/patient';
import { REQUEST_STATUSES } from '$lib/schemas/portal';
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

const PER_PAGE = 25;

const STATUS_FILTERS = [...REQUEST_STATUSES, 'all'] as const;

const listParams = z.object({
	status: z.enum(STATUS_FILTERS).catch('pending'),
	type: recordId.optional().catch(undefined),
	q: z
		.string()
		.trim()
		.max(200)
		.optional()
		.transform((v) => v || undefined)
		.catch(undefined),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});

export const load: PageServerLoad = async (event) => {
	const raw: Record<string, string> = {};
	for (const [key, value] of event.url.searchParams) if (value !== '') raw[key] = value;
	const params = listParams.parse(raw);
	const caller = serverCaller(event);
	// One call at a time: they share the request's EntityManager.
	const requests = await caller.appointmentRequests
		.find({
			status: params.status,
			appointmentTypeId: params.type,
			search: params.q,
			page: params.page,
			perPage: PER_PAGE
		})
		.catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'FORBIDDEN')
				error(403, 'Only schedulers and admins can see appointment requests.');
			throw e;
		});
	const pendingCount =
		params.status === 'pending' && !params.type && !params.q
			? requests.total
			: await caller.appointmentRequests.count();
	const { appointmentTypes } = await caller.appointments.formOptions();
	return {
		params,
		isFiltered: Boolean(params.type || params.q),
		requests,
		pendingCount,
		appointmentTypes: appointmentTypes.map((t) => ({ id: t.id, name: t.name })),
		statusOptions: [
			{ value: 'pending', label: 'Pending' },
			{ value: 'approved', label: 'Approved' },
			{ value: 'declined', label: 'Declined' },
			{ value: 'withdrawn', label: 'Withdrawn' },
			{ value: 'all', label: 'All' }
		] satisfies { value: (typeof STATUS_FILTERS)[number]; label: string }[]
	};
};
