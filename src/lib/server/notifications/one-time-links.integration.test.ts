// One-time links (issue 15): a password or portal sign-in link reaches its recipient live through
// a real provider (SMTP catcher, Twilio stand-in), and the stored notification keeps it only as
// "[link hidden]" from then on; in outbox mode the outbox is the delivery channel and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetPassword, sendPasswordLink } from '../auth/auth.service.ts';
import { User } from '../auth/user.entity.ts';
import { beginPortalSession } from '../portal/portal-auth.service.ts';
import { Case } from '../cases/case.entity.ts';
import { createClinic, createPatient, nextSlot } from '../testing/clinic-fixtures.ts';
import { actorFor, callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, standinTransports, testConfig, type TestDb } from '../testing/harness.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../testing/smtp-catcher.ts';
import { startTwilioStandin, type TwilioStandin } from '../testing/twilio-standin.ts';
import { Notification } from './notification.entity.ts';
import { queueNotification, sendNotification } from './notifications.service.ts';
import { createTransports, type Transports } from './transports.ts';

let db: TestDb;
let smtp: SmtpCatcher;
let sms: TwilioStandin;

beforeAll(async () => {
	[db, smtp, sms] = await Promise.all([openTestDb(), startSmtpCatcher(), startTwilioStandin()]);
});
afterAll(async () => {
	await Promise.all([db?.close(), smtp?.close(), sms?.close()]);
});

const RESET_LINK = /\/reset-password\?token=([\w%-]+)/;
const PORTAL_LINK = /\/portal\/link\/([\w-]+)/;

async function send(id: string, transports: Transports = standinTransports({ smtp, twilio: sms })) {
	return sendNotification(db.em(), { notificationId: id, transports, isLastAttempt: false });
}

async function stored(id: string) {
	return db.em().findOneOrFail(Notification, { id });
}

/** What "Forgot your password?" queues for an account (the job behind the form calls this). */
async function emailResetLink(userId: string) {
	await db.em().transactional(async (tx) => {
		await sendPasswordLink(tx, await tx.findOneOrFail(User, { id: userId }), 'reset');
	});
}

async function resetEmailOf(userId: string) {
	return db
		.em()
		.findOneOrFail(Notification, { relatedType: 'user', relatedId: userId }, { orderBy: { id: 'desc' } });
}

async function portalMessageTo(recipient: string) {
	return db
		.em()
		.findOneOrFail(
			Notification,
			{ recipient, purpose: { $like: 'portal-link:%' } },
			{ orderBy: { id: 'desc' } }
		);
}

