// Signed outbound webhooks (issue 21). An admin registers endpoints (https; plain http to this
// machine only while Casebook itself runs locally) subscribed to domain events. Each event an
// endpoint wants becomes a delivery, written and enqueued by a domain-event listener inside the
// transaction that made the change (app/wiring.ts), so nothing is announced that did not happen and
// nothing that happened is lost. The worker posts it signed per the Standard Webhooks spec and
// retries failures on a schedule spanning 24 hours; every attempt is logged. An endpoint that has
// failed for 24 hours is disabled and its admin emailed; an admin can redeliver from the log.
import type { z } from 'zod';
import {
	createWebhookEndpointInput,
	updateWebhookEndpointInput,
	webhookDeliveriesInput,
	webhookDeliveryIdInput,
	webhookEndpointIdInput
} from '../../schemas/webhooks.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { AppError, notFound } from '../errors.ts';
import type { DomainEvent } from '../events/domain-events.ts';
import { enqueue } from '../jobs/boss.ts';
import { LockMode } from '@mikro-orm/postgresql';
import { queueNotification } from '../notifications/notifications.service.ts';
import { newMessageId, newWebhookSecret, signedHeaders } from './signing.ts';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity.ts';
import { webhookDeliverJob, type WebhookDeliverJobData } from './webhooks.jobs.ts';

/** Seconds to wait before each retry: 9 retries after the first attempt, 24 hours in all. */
export const RETRY_DELAYS_SECONDS = [30, 120, 600, 1800, 3600, 7200, 14_400, 28_800, 30_000];
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
/** Failing this long (no success since the first failure) disables an endpoint. */
export const DISABLE_AFTER_MS = 24 * 3_600_000;
/** How long the old secret still signs after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;
const ATTEMPT_TIMEOUT_MS = 10_000;
const EXCERPT_LENGTH = 500;

// ---------------------------------------------------------------------------------------------
// Endpoints (admin)

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Casebook itself runs on this machine (development, tests, a demo): plain http to it is fine. */
function isLocalDevelopment(): boolean {
	const config = getConfig();
	return config.NODE_ENV !== 'production' || LOCAL_HOSTS.has(new URL(config.ORIGIN).hostname);
}

/** Why `url` cannot receive webhooks, or null. */
export function webhookUrlProblem(url: string): string | null {
	const parsed = new URL(url);
	if (parsed.username || parsed.password) return 'Leave user names and passwords out of the URL';
	if (parsed.protocol === 'https:') return null;
	if (parsed.protocol === 'http:' && LOCAL_HOSTS.has(parsed.hostname) && isLocalDevelopment()) return null;
	return 'Use an https:// URL (plain http only reaches localhost, while Casebook runs locally)';
}

function checkUrl(url: string): void {
	const problem = webhookUrlProblem(url);
	if (problem) throw new AppError('BAD_REQUEST', problem, { fieldErrors: { url: [problem] } });
}

export interface WebhookEndpointView {
	id: string;
	url: string;
	description: string | null;
	events: string[];
	isEnabled: boolean;
	disabledAt: Date | null;
	disabledReason: string | null;
	failingSince: Date | null;
	/** While a rotated-out secret still signs. */
	previousSecretExpiresAt: Date | null;
	createdAt: Date;
}

function toView(e: WebhookEndpoint, now = new Date()): WebhookEndpointView {
	const overlap = e.previousSecret && e.previousSecretExpiresAt && e.previousSecretExpiresAt > now;
	return {
		id: e.id,
		url: e.url,
		description: e.description ?? null,
		events: e.events,
		isEnabled: e.isEnabled,
		disabledAt: e.disabledAt ?? null,
		disabledReason: e.disabledReason ?? null,
		failingSince: e.failingSince ?? null,
		previousSecretExpiresAt: overlap ? e.previousSecretExpiresAt! : null,
		createdAt: e.createdAt
	};
}

