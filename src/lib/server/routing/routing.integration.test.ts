// Teams, triage and escalation (issue 7) against the real worker, the real twilio SDK talking to a
// local Twilio stand-in and SMTP to a local catcher. Time is handled by back-dating: a case "sent
// six minutes ago" has its first Urgent step due a minute ago, so the worker fires it at once.
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Priority } from '../../schemas/team.ts';
import type { User } from '../auth/user.entity.ts';
import type { Runner } from '../jobs/runner.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { handleInboundSms, handleStatusCallback, isTwilioSignatureValid } from './twilio-webhooks.ts';
import { actorFor, callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, standinTransports, startTestWorker, type TestDb } from '../testing/harness.ts';
import { startSmtpCatcher, waitFor, type SmtpCatcher } from '../testing/smtp-catcher.ts';
import { startTwilioStandin, type TwilioStandin } from '../testing/twilio-standin.ts';
import { Team, TeamMember } from '../teams/team.entity.ts';
import { User as UserEntity } from '../auth/user.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { CaseEscalationStep, CaseEvent } from './routing.entity.ts';
import { runEscalationStep, sendCase } from './routing.service.ts';

let db: TestDb;
let smtp: SmtpCatcher;
let sms: TwilioStandin;
let worker: Runner;
let admin: User;
let scheduler: User;

beforeAll(async () => {
	[db, smtp, sms] = await Promise.all([openTestDb(), startSmtpCatcher(), startTwilioStandin()]);
	worker = await startTestWorker(db, standinTransports({ smtp, twilio: sms }));
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
});
afterAll(async () => {
	await worker?.stop();
	await Promise.all([db?.close(), smtp?.close(), sms?.close()]);
});

let mobileCounter = 0;
function uniqueMobile(): string {
	mobileCounter += 1;
	return `+614${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${String(mobileCounter).padStart(4, '0')}`;
}

/** A team with members (two with mobiles, one lead) made through the admin API. */
async function createTeam(options: { acceptsExternalCases?: boolean; withoutMobile?: boolean } = {}) {
	const api = callerFor(db.em(), admin);
	const team = await api.teams.create({
		name: `Team ${uniqueSuffix()}`,
		acceptsExternalCases: options.acceptsExternalCases ?? false
	});
	const lead = await createTestUser(db.em(), { roles: ['practitioner'], mobile: uniqueMobile() });
	const member = await createTestUser(db.em(), { roles: ['practitioner'], mobile: uniqueMobile() });
	const members = [lead, member];
	await api.teams.addMember({ teamId: team.id, userId: lead.id, isLead: true });
	await api.teams.addMember({ teamId: team.id, userId: member.id });
	if (options.withoutMobile) {
		const noMobile = await createTestUser(db.em(), { roles: ['practitioner'], mobile: null });
		await api.teams.addMember({ teamId: team.id, userId: noMobile.id });
		members.push(noMobile);
	}
	return { team, lead, member, members };
}

const MINUTE = 60_000;

/** Sends a case as if it happened `minutesAgo` minutes ago (the back-dated clock). */
async function sendAgo(teamIds: string[], priority: Priority, minutesAgo: number, sender: User = scheduler) {
	return sendCase(
		db.em(),
		actorFor(sender),
		{ subject: `Referral ${uniqueSuffix()}`, details: 'Chest pain on exertion', teamIds, priority },
		new Date(Date.now() - minutesAgo * MINUTE)
	);
}

async function pagesFor(caseId: string) {
	return db
		.em()
		.find(Notification, { relatedType: 'case', relatedId: caseId, purpose: { $like: 'case-page:%' } });
}

async function escalationJobs(caseId: string) {
	return db
		.em()
		.getConnection()
		.execute<
			{ state: string; start_after: Date | string; data: { generation: number; stepIndex: number } }[]
		>(
			`select state, start_after, data from ${db.bossSchema}.job where name = 'case.escalate' and data->>'caseId' = ? order by created_on`,
			[caseId]
		);
}

