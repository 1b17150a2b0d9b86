// Admin → Webhooks (issue 21): endpoints, their secrets (shown once), the delivery log and
// redelivery. Admins only.
import {
	createWebhookEndpointInput,
	updateWebhookEndpointInput,
	webhookDeliveriesInput,
	webhookDeliveryIdInput,
	webhookEndpointIdInput
} from '../../schemas/webhooks.ts';
import { adminProcedure, router } from '../trpc/init.ts';
import {
	createWebhookEndpoint,
	deleteWebhookEndpoint,
	findWebhookEndpoints,
	getWebhookEndpoint,
	redeliverWebhook,
	rotateWebhookSecret,
	updateWebhookEndpoint
} from './webhooks.service.ts';

export const webhooksRouter = router({
	find: adminProcedure.query(({ ctx }) => findWebhookEndpoints(ctx.em)),
	get: adminProcedure
		.input(webhookDeliveriesInput)
		.query(({ ctx, input }) => getWebhookEndpoint(ctx.em, input)),
	create: adminProcedure
		.input(createWebhookEndpointInput)
		.mutation(({ ctx, input }) => createWebhookEndpoint(ctx.em, ctx.actor, input)),
	update: adminProcedure
		.input(updateWebhookEndpointInput)
		.mutation(({ ctx, input }) => updateWebhookEndpoint(ctx.em, ctx.actor, input)),
	rotateSecret: adminProcedure
		.input(webhookEndpointIdInput)
		.mutation(({ ctx, input }) => rotateWebhookSecret(ctx.em, ctx.actor, input)),
	delete: adminProcedure
		.input(webhookEndpointIdInput)
		.mutation(({ ctx, input }) => deleteWebhookEndpoint(ctx.em, ctx.actor, input)),
	redeliver: adminProcedure
		.input(webhookDeliveryIdInput)
		.mutation(({ ctx, input }) => redeliverWebhook(ctx.em, ctx.actor, input))
});
