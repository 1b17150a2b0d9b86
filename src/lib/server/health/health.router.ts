import { publicProcedure, router } from '../trpc/init.ts';
import { getHealth } from './health.service.ts';

export const healthRouter = router({
	get: publicProcedure.query(({ ctx }) => getHealth(ctx.em))
});