describe('teams', () => {
	it('start with seed 004’s default policy and warn about members who cannot get an SMS', async () => {
		const { team } = await createTeam({ withoutMobile: true });
		const view = await callerFor(db.em(), admin).teams.get({ id: team.id });
		expect(view.escalationPolicy).toEqual({
			urgent: { steps: [{ afterMinutes: 5, channel: 'sms', target: 'all' }], repeat: null },
			high: { steps: [{ afterMinutes: 10, channel: 'email', target: 'all' }], repeat: null },
			normal: { steps: [{ afterMinutes: 1440, channel: 'email', target: 'all' }], repeat: null }
		});
		expect(view.warnings.join(' ')).toMatch(/no mobile number/);
	});

	it('refuse a policy whose steps go back in time, and let only admins change teams', async () => {
		const { team, member } = await createTeam();
		const api = callerFor(db.em(), admin);
		const current = await api.teams.get({ id: team.id });
		const bad = await failureOf(
			api.teams.updatePolicy({
				teamId: team.id,
				version: current.version,
				escalationPolicy: {
					...current.escalationPolicy,
					urgent: {
						steps: [
							{ afterMinutes: 10, channel: 'sms', target: 'all' },
							{ afterMinutes: 5, channel: 'email', target: 'leads' }
						],
						repeat: null
					}
				}
			})
		);
		expect(Object.keys(bad.fieldErrors)).toContain('escalationPolicy.urgent.steps.1.afterMinutes');
		const forbidden = await failureOf(
			callerFor(db.em(), member).teams.addMember({ teamId: team.id, userId: member.id })
		);
		expect(forbidden.code).toBe('FORBIDDEN');
		// A member sees their team; another practitioner does not.
		expect((await callerFor(db.em(), member).teams.find({})).map((t) => t.id)).toContain(team.id);
		const outsider = await createTestUser(db.em(), { roles: ['practitioner'] });
		expect((await failureOf(callerFor(db.em(), outsider).teams.get({ id: team.id }))).code).toBe('NOT_FOUND');
	});
});

