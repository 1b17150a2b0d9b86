import { adminProcedure, router } from '../trpc/init.ts';
import { findNotifications, getNotification } from './notifications.queries.ts';
import { findNotificationsInput, getNotificationInput } from './notifications.schemas.ts';

export const notificationsRouter = router({
	find: adminProcedure
		.input(findNotificationsInput)
		.query(({ ctx, input }) => findNotifications(ctx.em, input)),
	get: adminProcedure.input(getNotificationInput).query(({ ctx, input }) => getNotification(ctx.em, input.id))
});
