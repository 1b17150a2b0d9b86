// "My account → API keys": every staff member manages their own keys, and only their own.
import { router, staffProcedure } from '../trpc/init.ts';
import { createApiKeyInput, revokeApiKeyInput } from './api-keys.schemas.ts';
import { createApiKey, findApiKeys, revokeApiKey } from './api-keys.service.ts';

export const apiKeysRouter = router({
	find: staffProcedure.query(({ ctx }) => findApiKeys(ctx.em, ctx.actor)),
	create: staffProcedure
		.input(createApiKeyInput)
		.mutation(({ ctx, input }) => createApiKey(ctx.em, ctx.actor, { ...input, userId: ctx.user.id })),
	revoke: staffProcedure
		.input(revokeApiKeyInput)
		.mutation(({ ctx, input }) => revokeApiKey(ctx.em, ctx.actor, input))
});