export async function findWebhookEndpoints(em: Em): Promise<WebhookEndpointView[]> {
	const endpoints = await em.find(WebhookEndpoint, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
	return endpoints.map((e) => toView(e));
}

/** A new endpoint and its secret, returned this once. */
export async function createWebhookEndpoint(
	em: Em,
	actor: Actor,
	raw: z.input<typeof createWebhookEndpointInput>
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
	const input = createWebhookEndpointInput.parse(raw);
	checkUrl(input.url);
	return em.transactional(async (tx) => {
		const secret = newWebhookSecret();
		const endpoint = tx.create(WebhookEndpoint, {
			url: input.url,
			description: input.description ?? null,
			events: input.events,
			secret,
			createdBy: actor.user ? tx.getReference(User, actor.user.id) : null
		});
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'webhook.create',
			recordType: 'webhook_endpoint',
			recordId: endpoint.id,
			details: { url: endpoint.url, events: endpoint.events }
		});
		return { endpoint: toView(endpoint), secret };
	});
}

async function loadEndpoint(tx: Em, id: string): Promise<WebhookEndpoint> {
	const endpoint = await tx.findOne(WebhookEndpoint, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
	if (!endpoint) throw notFound('Webhook endpoint');
	return endpoint;
}

/** Changes the URL, description and events; enabling again starts its failure clock afresh. */
export async function updateWebhookEndpoint(
	em: Em,
	actor: Actor,
	raw: z.input<typeof updateWebhookEndpointInput>
): Promise<WebhookEndpointView> {
	const input = updateWebhookEndpointInput.parse(raw);
	checkUrl(input.url);
	return em.transactional(async (tx) => {
		const endpoint = await loadEndpoint(tx, input.id);
		endpoint.url = input.url;
		endpoint.description = input.description ?? null;
		endpoint.events = input.events;
		if (input.isEnabled && !endpoint.isEnabled) {
			endpoint.isEnabled = true;
			endpoint.disabledAt = null;
			endpoint.disabledReason = null;
			endpoint.failingSince = null;
		} else if (!input.isEnabled && endpoint.isEnabled) {
			endpoint.isEnabled = false;
			endpoint.disabledAt = new Date();
			endpoint.disabledReason = `Disabled by ${actor.user?.name ?? 'an admin'}`;
		}
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'webhook.update',
			recordType: 'webhook_endpoint',
			recordId: endpoint.id,
			details: { url: endpoint.url, events: endpoint.events, isEnabled: endpoint.isEnabled }
		});
		return toView(endpoint);
	});
}

/**
 * A new secret, returned this once. The old one keeps signing beside it for ROTATION_OVERLAP_MS
 * (each delivery then carries both signatures), so a receiver can switch without losing events.
 */
export async function rotateWebhookSecret(
	em: Em,
	actor: Actor,
	raw: z.input<typeof webhookEndpointIdInput>,
	now = new Date()
): Promise<{ endpoint: WebhookEndpointView; secret: string }> {
	const { id } = webhookEndpointIdInput.parse(raw);
	return em.transactional(async (tx) => {
		const endpoint = await loadEndpoint(tx, id);
		const secret = newWebhookSecret();
		endpoint.previousSecret = endpoint.secret;
		endpoint.previousSecretExpiresAt = new Date(now.getTime() + ROTATION_OVERLAP_MS);
		endpoint.secret = secret;
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'webhook.rotate_secret',
			recordType: 'webhook_endpoint',
			recordId: endpoint.id
		});
		return { endpoint: toView(endpoint, now), secret };
	});
}

export async function deleteWebhookEndpoint(
	em: Em,
	actor: Actor,
	raw: z.input<typeof webhookEndpointIdInput>
): Promise<{ url: string }> {
	const { id } = webhookEndpointIdInput.parse(raw);
	return em.transactional(async (tx) => {
		const endpoint = await loadEndpoint(tx, id);
		const url = endpoint.url;
		tx.remove(endpoint);
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'webhook.delete',
			recordType: 'webhook_endpoint',
			recordId: id,
			details: { url }
		});
		return { url };
	});
}

export interface WebhookDeliveryView {
	id: string;
	messageId: string;
	eventType: string;
	status: WebhookDelivery['status'];
	attemptCount: number;
	nextAttemptAt: Date | null;
	isManual: boolean;
	createdAt: Date;
	attempts: {
		attempt: number;
		at: Date;
		statusCode: number | null;
		durationMs: number;
		responseExcerpt: string | null;
		error: string | null;
		succeeded: boolean;
	}[];
}

const DELIVERIES_PER_PAGE = 25;

