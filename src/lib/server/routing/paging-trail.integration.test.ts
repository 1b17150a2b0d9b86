// The paging trail (issue 18): once the last escalation step has run, the inbox row and the case
// show who was paged, when, by which channel and whether it was delivered (Twilio's reports move
// the status on; an SMS that could not be delivered shows the email sent instead). Steps are run
// directly and the SMS go through the real twilio SDK to the stand-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User as UserEntity, type User } from '../auth/user.entity.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { sendNotification } from '../notifications/notifications.service.ts';
import { actorFor, callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, standinTransports, type TestDb } from '../testing/harness.ts';
import { statementsOf } from '../testing/sql-statements.ts';
import { startTwilioStandin, type TwilioStandin } from '../testing/twilio-standin.ts';
import { PAGING_TRAIL_LIMIT } from './paging-trail.queries.ts';
import { findInbox, runEscalationStep, sendCase } from './routing.service.ts';
import { handleStatusCallback } from './twilio-webhooks.ts';

let db: TestDb;
let sms: TwilioStandin;
let admin: User;
let scheduler: User;

beforeAll(async () => {
	[db, sms] = await Promise.all([openTestDb(), startTwilioStandin()]);
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
});
afterAll(async () => {
	await Promise.all([db?.close(), sms?.close()]);
});

let mobileCounter = 0;
function uniqueMobile(): string {
	mobileCounter += 1;
	return `+614${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}${String(mobileCounter).padStart(4, '0')}`;
}

const MINUTE = 60_000;

/**
 * A team whose Urgent policy is two steps: SMS to everyone at once, then email to the leads after
 * 10 minutes. A lead and a member with mobiles, and a member without one.
 */
async function twoStepTeam() {
	const api = callerFor(db.em(), admin);
	const policy = {
		steps: [
			{ afterMinutes: 0, channel: 'sms' as const, target: 'all' as const },
			{ afterMinutes: 10, channel: 'email' as const, target: 'leads' as const }
		],
		repeat: null
	};
	const team = await api.teams.create({
		name: `Trail ${uniqueSuffix()}`,
		escalationPolicy: { urgent: policy, high: policy, normal: policy }
	});
	const lead = await createTestUser(db.em(), {
		roles: ['practitioner'],
		mobile: uniqueMobile(),
		name: `A Lead ${uniqueSuffix()}`
	});
	const member = await createTestUser(db.em(), {
		roles: ['practitioner'],
		mobile: uniqueMobile(),
		name: `B Member ${uniqueSuffix()}`
	});
	const noMobile = await createTestUser(db.em(), {
		roles: ['practitioner'],
		mobile: null,
		name: `C NoMobile ${uniqueSuffix()}`
	});
	await api.teams.addMember({ teamId: team.id, userId: lead.id, isLead: true });
	await api.teams.addMember({ teamId: team.id, userId: member.id });
	await api.teams.addMember({ teamId: team.id, userId: noMobile.id });
	return { team, lead, member, noMobile };
}

/** Sends the queued SMS pages of a case through Twilio; returns each recipient's message sid. */
async function sendSmsPages(caseId: string): Promise<Map<string, string>> {
	const pages = await db.em().find(Notification, {
		relatedType: 'case',
		relatedId: caseId,
		channel: 'sms',
		status: 'queued'
	});
	const sids = new Map<string, string>();
	for (const page of pages) {
		const result = await sendNotification(db.em(), {
			notificationId: page.id,
			transports: standinTransports({ twilio: sms }),
			isLastAttempt: false
		});
		sids.set(page.recipient, result!.providerId!);
	}
	return sids;
}

/** An Urgent case escalated through both steps: the lead's SMS delivered, the member's undelivered. */
async function escalatedCase() {
	const people = await twoStepTeam();
	const sentAt = new Date(Date.now() - 15 * MINUTE);
	const sent = await sendCase(
		db.em(),
		actorFor(scheduler),
		{ subject: `Chest pain ${uniqueSuffix()}`, teamIds: [people.team.id], priority: 'urgent' },
		sentAt
	);
	const step = { caseId: sent.id, teamId: people.team.id, generation: 1, round: 0 };
	expect(await runEscalationStep(db.em(), { ...step, stepIndex: 0 }, new Date(sentAt.getTime() + 1000))).toBe(
		'paged'
	);
	const sids = await sendSmsPages(sent.id);
	await handleStatusCallback(db.em(), {
		MessageSid: sids.get(people.lead.mobile!)!,
		MessageStatus: 'delivered'
	});
	await handleStatusCallback(db.em(), {
		MessageSid: sids.get(people.member.mobile!)!,
		MessageStatus: 'undelivered',
		ErrorCode: '30003'
	});
	expect(
		await runEscalationStep(db.em(), { ...step, stepIndex: 1 }, new Date(sentAt.getTime() + 10 * MINUTE))
	).toBe('paged');
	return { ...people, caseId: sent.id };
}

