// Input schemas for concession types (issue 18): shared by the tRPC router, the service (which
// parses again, so form actions may pass raw values) and the admin form actions.
import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';

export const CONCESSION_TYPE_NAME_MAX = 120;

export const concessionTypeName = z
	.string({ error: 'Enter a name' })
	.trim()
	.min(1, 'Enter a name')
	.max(CONCESSION_TYPE_NAME_MAX, `Use at most ${CONCESSION_TYPE_NAME_MAX} characters`);

export const findConcessionTypesInput = z.object({
	search: z.string().trim().max(200).optional(),
	includeArchived: z.boolean().default(false)
});

export const createConcessionTypeInput = z.object({ name: concessionTypeName });
export const renameConcessionTypeInput = z.object({ id: recordId, name: concessionTypeName });
export const concessionTypeIdInput = z.object({ id: recordId });

export type FindConcessionTypesInput = z.input<typeof findConcessionTypesInput>;
export type CreateConcessionTypeInput = z.input<typeof createConcessionTypeInput>;
export type RenameConcessionTypeInput = z.input<typeof renameConcessionTypeInput>;
export type ConcessionTypeIdInput = z.input<typeof concessionTypeIdInput>;