/** An endpoint and a page of its deliveries, newest first, each with its attempts. */
export async function getWebhookEndpoint(em: Em, raw: z.input<typeof webhookDeliveriesInput>) {
	const input = webhookDeliveriesInput.parse(raw);
	const endpoint = await em.findOne(WebhookEndpoint, { id: input.id });
	if (!endpoint) throw notFound('Webhook endpoint');
	const [deliveries, total] = await em.findAndCount(
		WebhookDelivery,
		{ endpoint: endpoint.id },
		{
			orderBy: { createdAt: 'desc', id: 'desc' },
			limit: DELIVERIES_PER_PAGE,
			offset: (input.page - 1) * DELIVERIES_PER_PAGE
		}
	);
	const attempts = deliveries.length
		? await em.find(
				WebhookAttempt,
				{ delivery: { $in: deliveries.map((d) => d.id) } },
				{ orderBy: { attempt: 'asc' } }
			)
		: [];
	return {
		endpoint: toView(endpoint),
		deliveries: deliveries.map((d): WebhookDeliveryView => ({
			id: d.id,
			messageId: d.messageId,
			eventType: d.eventType,
			status: d.status,
			attemptCount: d.attemptCount,
			nextAttemptAt: d.status === 'pending' ? (d.nextAttemptAt ?? null) : null,
			isManual: d.isManual,
			createdAt: d.createdAt,
			attempts: attempts
				.filter((a) => a.delivery.id === d.id)
				.map((a) => ({
					attempt: a.attempt,
					at: a.at,
					statusCode: a.statusCode ?? null,
					durationMs: a.durationMs,
					responseExcerpt: a.responseExcerpt ?? null,
					error: a.error ?? null,
					succeeded: a.succeeded
				}))
		})),
		total,
		page: input.page,
		pageCount: Math.max(1, Math.ceil(total / DELIVERIES_PER_PAGE))
	};
}

/**
 * Sends a delivery again, by hand: a new delivery of the same message (same webhook-id, so a
 * receiver that did process it can tell) with its own attempts and retries.
 */
export async function redeliverWebhook(
	em: Em,
	actor: Actor,
	raw: z.input<typeof webhookDeliveryIdInput>,
	now = new Date()
): Promise<{ id: string }> {
	const { deliveryId } = webhookDeliveryIdInput.parse(raw);
	return em.transactional(async (tx) => {
		const original = await tx.findOne(WebhookDelivery, { id: deliveryId }, { populate: ['endpoint'] });
		if (!original) throw notFound('Delivery');
		if (!original.endpoint.isEnabled)
			throw new AppError('CONFLICT', 'This endpoint is disabled: enable it before redelivering.');
		const copy = tx.create(WebhookDelivery, {
			endpoint: original.endpoint,
			messageId: original.messageId,
			eventType: original.eventType,
			payload: original.payload,
			isManual: true,
			nextAttemptAt: now,
			createdAt: now
		});
		await tx.flush();
		await enqueue(tx, webhookDeliverJob, { deliveryId: copy.id, attempt: 1 });
		recordAudit(tx, actor, {
			action: 'webhook.redeliver',
			recordType: 'webhook_endpoint',
			recordId: original.endpoint.id,
			details: { deliveryId: original.id, newDeliveryId: copy.id, messageId: copy.messageId }
		});
		return { id: copy.id };
	});
}

// ---------------------------------------------------------------------------------------------
// Events → deliveries (the domain-event listener)

/** What a receiver gets about an event: ids and links to read the rest through the REST API. */
export function eventData(event: DomainEvent, origin: string): Record<string, unknown> {
	const api = `${origin}/api/v1`;
	switch (event.type) {
		case 'team_case.created':
		case 'team_case.closed':
			return { id: event.caseId, links: { self: `${api}/team_cases/${event.caseId}` } };
		case 'team_case.acknowledged':
			return {
				id: event.caseId,
				acknowledged_by_user_id: event.userId,
				links: { self: `${api}/team_cases/${event.caseId}` }
			};
		case 'team_case.escalated':
			return { id: event.caseId, step: event.step, links: { self: `${api}/team_cases/${event.caseId}` } };
		case 'team_case.updated':
			return { id: event.caseId, change: event.change, links: { self: `${api}/team_cases/${event.caseId}` } };
		case 'patient.created':
		case 'patient.updated':
			return { id: event.patientId, links: { self: `${api}/patients/${event.patientId}` } };
		case 'appointment.booked':
		case 'appointment.moved':
		case 'appointment.cancelled':
			return { id: event.appointmentId, patient_id: event.patientId };
		case 'appointment_request.created':
			return { id: event.requestId, patient_id: event.patientId };
		case 'appointment_request.decided':
			return { id: event.requestId, patient_id: event.patientId, decision: event.decision };
	}
}

