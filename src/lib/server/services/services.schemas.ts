// Input schemas for services (issue 5): shared by the tRPC router, the service functions (which parse
// again, so form actions may pass raw values) and the admin form actions.
import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';

/** #rrggbb, stored lower-case. */
export const colour = z
	.string({ error: 'Choose a colour' })
	.trim()
	.regex(/^#[0-9a-fA-F]{6}$/, 'Choose a colour as #rrggbb')
	.transform((v) => v.toLowerCase());

export const serviceFields = z.object({
	name: z
		.string({ error: 'Enter a name' })
		.trim()
		.min(1, 'Enter a name')
		.max(120, 'Use at most 120 characters'),
	colour: colour.default('#0f766e'),
	isActive: z.boolean().default(true)
});

export const createServiceInput = serviceFields;
export const updateServiceInput = serviceFields.extend({
	id: recordId,
	version: z.number().int().min(1, 'Missing version')
});

export const findServicesInput = z.object({
	search: z.string().trim().max(200).optional(),
	includeInactive: z.boolean().default(false)
});

export const serviceIdInput = z.object({ id: recordId });

export const setPractitionersInput = z.object({
	serviceId: recordId,
	userIds: z
		.array(recordId)
		.max(500)
		.transform((ids) => [...new Set(ids)])
});

export type CreateServiceInput = z.input<typeof createServiceInput>;
export type UpdateServiceInput = z.input<typeof updateServiceInput>;
export type FindServicesInput = z.input<typeof findServicesInput>;
export type SetPractitionersInput = z.input<typeof setPractitionersInput>;