describe('escalation by the default policy', () => {
	it('Urgent: SMS to every member 5 minutes after sending, through the twilio SDK; a member without mobile gets email', async () => {
		const { team, members } = await createTeam({ withoutMobile: true });
		const sent = await sendAgo([team.id], 'urgent', 6);
		const [withMobile1, withMobile2, noMobile] = members as [User, User, User];
		for (const m of [withMobile1, withMobile2]) {
			const message = await sms.waitFor((x) => x.to === m.mobile && x.body.includes(`/cases/${sent.id}`));
			expect(message.body).toMatch(/^Casebook: Urgent case from .* Reply 1 to acknowledge\.$/);
			expect(message.body).not.toContain('Chest pain');
		}
		await smtp.waitFor((m) => m.to.includes(noMobile.email) && m.text.includes(`/cases/${sent.id}`));
		const [job] = await escalationJobs(sent.id);
		const sentAt = (await db.em().findOneOrFail(Case, { id: sent.id })).sentAt!;
		expect(new Date(job!.start_after).getTime()).toBe(sentAt.getTime() + 5 * MINUTE);
		const timeline = await callerFor(db.em(), withMobile1).cases.routing({ caseId: sent.id });
		const escalated = timeline?.events.find((e) => e.kind === 'escalated');
		expect(escalated?.deliveries?.map((d) => d.channel).sort()).toEqual(['email', 'sms', 'sms']);
	});

	it('High: email after 10 minutes; Normal: email after 24 hours', async () => {
		const { team, lead } = await createTeam();
		const high = await sendAgo([team.id], 'high', 11);
		const normal = await sendAgo([team.id], 'normal', 24 * 60 + 1);
		const highMail = await smtp.waitFor(
			(m) => m.to.includes(lead.email) && m.text.includes(`/cases/${high.id}`)
		);
		expect(highMail.subject).toMatch(/^\[High\]/);
		expect(highMail.text).toContain(`/cases/${high.id}?acknowledge=1`);
		const normalMail = await smtp.waitFor(
			(m) => m.to.includes(lead.email) && m.text.includes(`/cases/${normal.id}`)
		);
		expect(normalMail.subject).toMatch(/^\[Normal\]/);
		expect((await pagesFor(high.id)).every((n) => n.channel === 'email')).toBe(true);
	});

	it('does not page before the step is due, and sends nothing once acknowledged in time', async () => {
		const { team, member } = await createTeam();
		const sent = await sendAgo([team.id], 'urgent', 0);
		await new Promise((r) => setTimeout(r, 1500));
		expect(await pagesFor(sent.id)).toHaveLength(0);
		await callerFor(db.em(), member).cases.acknowledge({ caseId: sent.id });
		// The step comes due (run it as the worker would): it finds the case acknowledged.
		const [job] = await escalationJobs(sent.id);
		expect(
			await runEscalationStep(db.em(), { caseId: sent.id, teamId: team.id, ...job!.data, round: 0 })
		).toBe('stale');
		expect(await pagesFor(sent.id)).toHaveLength(0);
		// The sender is told by email.
		await smtp.waitFor((m) => m.to.includes(scheduler.email) && /acknowledged/.test(m.subject));
	});

	it('re-triage replaces the pending steps with the new priority’s, timed from the re-triage', async () => {
		const { team, member } = await createTeam();
		const sent = await sendAgo([team.id], 'normal', 0);
		const before = Date.now();
		await callerFor(db.em(), member).cases.retriage({ caseId: sent.id, priority: 'urgent' });
		const jobs = await escalationJobs(sent.id);
		expect(jobs).toHaveLength(2);
		const [oldJob, newJob] = jobs as [(typeof jobs)[0], (typeof jobs)[0]];
		expect(newJob.data.generation).toBe(oldJob.data.generation + 1);
		const due = new Date(newJob.start_after).getTime();
		expect(due).toBeGreaterThanOrEqual(before + 5 * MINUTE - 1000);
		expect(due).toBeLessThanOrEqual(Date.now() + 5 * MINUTE + 1000);
		// The old Normal step, if it ran now, does nothing; the new Urgent one pages by SMS.
		expect(
			await runEscalationStep(db.em(), {
				caseId: sent.id,
				teamId: team.id,
				generation: oldJob.data.generation,
				round: 0,
				stepIndex: 0
			})
		).toBe('stale');
		expect(
			await runEscalationStep(db.em(), {
				caseId: sent.id,
				teamId: team.id,
				generation: newJob.data.generation,
				round: 0,
				stepIndex: 0
			})
		).toBe('paged');
		expect((await pagesFor(sent.id)).map((n) => n.channel)).toEqual(['sms', 'sms']);
		const events = await db.em().find(CaseEvent, { case: sent.id, kind: 'retriaged' });
		expect(events[0]?.data).toEqual({ from: 'normal', to: 'urgent' });
	});

	it('pages both teams of a case sent to two teams', async () => {
		const a = await createTeam();
		const b = await createTeam();
		const sent = await sendAgo([a.team.id, b.team.id], 'urgent', 6);
		await sms.waitFor((m) => m.to === a.member.mobile && m.body.includes(`/cases/${sent.id}`));
		await sms.waitFor((m) => m.to === b.member.mobile && m.body.includes(`/cases/${sent.id}`));
		expect(await db.em().count(CaseEscalationStep, { case: sent.id })).toBe(2);
	});

	it('runs a repeat round and pages only leads when the step says so', async () => {
		const { team, lead, member } = await createTeam();
		const api = callerFor(db.em(), admin);
		const current = await api.teams.get({ id: team.id });
		await api.teams.updatePolicy({
			teamId: team.id,
			version: current.version,
			escalationPolicy: {
				...current.escalationPolicy,
				high: {
					steps: [{ afterMinutes: 1, channel: 'email', target: 'leads' }],
					repeat: { times: 1, everyMinutes: 5 }
				}
			}
		});
		const sent = await sendAgo([team.id], 'high', 7);
		await waitFor(
			async () => (await pagesFor(sent.id)).length === 2 || undefined,
			10_000,
			'two rounds of pages'
		);
		const pages = await pagesFor(sent.id);
		expect(pages.every((p) => p.recipient === lead.email)).toBe(true);
		expect(pages.some((p) => p.recipient === member.email)).toBe(false);
	});
});

describe('acknowledging from the message', () => {
	it('a reply "1" from the paged member’s mobile acknowledges the case and confirms', async () => {
		const { team, member } = await createTeam();
		const sent = await sendAgo([team.id], 'urgent', 6);
		await sms.waitFor((m) => m.to === member.mobile && m.body.includes(`/cases/${sent.id}`));
		const reply = await handleInboundSms(db.em(), { From: member.mobile!, Body: ' 1 ' });
		expect(reply).toMatch(/^Thank you\. You have acknowledged/);
		const stored = await db.em().findOneOrFail(Case, { id: sent.id }, { populate: ['acknowledgedBy'] });
		expect(stored.acknowledgedBy?.id).toBe(member.id);
		expect(await handleInboundSms(db.em(), { From: member.mobile!, Body: 'ACK' })).toMatch(
			/already acknowledged by/
		);
	});

	it('answers politely and changes nothing for an unknown number or a member with no open page', async () => {
		const { team, member } = await createTeam();
		expect(await handleInboundSms(db.em(), { From: '+61400000999', Body: '1' })).toMatch(/not registered/);
		expect(await handleInboundSms(db.em(), { From: member.mobile!, Body: '1' })).toMatch(/no case waiting/);
		expect(await handleInboundSms(db.em(), { From: member.mobile!, Body: 'what?' })).toMatch(/Reply 1/);
		expect(await db.em().count(CaseEvent, { kind: 'acknowledged', actor: member.id })).toBe(0);
		expect(team.id).toBeDefined();
	});

	it('verifies X-Twilio-Signature against the public URL', () => {
		const authToken = 'secret-token';
		const url = 'https://casebook.clinic.test/webhooks/twilio/sms';
		const params = { From: '+61400000001', Body: '1' };
		const good = twilio.getExpectedTwilioSignature(authToken, url, params);
		expect(isTwilioSignatureValid({ TWILIO_AUTH_TOKEN: authToken }, good, url, params)).toBe(true);
		expect(
			isTwilioSignatureValid({ TWILIO_AUTH_TOKEN: authToken }, good, url, { ...params, Body: '2' })
		).toBe(false);
		expect(isTwilioSignatureValid({ TWILIO_AUTH_TOKEN: authToken }, 'forged', url, params)).toBe(false);
		expect(isTwilioSignatureValid({ TWILIO_AUTH_TOKEN: undefined }, good, url, params)).toBe(false);
	});
});

