import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCatcher, type SmtpCatcher } from '../testing/smtp-catcher.ts';
import { startTwilioStandin, type TwilioStandin } from '../testing/twilio-standin.ts';
import { openTestDb, standinTransports, startTestWorker, type TestDb } from '../testing/harness.ts';
import { waitFor } from '../testing/smtp-catcher.ts';
import { Notification } from './notification.entity.ts';
import { queueNotification, sendNotification, type QueueNotificationInput } from './notifications.service.ts';
import { createTransports } from './transports.ts';
import { testConfig } from '../testing/harness.ts';
import { findNotifications } from './notifications.queries.ts';
import { findNotificationsInput } from './notifications.schemas.ts';

let db: TestDb;
let smtp: SmtpCatcher;
let sms: TwilioStandin;

beforeAll(async () => {
	[db, smtp, sms] = await Promise.all([openTestDb(), startSmtpCatcher(), startTwilioStandin()]);
});
afterAll(async () => {
	await Promise.all([db?.close(), smtp?.close(), sms?.close()]);
});

const unique = () => crypto.randomUUID().slice(0, 8);

async function queue(input: Omit<QueueNotificationInput, 'purpose'> & { purpose?: string }) {
	return db.em().transactional(async (em) => {
		const { notification } = await queueNotification(em, { purpose: `test:${unique()}`, ...input });
		return notification;
	});
}

async function send(
	id: string,
	transports = standinTransports({ smtp, twilio: sms }),
	isLastAttempt = false
) {
	return sendNotification(db.em(), { notificationId: id, transports, isLastAttempt });
}

describe('email through Nodemailer to a real SMTP server', () => {
	it('delivers subject, text and sender, and records the provider id', async () => {
		const to = `patient-${unique()}@example.test`;
		const n = await queue({
			channel: 'email',
			recipient: to,
			subject: 'Your appointment',
			body: 'See you at 9:00.'
		});
		const sent = await send(n.id);
		expect(sent?.status).toBe('sent');
		expect(sent?.transport).toBe('smtp');
		const mail = await smtp.waitFor((m) => m.to.includes(to));
		expect(mail.subject).toBe('Your appointment');
		expect(mail.text.trim()).toBe('See you at 9:00.');
		expect(mail.from).toBe('casebook@clinic.test');
		expect(sent?.providerId).toBe(mail.parsed.messageId);
	});

	it('fails at once, with the reason, when the server rejects the recipient permanently (5xx)', async () => {
		const to = `gone-${unique()}@example.test`;
		smtp.failRecipient(to, 550, 'No such user here');
		const n = await queue({ channel: 'email', recipient: to, subject: 'Hello', body: 'Hi' });
		const result = await send(n.id);
		expect(result?.status).toBe('failed');
		expect(result?.error).toMatch(/No such user here/);
		expect(result?.attempts).toBe(1);
	});

	it('keeps a transient (4xx) failure queued for retry, then fails it on the last attempt', async () => {
		const to = `busy-${unique()}@example.test`;
		smtp.failRecipient(to, 451, 'Greylisted, try later');
		const n = await queue({ channel: 'email', recipient: to, subject: 'Hello', body: 'Hi' });
		await expect(send(n.id)).rejects.toThrow(/Greylisted/);
		const after = await db.em().findOneOrFail(Notification, { id: n.id });
		expect(after.status).toBe('queued');
		expect(after.error).toMatch(/Greylisted/);
		const last = await send(n.id, undefined, true);
		expect(last?.status).toBe('failed');
		expect(last?.attempts).toBe(2);
	});
});

describe('SMS through the twilio SDK to a local Twilio API stand-in', () => {
	it('delivers the body from the configured number and records the message sid', async () => {
		const to = '+61491570111';
		const n = await queue({ channel: 'sms', recipient: to, body: `Urgent case ${unique()}` });
		const sent = await send(n.id);
		expect(sent?.status).toBe('sent');
		expect(sent?.transport).toBe('twilio');
		const message = sms.messages.find((m) => m.sid === sent?.providerId);
		expect(message).toMatchObject({ to, from: sms.from, body: n.body });
		expect(message?.statusCallback).toBe('http://casebook.test/webhooks/twilio/status');
	});

	it('fails at once on a permanent Twilio error (21211 invalid number)', async () => {
		const to = '+61491570112';
		sms.failNumber(to, 21211, 400, "The 'To' number is not a valid phone number.");
		const n = await queue({ channel: 'sms', recipient: to, body: 'Hello' });
		const result = await send(n.id);
		expect(result?.status).toBe('failed');
		expect(result?.error).toMatch(/21211/);
	});

	it('retries through a Twilio outage (503) with the worker until it is sent', async () => {
		const to = '+61491570113';
		sms.failNext(1);
		const worker = await startTestWorker(db, standinTransports({ smtp, twilio: sms }));
		try {
			const n = await queue({ channel: 'sms', recipient: to, body: 'After the outage' });
			const sent = await waitFor(
				async () => {
					const row = await db.em().findOne(Notification, { id: n.id });
					return row?.status === 'sent' ? row : undefined;
				},
				20_000,
				'the SMS to be sent after a retry'
			);
			expect(sent.attempts).toBe(2);
			expect(sms.messages.filter((m) => m.to === to)).toHaveLength(1);
		} finally {
			await worker.stop();
		}
	});
});

describe('the outbox and idempotency', () => {
	it('keeps messages in the outbox when no provider is configured', async () => {
		const n = await queue({
			channel: 'email',
			recipient: `outbox-${unique()}@example.test`,
			subject: 'Kept',
			body: 'In the outbox'
		});
		const result = await send(n.id, createTransports(testConfig()));
		expect(result).toMatchObject({ status: 'sent', transport: 'outbox', providerId: `outbox-${n.id}` });
		const listed = await findNotifications(
			db.em(),
			findNotificationsInput.parse({ outboxOnly: true, search: n.recipient })
		);
		expect(listed.items.map((i) => i.id)).toEqual([n.id]);
	});

	it('sends a purpose at most once, however often it is queued or the job retried', async () => {
		const purpose = `test:once:${unique()}`;
		const to = `once-${unique()}@example.test`;
		const first = await queue({
			channel: 'email',
			recipient: to,
			subject: 'Once',
			body: 'Only once',
			purpose
		});
		const second = await queue({
			channel: 'email',
			recipient: to,
			subject: 'Once',
			body: 'Only once',
			purpose
		});
		expect(second.id).toBe(first.id);
		await send(first.id);
		await send(first.id); // a retried job finds it already sent
		expect(smtp.messages.filter((m) => m.to.includes(to))).toHaveLength(1);
	});

	it('rejects a malformed recipient before storing anything', async () => {
		await expect(queue({ channel: 'sms', recipient: '0400 000 000', body: 'x' })).rejects.toThrow();
		await expect(
			queue({ channel: 'email', recipient: 'not-an-email', subject: 's', body: 'x' })
		).rejects.toThrow();
	});
});
