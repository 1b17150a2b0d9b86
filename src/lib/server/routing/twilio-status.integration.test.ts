// Twilio delivery reports for pages (issue 15): a status only ever moves a message forward
// (NOTIFICATION_STATUS_RANK), and a late failure report pages nobody by email when the case was
// acknowledged or closed meanwhile. The pages go out through the real twilio SDK to the stand-in;
// the reports are what the signed /webhooks/twilio/status endpoint hands to handleStatusCallback.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { User } from '../auth/user.entity.ts';
import { runEscalationStep, sendCase } from './routing.service.ts';
import { actorFor, callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, standinTransports, type TestDb } from '../testing/harness.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../testing/smtp-catcher.ts';
import { startTwilioStandin, type TwilioStandin } from '../testing/twilio-standin.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { sendNotification } from '../notifications/notifications.service.ts';
import { handleStatusCallback } from './twilio-webhooks.ts';

let db: TestDb;
let smtp: SmtpCatcher;
let sms: TwilioStandin;
let admin: User;
let scheduler: User;

beforeAll(async () => {
	[db, smtp, sms] = await Promise.all([openTestDb(), startSmtpCatcher(), startTwilioStandin()]);
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
});
afterAll(async () => {
	await Promise.all([db?.close(), smtp?.close(), sms?.close()]);
});

let mobileCounter = 0;
function uniqueMobile(): string {
	mobileCounter += 1;
	return `+614${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${String(mobileCounter).padStart(4, '0')}`;
}

/**
 * An Urgent case sent to a one-member team, its first step run (an SMS page) and the page sent
 * through Twilio: returns the member, the case and the page's message sid.
 */
async function pagedCase() {
	const api = callerFor(db.em(), admin);
	const team = await api.teams.create({ name: `Team ${uniqueSuffix()}` });
	const member = await createTestUser(db.em(), { roles: ['practitioner'], mobile: uniqueMobile() });
	await api.teams.addMember({ teamId: team.id, userId: member.id });
	const sent = await sendCase(db.em(), actorFor(scheduler), {
		subject: `Chest pain ${uniqueSuffix()}`,
		teamIds: [team.id],
		priority: 'urgent'
	});
	const step = { caseId: sent.id, teamId: team.id, generation: 1, round: 0, stepIndex: 0 };
	expect(await runEscalationStep(db.em(), step)).toBe('paged');
	const page = await db.em().findOneOrFail(Notification, { relatedType: 'case', relatedId: sent.id });
	expect(page.channel).toBe('sms');
	const result = await sendNotification(db.em(), {
		notificationId: page.id,
		transports: standinTransports({ smtp, twilio: sms }),
		isLastAttempt: false
	});
	expect(result?.status).toBe('sent');
	return { member, caseId: sent.id, sid: result!.providerId!, pageId: page.id };
}

const report = (sid: string, status: string, errorCode?: string) =>
	handleStatusCallback(db.em(), {
		MessageSid: sid,
		MessageStatus: status,
		...(errorCode ? { ErrorCode: errorCode } : {})
	});

async function fallbacksFor(pageId: string) {
	return db.em().count(Notification, { purpose: `case-page-fallback:${pageId}` });
}

describe('Twilio delivery reports', () => {
	it('keep “delivered” when a “failed” arrives after it, and page nobody by email for the acknowledged case', async () => {
		const { member, caseId, sid, pageId } = await pagedCase();
		expect(await report(sid, 'delivered')).toBe('ok');
		await callerFor(db.em(), member).cases.acknowledge({ caseId });

		expect(await report(sid, 'failed', '30008')).toBe('ok');
		const page = await db.em().findOneOrFail(Notification, { id: pageId });
		expect(page.status).toBe('delivered');
		expect(page.deliveredAt).toBeInstanceOf(Date);
		expect(page.error).toBeNull();
		expect(await fallbacksFor(pageId)).toBe(0);
	});

	it('only move forward: “sent” or “undelivered” never replace a later status, a late “delivered” does', async () => {
		const { sid, pageId } = await pagedCase();
		const status = async () => (await db.em().findOneOrFail(Notification, { id: pageId })).status;

		await report(sid, 'delivered');
		await report(sid, 'sent');
		await report(sid, 'undelivered', '30003');
		expect(await status()).toBe('delivered');

		const second = await pagedCase();
		const secondStatus = async () =>
			(await db.em().findOneOrFail(Notification, { id: second.pageId })).status;
		await report(second.sid, 'failed', '30006');
		await report(second.sid, 'undelivered', '30003');
		await report(second.sid, 'sent');
		const failed = await db.em().findOneOrFail(Notification, { id: second.pageId });
		expect(failed).toMatchObject({ status: 'failed', error: 'Twilio error 30006' });
		// The case still waited for someone, so the failure reached them by email, once.
		expect(await fallbacksFor(second.pageId)).toBe(1);
		await report(second.sid, 'delivered');
		expect(await secondStatus()).toBe('delivered');
	});

	it('send no email fallback for an undelivered page of a case that was acknowledged or closed since', async () => {
		const acknowledged = await pagedCase();
		await callerFor(db.em(), acknowledged.member).cases.acknowledge({ caseId: acknowledged.caseId });
		expect(await report(acknowledged.sid, 'undelivered', '30003')).toBe('ok');
		expect(
			(await db.em().findOneOrFail(Notification, { id: acknowledged.pageId })).status,
			'the report itself is recorded'
		).toBe('undelivered');
		expect(await fallbacksFor(acknowledged.pageId)).toBe(0);

		const closed = await pagedCase();
		const api = callerFor(db.em(), admin);
		const current = await api.cases.get({ id: closed.caseId });
		await api.cases.close({ id: closed.caseId, version: current.version });
		expect(await report(closed.sid, 'failed', '30008')).toBe('ok');
		expect(await fallbacksFor(closed.pageId)).toBe(0);

		// A case nobody has answered yet still gets the fallback.
		const waiting = await pagedCase();
		await report(waiting.sid, 'undelivered', '30003');
		expect(await fallbacksFor(waiting.pageId)).toBe(1);
		const fallback = await db
			.em()
			.findOneOrFail(Notification, { purpose: `case-page-fallback:${waiting.pageId}` });
		expect(fallback.recipient).toBe(waiting.member.email);
	});
});