describe('failure handling', () => {
	it('falls back to email when Twilio refuses an Urgent SMS for good (21211)', async () => {
		const { team, member } = await createTeam();
		sms.failNumber(member.mobile!, 21211);
		const sent = await sendAgo([team.id], 'urgent', 6);
		const mail = await smtp.waitFor(
			(m) => m.to.includes(member.email) && m.text.includes(`/cases/${sent.id}`)
		);
		expect(mail.subject).toMatch(/SMS could not be delivered/);
		const events = await db.em().find(CaseEvent, { case: sent.id, kind: 'delivery' });
		expect(events[0]?.data).toMatchObject({ userId: member.id, fallbackChannel: 'email' });
	});

	it('falls back to email when Twilio reports an SMS undelivered, once', async () => {
		const { team, lead } = await createTeam();
		const sent = await sendAgo([team.id], 'urgent', 6);
		const message = await sms.waitFor((m) => m.to === lead.mobile && m.body.includes(`/cases/${sent.id}`));
		await waitFor(
			async () =>
				(await db.em().findOne(Notification, { providerId: message.sid, status: 'sent' })) ?? undefined,
			5000,
			'the SMS to be recorded as sent'
		);
		expect(
			await handleStatusCallback(db.em(), {
				MessageSid: message.sid,
				MessageStatus: 'undelivered',
				ErrorCode: '30003'
			})
		).toBe('ok');
		expect(
			await handleStatusCallback(db.em(), {
				MessageSid: message.sid,
				MessageStatus: 'undelivered',
				ErrorCode: '30003'
			})
		).toBe('ok');
		await smtp.waitFor((m) => m.to.includes(lead.email) && /SMS could not be delivered/.test(m.subject));
		expect(
			await db.em().count(Notification, { purpose: { $like: 'case-page-fallback:%' }, recipient: lead.email })
		).toBe(1);
		const failed = await db.em().findOneOrFail(Notification, { providerId: message.sid });
		expect(failed).toMatchObject({ status: 'undelivered', error: 'Twilio error 30003' });
	});

	it('a worker killed mid-step neither loses nor duplicates the step', async () => {
		const { team } = await createTeam();
		// Sent now: the worker will not touch it for 5 minutes, so the test plays the worker.
		const sent = await sendAgo([team.id], 'urgent', 0);
		const [job] = await escalationJobs(sent.id);
		const data = { caseId: sent.id, teamId: team.id, ...job!.data, round: 0 };
		// Killed before commit: nothing of the step remains, so the retry does it all.
		await expect(
			db.em().transactional(async (tx) => {
				await runEscalationStep(tx, data);
				throw new Error('worker killed');
			})
		).rejects.toThrow('worker killed');
		expect(await pagesFor(sent.id)).toHaveLength(0);
		// Killed after commit, before pg-boss heard: the retry finds the step done.
		expect(await runEscalationStep(db.em(), data)).toBe('paged');
		expect(await runEscalationStep(db.em(), data)).toBe('already-fired');
		expect(await pagesFor(sent.id)).toHaveLength(2);
	});
});

