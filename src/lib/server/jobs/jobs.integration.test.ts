import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notification } from '../notifications/notification.entity.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import { createTransports } from '../notifications/transports.ts';
import { openTestDb, startTestWorker, testConfig, type TestDb } from '../testing/harness.ts';
import { waitFor } from '../testing/smtp-catcher.ts';
import { enqueue } from './boss.ts';
import { notificationSend } from '../notifications/notification.jobs.ts';

let db: TestDb;

beforeAll(async () => {
	db = await openTestDb();
});
afterAll(async () => {
	await db?.close();
});

async function jobsFor(notificationId: string) {
	return db
		.em()
		.getConnection()
		.execute<{ id: string; state: string }[]>(
			`select id, state from ${db.bossSchema}.job where name = ? and data->>'notificationId' = ?`,
			[notificationSend.name, notificationId]
		);
}

describe('jobs are sent in the caller transaction', () => {
	it('leaves neither the change nor its job when the transaction rolls back', async () => {
		let id = '';
		await expect(
			db.em().transactional(async (em) => {
				const { notification } = await queueNotification(em, {
					channel: 'email',
					recipient: 'rollback@example.test',
					purpose: `test:rollback:${crypto.randomUUID()}`,
					subject: 'Never sent',
					body: 'This transaction rolls back'
				});
				id = notification.id;
				expect(await jobsFor(id)).toHaveLength(0); // not visible outside the transaction yet
				throw new Error('boom');
			})
		).rejects.toThrow('boom');
		expect(id).not.toBe('');
		expect(await db.em().findOne(Notification, { id })).toBeNull();
		expect(await jobsFor(id)).toHaveLength(0);
	});

	it('keeps both when the transaction commits, and the worker runs the job', async () => {
		const purpose = `test:commit:${crypto.randomUUID()}`;
		const notification = await db.em().transactional(async (em) => {
			const queued = await queueNotification(em, {
				channel: 'sms',
				recipient: '+61491570110',
				purpose,
				body: 'Committed'
			});
			return queued.notification;
		});
		const jobs = await jobsFor(notification.id);
		expect(jobs).toHaveLength(1);

		// No providers configured: the worker delivers to the outbox.
		const worker = await startTestWorker(db, createTransports(testConfig()));
		try {
			const sent = await waitFor(
				async () => {
					const n = await db.em().findOne(Notification, { id: notification.id });
					return n?.status === 'sent' ? n : undefined;
				},
				15_000,
				'the notification to be sent'
			);
			expect(sent.transport).toBe('outbox');
			expect(sent.attempts).toBe(1);
			// pg-boss marks the job completed just after the handler's transaction commits.
			const completed = await waitFor(
				async () => ((await jobsFor(notification.id))[0]?.state === 'completed' ? true : undefined),
				15_000,
				'the job to be completed'
			);
			expect(completed).toBe(true);
		} finally {
			await worker.stop();
		}
	});

	it('refuses to enqueue outside a transaction', async () => {
		await expect(enqueue(db.em(), notificationSend, { notificationId: '1' })).rejects.toThrow(
			/must run inside em.transactional/
		);
	});
});
