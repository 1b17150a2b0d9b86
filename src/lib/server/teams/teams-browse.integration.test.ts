// The Teams page's read (issue 18): every member of staff sees every active team, its members and
// leads, who has no mobile, its policy and the cases open for it, in one statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User as UserEntity, type User } from '../auth/user.entity.ts';
import { actorFor, callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { statementsOf } from '../testing/sql-statements.ts';
import { sendCase } from '../routing/routing.service.ts';

let db: TestDb;
let admin: User;
let scheduler: User;

beforeAll(async () => {
	db = await openTestDb();
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
});
afterAll(async () => {
	await db?.close();
});

async function teamWith(members: { user: User; isLead?: boolean }[], name = `Team ${uniqueSuffix()}`) {
	const api = callerFor(db.em(), admin);
	const team = await api.teams.create({ name });
	for (const m of members)
		await api.teams.addMember({ teamId: team.id, userId: m.user.id, isLead: m.isLead });
	return team;
}

async function send(teamId: string) {
	return sendCase(db.em(), actorFor(scheduler), {
		subject: `Referral ${uniqueSuffix()}`,
		teamIds: [teamId],
		priority: 'high'
	});
}

describe('browsing teams', () => {
	it('shows a practitioner every active team, not only their own, with leads first and who has no mobile', async () => {
		const suffix = uniqueSuffix();
		const lead = await createTestUser(db.em(), {
			roles: ['practitioner'],
			name: `Zed Lead ${suffix}`,
			mobile: '+61491570101'
		});
		const noMobile = await createTestUser(db.em(), {
			roles: ['practitioner'],
			name: `Amy NoMobile ${suffix}`,
			mobile: null
		});
		const gone = await createTestUser(db.em(), { roles: ['practitioner'], name: `Gone ${suffix}` });
		const team = await teamWith([{ user: noMobile }, { user: lead, isLead: true }, { user: gone }]);
		// Deactivated after joining (an admin cannot add a deactivated account).
		await db.em().nativeUpdate(UserEntity, { id: gone.id }, { isActive: false });
		const inactive = await teamWith([]);
		const current = await callerFor(db.em(), admin).teams.get({ id: inactive.id });
		await callerFor(db.em(), admin).teams.update({
			id: inactive.id,
			version: current.version,
			name: current.name,
			acceptsExternalCases: false,
			isActive: false
		});

		const outsider = await createTestUser(db.em(), { roles: ['practitioner'] });
		const teams = await callerFor(db.em(), outsider).teams.browse();
		const seen = teams.find((t) => t.id === team.id);
		expect(seen).toMatchObject({
			name: team.name,
			isMember: false,
			openCases: 0,
			waitingCases: 0,
			escalationPolicy: {
				urgent: { steps: [{ afterMinutes: 5, channel: 'sms', target: 'all' }], repeat: null }
			}
		});
		// Deactivated accounts are never paged, so they are not listed.
		expect(seen?.members).toEqual([
			{ userId: lead.id, name: lead.name, isLead: true, hasMobile: true },
			{ userId: noMobile.id, name: noMobile.name, isLead: false, hasMobile: false }
		]);
		expect(teams.some((t) => t.id === inactive.id)).toBe(false);
		// The phone numbers themselves stay with the admin pages.
		expect(JSON.stringify(seen)).not.toContain('+61491570101');
	});

	it('counts the open cases of each team and those still waiting, and says whether the caller is a member', async () => {
		const member = await createTestUser(db.em(), { roles: ['practitioner'] });
		const team = await teamWith([{ user: member }]);
		const other = await teamWith([]);
		await send(team.id);
		const acknowledged = await send(team.id);
		await callerFor(db.em(), member).cases.acknowledge({ caseId: acknowledged.id });
		const closed = await send(team.id);
		const detail = await callerFor(db.em(), admin).cases.get({ id: closed.id });
		await callerFor(db.em(), admin).cases.close({ id: closed.id, version: detail.version });
		await send(other.id);

		const teams = await callerFor(db.em(), member).teams.browse();
		expect(teams.find((t) => t.id === team.id)).toMatchObject({
			openCases: 2,
			waitingCases: 1,
			isMember: true
		});
		expect(teams.find((t) => t.id === other.id)).toMatchObject({
			openCases: 1,
			waitingCases: 1,
			isMember: false
		});
	});

	it('reads every team in one statement', async () => {
		await teamWith([{ user: await createTestUser(db.em(), { roles: ['practitioner'] }) }]);
		await teamWith([{ user: await createTestUser(db.em(), { roles: ['practitioner'] }) }]);
		const statements = await statementsOf(db, () => callerFor(db.em(), scheduler).teams.browse());
		expect(statements).toHaveLength(1);
	});

	it('is for clinic staff only', async () => {
		expect((await failureOf(callerFor(db.em(), null).teams.browse())).code).toBe('UNAUTHORIZED');
	});
});