describe('sending, referrers and bad input', () => {
	async function createReferrer() {
		const em = db.em();
		const referrer = em.create(UserEntity, {
			kind: 'referrer',
			name: `Dr Outside ${uniqueSuffix()}`,
			email: `gp-${uniqueSuffix()}@practice.test`,
			roles: []
		});
		await em.flush();
		return referrer;
	}

	it('refuses a case to no team and an unknown priority, storing nothing', async () => {
		const api = callerFor(db.em(), scheduler);
		const subject = `Nothing ${uniqueSuffix()}`;
		const none = await failureOf(api.cases.send({ subject, teamIds: [], priority: 'urgent' }));
		expect(none.fieldErrors.teamIds?.[0]).toMatch(/at least one team/);
		const { team } = await createTeam();
		const bad = await failureOf(
			api.cases.send({ subject, teamIds: [team.id], priority: 'critical' as Priority })
		);
		expect(bad.fieldErrors.priority).toBeDefined();
		expect(await db.em().count(Case, { name: subject })).toBe(0);
	});

	it('lets a referrer send only to teams that accept external cases, and see only their own cases', async () => {
		const referrer = await createReferrer();
		const closed = await createTeam();
		const open = await createTeam({ acceptsExternalCases: true });
		const api = callerFor(db.em(), referrer);
		const refused = await failureOf(
			api.cases.send({ subject: 'Please see', teamIds: [closed.team.id], priority: 'high' })
		);
		expect(refused.code).toBe('FORBIDDEN');
		expect(refused.fieldErrors.teamIds?.[0]).toMatch(/does not accept cases from outside/);
		expect((await api.teams.sendable()).map((t) => t.id)).toEqual(expect.arrayContaining([open.team.id]));
		expect((await api.teams.sendable()).map((t) => t.id)).not.toContain(closed.team.id);
		const sent = await api.cases.send({ subject: 'Please see', teamIds: [open.team.id], priority: 'urgent' });
		const mine = await api.referrer.cases({});
		expect(mine.items.map((c) => c.id)).toEqual([sent.id]);
		const otherSent = await sendAgo([open.team.id], 'normal', 0);
		expect((await failureOf(api.referrer.case({ caseId: otherSent.id }))).code).toBe('NOT_FOUND');
		expect((await failureOf(api.cases.get({ id: sent.id }))).code).toBe('FORBIDDEN');
		expect((await failureOf(api.patients.find({}))).code).toBe('FORBIDDEN');
		// Acknowledged: the referrer sees who has it, and gets an email.
		await callerFor(db.em(), open.member).cases.acknowledge({ caseId: sent.id });
		expect((await api.referrer.case({ caseId: sent.id })).acknowledgedBy).toBe(open.member.name);
		await smtp.waitFor((m) => m.to.includes(referrer.email) && /acknowledged/.test(m.subject));
	});

	it('lists the inbox unactioned first, by priority then age, with the next escalation time', async () => {
		const { team, member } = await createTeam();
		const normal = await sendAgo([team.id], 'normal', 30);
		const urgentOld = await sendAgo([team.id], 'urgent', 3);
		const urgentNew = await sendAgo([team.id], 'urgent', 1);
		const actioned = await sendAgo([team.id], 'urgent', 2);
		await callerFor(db.em(), member).cases.acknowledge({ caseId: actioned.id });
		const inbox = await callerFor(db.em(), member).cases.inbox({ teamId: team.id });
		expect(inbox.items.map((i) => i.id)).toEqual([urgentOld.id, urgentNew.id, normal.id, actioned.id]);
		const first = inbox.items[0]!;
		expect(first.nextEscalationAt!.getTime() - first.sentAt.getTime()).toBe(5 * MINUTE);
		expect(inbox.items[3]!.nextEscalationAt).toBeNull();
		expect(await callerFor(db.em(), member).cases.inboxCount()).toBeGreaterThanOrEqual(3);
		// Take over and close: the timeline tells the story; the sender hears about the close.
		const other = (await db.em().find(TeamMember, { team: team.id }, { populate: ['user'] })).find(
			(m) => m.user.id !== member.id
		)!;
		await callerFor(db.em(), other.user).cases.takeOver({ caseId: actioned.id });
		const detail = await callerFor(db.em(), scheduler).cases.get({ id: actioned.id });
		await callerFor(db.em(), other.user).cases.close({ id: actioned.id, version: detail.version });
		const timeline = await callerFor(db.em(), member).cases.routing({ caseId: actioned.id });
		expect(timeline?.events.map((e) => e.kind)).toEqual(['sent', 'acknowledged', 'taken_over', 'closed']);
		await smtp.waitFor((m) => m.to.includes(scheduler.email) && /was closed/.test(m.subject));
		expect(await db.em().count(Team, { id: team.id })).toBe(1);
	});
});
