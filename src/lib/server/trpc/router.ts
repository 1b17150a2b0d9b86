// The whole API: one router per feature.
import { healthRouter } from '../health/health.router.ts';
import { notificationsRouter } from '../notifications/notifications.router.ts';
import { createCallerFactory, router } from './init.ts';

export const appRouter = router({
	health: healthRouter,
	notifications: notificationsRouter
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