/**
 * The listener: one delivery per enabled endpoint subscribed to the event, written and enqueued in
 * the publisher's transaction `tx`. One indexed read when nobody listens.
 */
export async function enqueueWebhookDeliveries(tx: Em, event: DomainEvent, now = new Date()): Promise<void> {
	const endpoints = await tx.execute<{ id: string }[]>(
		`select id::text as id from webhook_endpoint where is_enabled and ? = any(events) order by id`,
		[event.type]
	);
	if (!endpoints.length) return;
	const payload = JSON.stringify({
		type: event.type,
		timestamp: now.toISOString(),
		data: eventData(event, getConfig().ORIGIN)
	});
	const deliveries = endpoints.map((e) =>
		tx.create(WebhookDelivery, {
			endpoint: tx.getReference(WebhookEndpoint, e.id),
			messageId: newMessageId(),
			eventType: event.type,
			payload,
			nextAttemptAt: now,
			createdAt: now
		})
	);
	await tx.flush();
	for (const delivery of deliveries)
		await enqueue(tx, webhookDeliverJob, { deliveryId: delivery.id, attempt: 1 });
}

// ---------------------------------------------------------------------------------------------
// Delivering (the worker)

interface AttemptResult {
	statusCode: number | null;
	durationMs: number;
	responseExcerpt: string | null;
	error: string | null;
	succeeded: boolean;
}

async function excerptOf(response: Response): Promise<string | null> {
	if (!response.body) return null;
	const reader = response.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	try {
		while (size < EXCERPT_LENGTH * 4) {
			const { done, value } = await reader.read();
			if (done) break;
			chunks.push(value);
			size += value.byteLength;
		}
	} finally {
		await reader.cancel().catch(() => {});
	}
	const text = Buffer.concat(chunks)
		.toString('utf8')
		// PostgreSQL text cannot hold NUL.
		.replaceAll(String.fromCharCode(0), '');
	return text ? text.slice(0, EXCERPT_LENGTH) : null;
}

async function post(
	url: string,
	headers: Record<string, string>,
	body: string,
	fetcher: typeof fetch
): Promise<AttemptResult> {
	const started = performance.now();
	try {
		const response = await fetcher(url, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json', 'User-Agent': 'Casebook-Webhooks/1', ...headers },
			body,
			// A redirect is an answer, not a new destination: an endpoint says where it is itself.
			redirect: 'manual',
			signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)
		});
		const responseExcerpt = await excerptOf(response).catch(() => null);
		return {
			statusCode: response.status,
			durationMs: Math.round(performance.now() - started),
			responseExcerpt,
			error: null,
			succeeded: response.status >= 200 && response.status < 300
		};
	} catch (error) {
		const cause = (error as { cause?: { code?: string; message?: string } }).cause;
		const message =
			error instanceof Error && error.name === 'TimeoutError'
				? `No answer within ${ATTEMPT_TIMEOUT_MS / 1000} seconds`
				: (cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : 'Request failed'));
		return {
			statusCode: null,
			durationMs: Math.round(performance.now() - started),
			responseExcerpt: null,
			error: String(message).slice(0, 500),
			succeeded: false
		};
	}
}

export type DeliveryOutcome = 'succeeded' | 'retrying' | 'failed' | 'stale' | 'endpoint-disabled';

/**
 * One attempt at a delivery. Re-reads the delivery and its endpoint first (a delivery that was
 * already attempted this many times, succeeded, or whose endpoint is disabled or gone: nothing to
 * do), posts outside any transaction, then logs the attempt and schedules the retry or disables
 * the endpoint in one transaction. The attempt number is unique per delivery, so a job retried
 * after a crash never logs or schedules twice.
 */