describe('the paging trail', () => {
	it('shows in the inbox row, after the last step, who was paged, when, how, and whether it arrived', async () => {
		const { lead, member, noMobile, caseId, team } = await escalatedCase();
		const inbox = await findInbox(db.em(), actorFor(member), { teamId: team.id });
		const row = inbox.items.find((i) => i.id === caseId)!;
		expect(row.nextEscalationAt).toBeNull();
		expect(row.paging.total).toBe(4);
		const seen = row.paging.pages.map((p) => ({
			name: p.name,
			channel: p.channel,
			status: p.status,
			error: p.error,
			fallback: p.fallback && { channel: p.fallback.channel, status: p.fallback.status }
		}));
		// Step 1 pages everyone (in no particular order among them), step 2 the lead by email.
		const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
		expect(seen.slice(0, 3).sort(byName)).toEqual([
			{ name: lead.name, channel: 'sms', status: 'delivered', error: null, fallback: null },
			{
				name: member.name,
				channel: 'sms',
				status: 'undelivered',
				error: 'Twilio error 30003',
				fallback: { channel: 'email', status: 'queued' }
			},
			{ name: noMobile.name, channel: 'email', status: 'queued', error: null, fallback: null }
		]);
		expect(seen[3]).toEqual({
			name: lead.name,
			channel: 'email',
			status: 'queued',
			error: null,
			fallback: null
		});
		const [first, , , last] = row.paging.pages;
		expect(first!.teamName).toBe(team.name);
		expect(first!.deliveredAt).toBeInstanceOf(Date);
		expect(last!.pagedAt.getTime() - first!.pagedAt.getTime()).toBeGreaterThan(0);
	});

	it('shows the same trail on the case, to anyone who may see the case, and to nobody else', async () => {
		const { member, caseId } = await escalatedCase();
		const routing = await callerFor(db.em(), scheduler).cases.routing({ caseId });
		const inbox = await findInbox(db.em(), actorFor(member));
		expect(routing?.paging).toEqual(inbox.items.find((i) => i.id === caseId)?.paging);
		const outsider = await createTestUser(db.em(), { roles: ['practitioner'] });
		expect((await failureOf(callerFor(db.em(), outsider).cases.routing({ caseId }))).code).toBe('NOT_FOUND');
		expect((await findInbox(db.em(), actorFor(outsider))).items.some((i) => i.id === caseId)).toBe(false);
	});

	it('reads the whole inbox page, trails included, in one statement', async () => {
		const { member, team } = await escalatedCase();
		// A second paged case for the same member's team.
		const second = await sendCase(db.em(), actorFor(scheduler), {
			subject: `Second ${uniqueSuffix()}`,
			teamIds: [team.id],
			priority: 'urgent'
		});
		await runEscalationStep(db.em(), {
			caseId: second.id,
			teamId: team.id,
			generation: 1,
			round: 0,
			stepIndex: 0
		});
		let inbox: Awaited<ReturnType<typeof findInbox>> | undefined;
		const statements = await statementsOf(db, async () => {
			inbox = await findInbox(db.em(), actorFor(member), { teamId: team.id });
		});
		expect(statements).toHaveLength(1);
		expect(inbox!.items.map((i) => i.paging.total).sort()).toEqual([3, 4]);
	});

	it('keeps the latest pages of a long escalation and counts them all', async () => {
		const { team, member } = await twoStepTeam();
		const sent = await sendCase(db.em(), actorFor(scheduler), {
			subject: `Long ${uniqueSuffix()}`,
			teamIds: [team.id],
			priority: 'urgent'
		});
		// Re-triaging starts a new generation each time, and each runs its first step again.
		const priorities = ['high', 'urgent'] as const;
		let generation = 1;
		for (let i = 0; i < 7; i += 1) {
			await runEscalationStep(db.em(), {
				caseId: sent.id,
				teamId: team.id,
				generation,
				round: 0,
				stepIndex: 0
			});
			await callerFor(db.em(), member).cases.retriage({ caseId: sent.id, priority: priorities[i % 2]! });
			generation += 1;
		}
		const routing = await callerFor(db.em(), member).cases.routing({ caseId: sent.id });
		expect(routing!.paging.total).toBe(21);
		expect(routing!.paging.pages).toHaveLength(PAGING_TRAIL_LIMIT);
		const times = routing!.paging.pages.map((p) => p.pagedAt.getTime());
		expect(times).toEqual([...times].sort((a, b) => a - b));
	});

	it('is not part of what a referrer sees of the case they sent', async () => {
		const { team } = await twoStepTeam();
		const tx = db.em();
		const referrer = tx.create(UserEntity, {
			kind: 'referrer',
			name: `Dr Outside ${uniqueSuffix()}`,
			email: `gp-${uniqueSuffix()}@practice.test`,
			roles: []
		});
		await tx.flush();
		await callerFor(db.em(), admin).teams.update({
			...(await callerFor(db.em(), admin).teams.get({ id: team.id })),
			acceptsExternalCases: true
		});
		const api = callerFor(db.em(), referrer);
		const sent = await api.cases.send({
			subject: `From outside ${uniqueSuffix()}`,
			teamIds: [team.id],
			priority: 'urgent'
		});
		await runEscalationStep(db.em(), {
			caseId: sent.id,
			teamId: team.id,
			generation: 1,
			round: 0,
			stepIndex: 0
		});
		expect((await callerFor(db.em(), scheduler).cases.routing({ caseId: sent.id }))?.paging.total).toBe(3);
		expect(Object.keys((await api.referrer.cases({})).items[0]!)).not.toContain('paging');
		expect(Object.keys(await api.referrer.case({ caseId: sent.id }))).not.toContain('paging');
	});
});
