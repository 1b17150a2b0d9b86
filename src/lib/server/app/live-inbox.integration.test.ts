// The live inbox's server side (issue 19): a change to a case sent to teams is announced at commit
// (never on rollback), each open stream hears only of cases of its member's teams, the payload names
// no patient or subject, and a stream whose session ends (sign-out) is told so and closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEscalationPolicy } from '../../schemas/team.ts';
import { SESSIONS_CHANNEL } from '../auth/session-cache.ts';
import { createSession, endSession } from '../auth/sessions.service.ts';
import type { User } from '../auth/user.entity.ts';
import { listenTo, type Listener } from '../db/listen.ts';
import { INBOX_CHANNEL } from '../routing/live-inbox.service.ts';
import { sendCase } from '../routing/routing.service.ts';
import { Team, TeamMember } from '../teams/team.entity.ts';
import { actorFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { deliverInboxNotice, openInboxStream, recheckInboxSessions } from './live-inbox.ts';

let db: TestDb;
let listener: Listener;
let sender: User;
let teamA: Team;
let teamB: Team;
let memberA: User;
let memberB: User;

interface Reading {
	text: string;
	done: boolean;
	cancel(): Promise<void>;
}

/** Reads a stream into `text` as it arrives. */
function read(stream: ReadableStream<Uint8Array>): Reading {
	const reader = stream.getReader();
	const decoder = new TextDecoder();
	const reading: Reading = { text: '', done: false, cancel: () => reader.cancel() };
	void (async () => {
		for (;;) {
			const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
			if (done) break;
			reading.text += decoder.decode(value, { stream: true });
		}
		reading.done = true;
	})();
	return reading;
}

async function within(ms: number, predicate: () => boolean): Promise<boolean> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		if (predicate()) return true;
		await new Promise((r) => setTimeout(r, 20));
	}
	return predicate();
}

const heardOf = (reading: Reading, caseId: string) => reading.text.includes(`"caseId":"${caseId}"`);

async function streamFor(user: User): Promise<{ reading: Reading; sessionId: string }> {
	const { token, session } = await createSession(db.em(), { user });
	return { reading: read(openInboxStream(user, token)), sessionId: session.id };
}

beforeAll(async () => {
	db = await openTestDb();
	const em = db.em();
	sender = await createTestUser(em, { roles: ['scheduler'] });
	memberA = await createTestUser(em, { roles: ['practitioner'] });
	memberB = await createTestUser(em, { roles: ['practitioner'] });
	const suffix = uniqueSuffix();
	teamA = em.create(Team, { name: `Live A ${suffix}`, escalationPolicy: defaultEscalationPolicy() });
	teamB = em.create(Team, { name: `Live B ${suffix}`, escalationPolicy: defaultEscalationPolicy() });
	em.create(TeamMember, { team: teamA, user: memberA });
	em.create(TeamMember, { team: teamB, user: memberB });
	await em.flush();
	// What app/runtime.ts does in each web process.
	listener = listenTo(db.url, {
		[INBOX_CHANNEL]: (payload) => void deliverInboxNotice(payload),
		[SESSIONS_CHANNEL]: () => recheckInboxSessions()
	});
	await listener.ready;
});

afterAll(async () => {
	await listener?.close();
	await db?.close();
});

describe('the live inbox stream', () => {
	it('tells a member of the receiving team, at commit, and nobody else; the payload names no subject', async () => {
		const a = await streamFor(memberA);
		const b = await streamFor(memberB);
		expect(await within(1000, () => a.reading.text.includes('event: ready'))).toBe(true);
		const subject = `Live subject ${uniqueSuffix()}`;
		const sent = await sendCase(db.em(), actorFor(sender), {
			subject,
			teamIds: [teamA.id],
			priority: 'urgent'
		});
		expect(await within(2000, () => heardOf(a.reading, sent.id))).toBe(true);
		expect(a.reading.text).toContain(`event: inbox\ndata: {"caseId":"${sent.id}","kind":"created"}`);
		expect(a.reading.text).not.toContain(subject);
		// B's team did not receive it; B is told nothing of it.
		expect(await within(300, () => heardOf(b.reading, sent.id))).toBe(false);
		await a.reading.cancel();
		await b.reading.cancel();
	});

	it('tells nothing of a change that rolled back', async () => {
		const a = await streamFor(memberA);
		const subject = `Rolled back ${uniqueSuffix()}`;
		let caseId = '';
		await expect(
			db.em().transactional(async (tx) => {
				caseId = (await sendCase(tx, actorFor(sender), { subject, teamIds: [teamA.id], priority: 'high' }))
					.id;
				throw new Error('rolled back');
			})
		).rejects.toThrow('rolled back');
		expect(caseId).not.toBe('');
		expect(await within(500, () => heardOf(a.reading, caseId))).toBe(false);
		await a.reading.cancel();
	});

	it('closes the stream of a session that ended, telling the browser not to come back', async () => {
		const a = await streamFor(memberA);
		expect(await within(1000, () => a.reading.text.includes('event: ready'))).toBe(true);
		await endSession(db.em(), a.sessionId, 'signed_out');
		expect(await within(2000, () => a.reading.done)).toBe(true);
		expect(a.reading.text).toContain('event: end');
	});
});