export async function deliverWebhook(
	em: Em,
	data: WebhookDeliverJobData,
	options: { now?: () => Date; fetch?: typeof fetch } = {}
): Promise<DeliveryOutcome> {
	const clock = options.now ?? (() => new Date());
	const read = em.fork();
	const delivery = await read.findOne(WebhookDelivery, { id: data.deliveryId }, { populate: ['endpoint'] });
	if (!delivery || delivery.status !== 'pending' || delivery.attemptCount !== data.attempt - 1)
		return 'stale';
	const endpoint = delivery.endpoint;
	if (!endpoint.isEnabled) {
		await em.nativeUpdate(
			WebhookDelivery,
			{ id: delivery.id, status: 'pending' },
			{ status: 'failed', nextAttemptAt: null }
		);
		return 'endpoint-disabled';
	}
	const at = clock();
	const secrets = [endpoint.secret];
	if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at)
		secrets.push(endpoint.previousSecret);
	const result = await post(
		endpoint.url,
		signedHeaders(secrets, delivery.messageId, at, delivery.payload),
		delivery.payload,
		options.fetch ?? fetch
	);
	const now = clock();

	return em.transactional(async (tx) => {
		const row = await tx.findOne(
			WebhookDelivery,
			{ id: delivery.id },
			{ lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }
		);
		if (!row || row.status !== 'pending' || row.attemptCount !== data.attempt - 1) return 'stale';
		tx.create(WebhookAttempt, { delivery: row, attempt: data.attempt, at, ...result });
		row.attemptCount = data.attempt;
		row.lastAttemptAt = at;
		const ep = await tx.findOneOrFail(
			WebhookEndpoint,
			{ id: endpoint.id },
			{ lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }
		);
		if (result.succeeded) {
			row.status = 'succeeded';
			row.nextAttemptAt = null;
			ep.failingSince = null;
			await tx.flush();
			return 'succeeded';
		}
		ep.failingSince ??= at;
		if (ep.isEnabled && now.getTime() - ep.failingSince.getTime() >= DISABLE_AFTER_MS) {
			await disableEndpoint(tx, ep, now);
			row.status = 'failed';
			row.nextAttemptAt = null;
			await tx.flush();
			return 'endpoint-disabled';
		}
		const delay = RETRY_DELAYS_SECONDS[data.attempt - 1];
		if (delay === undefined || !ep.isEnabled) {
			row.status = 'failed';
			row.nextAttemptAt = null;
			await tx.flush();
			return 'failed';
		}
		row.nextAttemptAt = new Date(now.getTime() + delay * 1000);
		await tx.flush();
		await enqueue(
			tx,
			webhookDeliverJob,
			{ deliveryId: row.id, attempt: data.attempt + 1 },
			{ startAfter: row.nextAttemptAt }
		);
		return 'retrying';
	});
}

/** Disables an endpoint that kept failing and emails its admin (or every admin, if they are gone). */
async function disableEndpoint(tx: Em, endpoint: WebhookEndpoint, now: Date): Promise<void> {
	endpoint.isEnabled = false;
	endpoint.disabledAt = now;
	endpoint.disabledReason = `Every delivery failed for 24 hours (since ${endpoint.failingSince!.toISOString()})`;
	await tx.populate(endpoint, ['createdBy']);
	const creator = endpoint.createdBy;
	const recipients =
		creator && creator.isActive && creator.roles.includes('admin')
			? [creator]
			: (await tx.find(User, { kind: 'staff', isActive: true })).filter((u) => u.roles.includes('admin'));
	const link = `${getConfig().ORIGIN}/admin/webhooks/${endpoint.id}`;
	for (const admin of recipients) {
		await queueNotification(tx, {
			channel: 'email',
			recipient: admin.email,
			purpose: `webhook-disabled:${endpoint.id}:${now.getTime()}:${admin.id}`,
			subject: 'A webhook endpoint was disabled',
			body: [
				`Hello ${admin.name},`,
				'',
				`Casebook could not deliver events to ${endpoint.url} for 24 hours, so it stopped sending them there.`,
				'',
				`See the attempts, fix the receiver, then enable the endpoint and redeliver what it missed: ${link}`
			].join('\n'),
			related: { type: 'webhook_endpoint', id: endpoint.id }
		});
	}
}
