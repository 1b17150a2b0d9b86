// Input rules for API keys, shared by the tRPC router, the CLI and the "API keys" page.
import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';
import { apiScopes } from '../../schemas/api-scopes.ts';

export const apiKeyName = z
	.string()
	.trim()
	.min(1, 'Name the key after what will use it, e.g. "Practice website"')
	.max(100, 'Use at most 100 characters');

export const createApiKeyInput = z.object({
	name: apiKeyName,
	/** Omitted: full access, as every key had before scopes. */
	scopes: apiScopes.default(['*'])
});
export const revokeApiKeyInput = z.object({ id: recordId });

export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;
