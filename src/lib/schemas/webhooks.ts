// Webhook endpoints (issue 21): the events one can subscribe to and the admin's form inputs, shared
// by the Admin → Webhooks page and the server.
import { z } from 'zod';
import { recordId } from './patient.ts';

export const WEBHOOK_EVENTS = [
	{ type: 'team_case.created', label: 'A case is sent to teams' },
	{ type: 'team_case.acknowledged', label: 'A team member acknowledges a case' },
	{ type: 'team_case.escalated', label: 'An escalation step fires (each step)' },
	{ type: 'team_case.updated', label: 'A case is taken over, re-triaged, commented on or re-opened' },
	{ type: 'team_case.closed', label: 'A case is closed' },
	{ type: 'appointment_request.created', label: 'A patient requests an appointment' },
	{ type: 'appointment_request.decided', label: 'A request is approved or declined' },
	{ type: 'appointment.booked', label: 'An appointment is booked' },
	{ type: 'appointment.moved', label: 'An appointment is moved' },
	{ type: 'appointment.cancelled', label: 'An appointment is cancelled' },
	{ type: 'patient.created', label: 'A patient record is created' },
	{ type: 'patient.updated', label: 'A patient record is changed' }
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number]['type'];
export const WEBHOOK_EVENT_TYPES = WEBHOOK_EVENTS.map((e) => e.type) as [
	WebhookEventType,
	...WebhookEventType[]
];

export const webhookEvents = z
	.array(z.enum(WEBHOOK_EVENT_TYPES, { error: 'Choose events from the list' }))
	.min(1, 'Choose at least one event')
	.transform((events) => [...new Set(events)]);

export const webhookUrl = z
	.string()
	.trim()
	.min(1, 'Enter the URL that receives the events')
	.max(2000, 'Use at most 2,000 characters')
	.pipe(z.url({ protocol: /^https?$/, error: 'Enter a full URL, such as https://example.org/casebook' }));

export const webhookDescription = z
	.string()
	.trim()
	.max(200, 'Use at most 200 characters')
	.transform((v) => (v === '' ? null : v))
	.nullable()
	.optional();

export const createWebhookEndpointInput = z.object({
	url: webhookUrl,
	description: webhookDescription,
	events: webhookEvents
});

export const updateWebhookEndpointInput = z.object({
	id: recordId,
	url: webhookUrl,
	description: webhookDescription,
	events: webhookEvents,
	isEnabled: z.boolean()
});

export const webhookEndpointIdInput = z.object({ id: recordId });
export const webhookDeliveryIdInput = z.object({ deliveryId: recordId });
export const webhookDeliveriesInput = z.object({
	id: recordId,
	page: z.number().int().min(1).max(100_000).default(1)
});

export type CreateWebhookEndpointInput = z.input<typeof createWebhookEndpointInput>;