describe('a message with a one-time link, sent through a real provider', () => {
	it('delivers a working password-reset link by SMTP, and the stored email shows “link hidden” instead', async () => {
		const user = await createTestUser(db.em());
		await emailResetLink(user.id);
		const queued = await resetEmailOf(user.id);
		// Until the worker has sent it, the queued row is what it sends from.
		expect(queued.body).toMatch(RESET_LINK);

		expect((await send(queued.id))?.status).toBe('sent');
		const mail = await smtp.waitFor((m) => m.to.includes(user.email) && RESET_LINK.test(m.text));
		const token = decodeURIComponent(RESET_LINK.exec(mail.text)![1]!);

		const after = await stored(queued.id);
		expect(after.body).not.toContain(token);
		expect(after.body).not.toMatch(RESET_LINK);
		expect(after.body).toContain('[link hidden]');
		expect(after.body).toContain(user.name);
		expect(after.redactedAt).toBeInstanceOf(Date);
		// Nothing an admin can read in the outbox (or a backup) holds the link any more.
		const admin = await createTestUser(db.em(), { roles: ['admin'] });
		const listed = await callerFor(db.em(), admin).notifications.find({ search: user.email });
		expect(JSON.stringify(listed)).not.toContain(token);

		// The emailed link is the live one.
		await resetPassword(db.em(), actorFor(null), { token, password: 'a brand new password 15' });
	});

	it('delivers a working portal sign-in link by SMS through Twilio, and keeps it hidden afterwards', async () => {
		const mobile = `+6149157${Math.floor(1000 + Math.random() * 8999)}`;
		const patient = await createPatient(db.em(), 'Linked', { mobile });
		const scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
		await callerFor(db.em(), scheduler).portalLinks.send({ patientId: patient.id, channel: 'sms' });
		const queued = await portalMessageTo(mobile);
		expect(queued.body).toMatch(PORTAL_LINK);

		const sent = await send(queued.id);
		const delivered = sms.messages.find((m) => m.sid === sent?.providerId);
		const token = PORTAL_LINK.exec(delivered?.body ?? '')?.[1];
		expect(token).toMatch(/^[\w-]{40,}$/);

		const after = await stored(queued.id);
		expect(after.body).not.toContain(token);
		expect(after.body).toContain('[link hidden]');
		expect(after.body).toContain('sign in to your patient portal');

		const session = await beginPortalSession(db.em(), actorFor(null), { token: token! });
		expect(session.patientId).toBe(patient.id);
	});

	it('delivers a reservation’s confirm link (which signs the patient in) and keeps it hidden afterwards', async () => {
		const clinic = await createClinic(db.em());
		const email = `reserved-${uniqueSuffix()}@example.test`;
		const patient = await createPatient(db.em(), 'Reserved', { email, reminderType: 'Email' });
		const em = db.em();
		const caseRow = em.create(Case, { name: 'Neck pain', patient: patient.id, issuedOn: '2030-01-01' });
		await em.flush();
		await callerFor(db.em(), clinic.scheduler).appointments.reserve({
			patientId: patient.id,
			caseId: caseRow.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot()
		});
		const queued = await portalMessageTo(email);
		expect((await send(queued.id))?.status).toBe('sent');
		const mail = await smtp.waitFor((m) => m.to.includes(email) && PORTAL_LINK.test(m.text));
		const token = PORTAL_LINK.exec(mail.text)![1]!;

		const after = await stored(queued.id);
		expect(after.body).not.toContain(token);
		expect(after.body).toContain('[link hidden]');
		expect(after.subject).toMatch(/please confirm your appointment/);
		const session = await beginPortalSession(db.em(), actorFor(null), { token });
		expect(session.patientId).toBe(patient.id);
	});

	it('hides a secret the sender marks, and keeps the text for a retry until the provider takes it', async () => {
		const to = `code-${uniqueSuffix()}@example.test`;
		const code = `CODE-${uniqueSuffix()}`;
		const { notification } = await db.em().transactional((em) =>
			queueNotification(em, {
				channel: 'email',
				recipient: to,
				purpose: `test:secret:${uniqueSuffix()}`,
				subject: 'Your code',
				body: `Your code is ${code}.`,
				secrets: [code]
			})
		);
		smtp.failRecipient(to, 451, 'Try again later');
		await expect(send(notification.id)).rejects.toThrow(/Try again later/);
		expect((await stored(notification.id)).body).toBe(`Your code is ${code}.`);

		const retried = `retry-${uniqueSuffix()}@example.test`;
		// The same message to an address that accepts it: the provider takes it, the copy loses the code.
		await db.em().nativeUpdate(Notification, { id: notification.id }, { recipient: retried });
		expect((await send(notification.id))?.status).toBe('sent');
		const mail = await smtp.waitFor((m) => m.to.includes(retried));
		expect(mail.text).toContain(code);
		expect((await stored(notification.id)).body).toBe('Your code is [link hidden].');
	});
});

describe('outbox mode (no provider)', () => {
	it('keeps the live link in the outbox, which says it is how messages are delivered', async () => {
		const user = await createTestUser(db.em());
		await emailResetLink(user.id);
		const queued = await resetEmailOf(user.id);
		const result = await send(queued.id, createTransports(testConfig()));
		expect(result).toMatchObject({ status: 'sent', transport: 'outbox' });
		const after = await stored(queued.id);
		expect(after.body).toMatch(RESET_LINK);
		expect(after.redactedAt).toBeNull();

		const admin = await createTestUser(db.em(), { roles: ['admin'] });
		const outbox = await callerFor(db.em(), admin).notifications.find({
			outboxOnly: true,
			search: user.email
		});
		expect(outbox.items.map((i) => i.id)).toEqual([queued.id]);
		expect(outbox.items[0]!.body).toMatch(RESET_LINK);
		// The test environment has no SMTP or Twilio settings: the outbox is the delivery channel.
		expect(outbox.delivery).toEqual({ email: 'outbox', sms: 'outbox' });
	});
});
