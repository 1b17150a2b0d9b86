// Input schemas for the body-part vocabulary: shared by the tRPC router, the service functions (which
// parse again, so form actions may pass raw values) and the admin form actions.
import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';

export const BODY_PART_NAME_MAX = 80;

export const bodyPartName = z
	.string({ error: 'Enter a name' })
	.trim()
	.min(1, 'Enter a name')
	.max(BODY_PART_NAME_MAX, `Use at most ${BODY_PART_NAME_MAX} characters`);

export const findBodyPartsInput = z.object({
	search: z.string().trim().max(200).optional(),
	includeArchived: z.boolean().default(false)
});

export const createBodyPartInput = z.object({ name: bodyPartName });
export const renameBodyPartInput = z.object({ id: recordId, name: bodyPartName });
export const bodyPartIdInput = z.object({ id: recordId });

export type FindBodyPartsInput = z.input<typeof findBodyPartsInput>;
export type CreateBodyPartInput = z.input<typeof createBodyPartInput>;
export type RenameBodyPartInput = z.input<typeof renameBodyPartInput>;
export type BodyPartIdInput = z.input<typeof bodyPartIdInput>;
