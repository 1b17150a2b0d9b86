// Appointment types: searched and filtered by the URL.
import { z } from 'zod';
import { appointmentTypesCaller, servicesCaller } from './new/appointment-type-form.server';
import type { PageServerLoad } from './$types';

const query = z.object({
	q: z.string().trim().max(200).optional().catch(undefined),
	service: z
		.string()
		.regex(/^\d{1,18}$/)
		.optional()
		.catch(undefined),
	inactive: z.literal('1').optional().catch(undefined),
	created: z
		.string()
		.regex(/^\d{1,18}$/)
		.optional()
		.catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const [result, services] = await Promise.all([
		appointmentTypesCaller(event).find({
			search: params.q || undefined,
			serviceId: params.service,
			includeInactive: params.inactive === '1'
		}),
		servicesCaller(event).find({ includeInactive: true })
	]);
	return {
		result,
		params,
		services: services.items.map((s) => ({ id: s.id, name: s.name, isActive: s.isActive })),
		created: params.created ? result.items.find((t) => t.id === params.created)?.name : undefined
	};
};
