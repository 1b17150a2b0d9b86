import { adminProcedure, router } from '../trpc/init.ts';
import { findAuditEvents, findAuditInput } from './audit.queries.ts';

export const auditRouter = router({
	find: adminProcedure.input(findAuditInput).query(({ ctx, input }) => findAuditEvents(ctx.em, input))
});
