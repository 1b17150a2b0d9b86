// Signed outbound webhooks (issue 21), checked by someone else's verifier: a local receiver uses
// the `standardwebhooks` library, as an integrator would. Deliveries are enqueued in the event's
// transaction, attempted (by the job's handler, run here in-process), logged, retried on the
// schedule, the endpoint disabled after 24 hours of failures (time by back-dating), and redelivered
// by hand. Rotating a secret signs with both secrets during the overlap.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { User } from '../auth/user.entity.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { sendCase } from '../routing/routing.service.ts';
import { actorFor, callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { queuedJobs } from '../testing/queued-jobs.ts';
import { getConfig } from '../config.ts';
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from './webhook.entity.ts';
import type { WebhookDeliverJobData } from './webhooks.jobs.ts';
import { deliverWebhook, RETRY_DELAYS_SECONDS } from './webhooks.service.ts';

interface Received {
	headers: Record<string, string>;
	body: string;
}

/** A receiver that answers `status` (changeable) and keeps what it got. */
async function startReceiver() {
	const received: Received[] = [];
	const state = { status: 200, answer: 'ok' };
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const headers: Record<string, string> = {};
			for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
			received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(state.status, { 'Content-Type': 'text/plain' }).end(state.answer);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}/hooks`,
		received,
		state,
		close: () => new Promise<void>((resolve) => server.close(() => resolve()))
	};
}

let db: TestDb;
let admin: User;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let teamId: string;

beforeAll(async () => {
	[db, receiver] = await Promise.all([openTestDb(), startReceiver()]);
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	const team = await callerFor(db.em(), admin).teams.create({
		name: `Imaging ${uniqueSuffix()}`,
		acceptsExternalCases: false
	});
	teamId = team.id;
});
afterAll(async () => {
	await Promise.all([db?.close(), receiver?.close()]);
});

const admins = () => callerFor(db.em(), admin).webhooks;

async function endpointFor(events: string[], url = receiver.url) {
	return admins().create({ url, description: 'Records system', events: events as never });
}

async function sendTeamCase(subject = `Finding ${uniqueSuffix()}`) {
	return sendCase(db.em(), actorFor(admin), { subject, teamIds: [teamId], priority: 'urgent' });
}

async function deliveriesOf(endpointId: string) {
	return db.em().find(WebhookDelivery, { endpoint: endpointId }, { orderBy: { id: 'asc' } });
}

async function jobsOf(deliveryId: string) {
	return queuedJobs<WebhookDeliverJobData>(db, 'webhook.deliver', 'deliveryId', deliveryId);
}

function lastReceived(): Received {
	return receiver.received.at(-1)!;
}

describe('endpoints', () => {
	it('are for admins only', async () => {
		const scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
		await expect(callerFor(db.em(), scheduler).webhooks.find()).rejects.toMatchObject({ code: 'FORBIDDEN' });
	});

	it('must be https, except localhost while Casebook runs locally', async () => {
		await expect(endpointFor(['team_case.created'], 'http://example.org/hook')).rejects.toMatchObject({
			message: expect.stringMatching(/https/)
		});
		await expect(endpointFor(['team_case.created'], 'https://user:pw@example.org/hook')).rejects.toThrow();
		const local = await endpointFor(['team_case.created'], 'http://localhost:9/hook');
		expect(local.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
		await admins().delete({ id: local.endpoint.id });
	});

	it('never show the secret again after it was made', async () => {
		const made = await endpointFor(['patient.created']);
		const listed = (await admins().find()).find((e) => e.id === made.endpoint.id)!;
		expect(JSON.stringify(listed)).not.toContain(made.secret);
		expect(JSON.stringify(await admins().get({ id: made.endpoint.id }))).not.toContain(made.secret);
		await admins().delete({ id: made.endpoint.id });
	});
});

describe('deliveries', () => {
	it('an event becomes a signed delivery that the standardwebhooks verifier accepts', async () => {
		const { endpoint, secret } = await endpointFor(['team_case.created']);
		const other = await endpointFor(['team_case.closed']);
		const sent = await sendTeamCase();
		const [delivery] = await deliveriesOf(endpoint.id);
		expect(delivery).toMatchObject({ eventType: 'team_case.created', status: 'pending' });
		expect(await deliveriesOf(other.endpoint.id)).toEqual([]);
		const [job] = await jobsOf(delivery!.id);
		expect(job).toEqual({ deliveryId: delivery!.id, attempt: 1 });

		expect(await deliverWebhook(db.em(), job!)).toBe('succeeded');
		const got = lastReceived();
		const verified = new Webhook(secret).verify(got.body, got.headers) as Record<string, unknown>;
		expect(verified).toMatchObject({
			type: 'team_case.created',
			data: { id: sent.id, links: { self: `${getConfig().ORIGIN}/api/v1/team_cases/${sent.id}` } }
		});
		expect(got.headers['webhook-id']).toBe(delivery!.messageId);

		const [attempt] = await db.em().find(WebhookAttempt, { delivery: delivery!.id });
		expect(attempt).toMatchObject({ attempt: 1, statusCode: 200, succeeded: true, responseExcerpt: 'ok' });
		expect(attempt!.durationMs).toBeGreaterThanOrEqual(0);
		// Running the same job again (a worker crash after the commit) does not post twice.
		const count = receiver.received.length;
		expect(await deliverWebhook(db.em(), job!)).toBe('stale');
		expect(receiver.received.length).toBe(count);
		await admins().delete({ id: endpoint.id });
		await admins().delete({ id: other.endpoint.id });
	});

	it('the verifier rejects a tampered body and a replayed delivery', async () => {
		const { endpoint, secret } = await endpointFor(['team_case.created']);
		await sendTeamCase();
		const [delivery] = await deliveriesOf(endpoint.id);
		await deliverWebhook(db.em(), (await jobsOf(delivery!.id))[0]!);
		const got = lastReceived();
		const verifier = new Webhook(secret);
		const tampered = got.body.replace('team_case.created', 'team_case.closed');
		expect(() => verifier.verify(tampered, got.headers)).toThrow();
		expect(() => verifier.verify(got.body, { ...got.headers, 'webhook-id': 'msg_other' })).toThrow();
		// The same request sent again ten minutes later: its timestamp is too old.
		vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 10 * 60_000 });
		try {
			expect(() => verifier.verify(got.body, got.headers)).toThrow(/timestamp/i);
		} finally {
			vi.useRealTimers();
		}
		await admins().delete({ id: endpoint.id });
	});

	it('nothing is delivered for a change that rolled back', async () => {
		const { endpoint } = await endpointFor(['team_case.created']);
		const em = db.em();
		await expect(
			em.transactional(async (tx) => {
				await sendCase(tx, actorFor(admin), {
					subject: 'Rolled back',
					teamIds: [teamId],
					priority: 'normal'
				});
				throw new Error('undo');
			})
		).rejects.toThrow('undo');
		expect(await deliveriesOf(endpoint.id)).toEqual([]);
		await admins().delete({ id: endpoint.id });
	});

	it('a failed attempt is logged and retried on the schedule; success resets the failure clock', async () => {
		const { endpoint, secret } = await endpointFor(['team_case.created']);
		await sendTeamCase();
		const [delivery] = await deliveriesOf(endpoint.id);
		receiver.state.status = 503;
		receiver.state.answer = 'down for maintenance';
		try {
			expect(await deliverWebhook(db.em(), (await jobsOf(delivery!.id))[0]!)).toBe('retrying');
		} finally {
			receiver.state.status = 200;
			receiver.state.answer = 'ok';
		}
		const failed = await db.em().findOneOrFail(WebhookAttempt, { delivery: delivery!.id, attempt: 1 });
		expect(failed).toMatchObject({
			statusCode: 503,
			succeeded: false,
			responseExcerpt: 'down for maintenance'
		});
		const afterFailure = await db.em().findOneOrFail(WebhookEndpoint, { id: endpoint.id });
		expect(afterFailure.failingSince).toBeInstanceOf(Date);
		const jobs = await jobsOf(delivery!.id);
		expect(jobs.map((j) => j.attempt)).toEqual([1, 2]);
		const row = await db.em().findOneOrFail(WebhookDelivery, { id: delivery!.id });
		const delay = row.nextAttemptAt!.getTime() - row.lastAttemptAt!.getTime();
		expect(Math.round(delay / 1000)).toBeGreaterThanOrEqual(RETRY_DELAYS_SECONDS[0]!);

		expect(await deliverWebhook(db.em(), jobs[1]!)).toBe('succeeded');
		const got = lastReceived();
		expect(() => new Webhook(secret).verify(got.body, got.headers)).not.toThrow();
		expect((await db.em().findOneOrFail(WebhookEndpoint, { id: endpoint.id })).failingSince).toBeNull();
		expect(RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(24 * 3600);
		await admins().delete({ id: endpoint.id });
	});

	it('an endpoint failing for 24 hours is disabled and its admin emailed', async () => {
		const { endpoint } = await endpointFor(['team_case.created']);
		await db
			.em()
			.nativeUpdate(
				WebhookEndpoint,
				{ id: endpoint.id },
				{ failingSince: new Date(Date.now() - 25 * 3_600_000) }
			);
		await sendTeamCase();
		const [delivery] = await deliveriesOf(endpoint.id);
		receiver.state.status = 500;
		try {
			expect(await deliverWebhook(db.em(), (await jobsOf(delivery!.id))[0]!)).toBe('endpoint-disabled');
		} finally {
			receiver.state.status = 200;
		}
		const disabled = await db.em().findOneOrFail(WebhookEndpoint, { id: endpoint.id });
		expect(disabled).toMatchObject({ isEnabled: false, disabledReason: expect.stringMatching(/24 hours/) });
		const mail = await db.em().findOneOrFail(Notification, {
			relatedType: 'webhook_endpoint',
			relatedId: endpoint.id
		});
		expect(mail).toMatchObject({ channel: 'email', recipient: admin.email });
		expect(mail.body).toContain(endpoint.url);
		// No more deliveries to a disabled endpoint, and no redelivery until it is enabled again.
		await sendTeamCase();
		expect(await deliveriesOf(endpoint.id)).toHaveLength(1);
		await expect(admins().redeliver({ deliveryId: delivery!.id })).rejects.toMatchObject({
			code: 'CONFLICT'
		});
		await admins().delete({ id: endpoint.id });
	});

	it('an admin redelivers from the log: the same message again, with its own attempts', async () => {
		const { endpoint, secret } = await endpointFor(['team_case.created']);
		await sendTeamCase();
		const [delivery] = await deliveriesOf(endpoint.id);
		await deliverWebhook(db.em(), (await jobsOf(delivery!.id))[0]!);
		const { id } = await admins().redeliver({ deliveryId: delivery!.id });
		const copy = await db.em().findOneOrFail(WebhookDelivery, { id });
		expect(copy).toMatchObject({ messageId: delivery!.messageId, isManual: true, status: 'pending' });
		expect(await deliverWebhook(db.em(), (await jobsOf(id))[0]!)).toBe('succeeded');
		const got = lastReceived();
		expect(got.headers['webhook-id']).toBe(delivery!.messageId);
		expect(() => new Webhook(secret).verify(got.body, got.headers)).not.toThrow();
		const log = await admins().get({ id: endpoint.id });
		expect(log.deliveries.map((d) => [d.isManual, d.status, d.attempts.length])).toEqual([
			[true, 'succeeded', 1],
			[false, 'succeeded', 1]
		]);
		await admins().delete({ id: endpoint.id });
	});

	it('a rotated secret signs beside the old one during the overlap', async () => {
		const { endpoint, secret: oldSecret } = await endpointFor(['team_case.created']);
		const { secret: newSecret, endpoint: rotated } = await admins().rotateSecret({ id: endpoint.id });
		expect(newSecret).not.toBe(oldSecret);
		expect(rotated.previousSecretExpiresAt).toBeInstanceOf(Date);
		await sendTeamCase();
		const [delivery] = await deliveriesOf(endpoint.id);
		await deliverWebhook(db.em(), (await jobsOf(delivery!.id))[0]!);
		const got = lastReceived();
		expect(got.headers['webhook-signature']!.split(' ')).toHaveLength(2);
		expect(() => new Webhook(oldSecret).verify(got.body, got.headers)).not.toThrow();
		expect(() => new Webhook(newSecret).verify(got.body, got.headers)).not.toThrow();
		// After the overlap only the new secret signs.
		await db
			.em()
			.nativeUpdate(
				WebhookEndpoint,
				{ id: endpoint.id },
				{ previousSecretExpiresAt: new Date(Date.now() - 1000) }
			);
		const { id } = await admins().redeliver({ deliveryId: delivery!.id });
		await deliverWebhook(db.em(), (await jobsOf(id))[0]!);
		const later = lastReceived();
		expect(() => new Webhook(oldSecret).verify(later.body, later.headers)).toThrow();
		expect(() => new Webhook(newSecret).verify(later.body, later.headers)).not.toThrow();
		await admins().delete({ id: endpoint.id });
	});
});
