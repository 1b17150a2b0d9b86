// The admin's "Set up your clinic" checklist and the system state (issue 19). Both count the whole
// clinic (every service, every failed message), so this file has a database of its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import { getConfig } from '../config.ts';
import { createTeam, addTeamMember } from '../teams/teams.service.ts';
import { createClinic } from '../testing/clinic-fixtures.ts';
import { actorFor, createTestUser } from '../testing/factories.ts';
import type { TestDb } from '../testing/harness.ts';
import { openIsolatedTestDb } from '../testing/isolated-db.ts';
import { getSetupChecklist, getSystemStatus, keepOutbox, type SetupItemKey } from './home.service.ts';

let db: TestDb;
let admin: User;

beforeAll(async () => {
	db = await openIsolatedTestDb('home_setup');
	admin = await createTestUser(db.em(), { roles: ['admin'] });
}, 120_000);
afterAll(async () => {
	await db?.close();
});

async function checklist() {
	const result = await getSetupChecklist(db.em(), actorFor(admin));
	const done = Object.fromEntries(result.items.map((i) => [i.key, i.isDone])) as Record<
		SetupItemKey,
		boolean
	>;
	const detail = Object.fromEntries(result.items.map((i) => [i.key, i.detail])) as Record<
		SetupItemKey,
		string
	>;
	return { result, done, detail };
}

describe('the set-up checklist', () => {
	it('starts with everything to do, each item linking to where it is done', async () => {
		const { result, done } = await checklist();
		expect(result.isDone).toBe(false);
		expect(done).toEqual({
			services: false,
			'appointment-types': false,
			'case-templates': false,
			teams: false,
			messaging: getConfig().hasSmtp && getConfig().hasTwilio,
			'custom-fields': false,
			'two-factor': false
		});
		expect(Object.fromEntries(result.items.map((i) => [i.key, i.href]))).toMatchObject({
			services: '/admin/services',
			'appointment-types': '/admin/appointment-types',
			'case-templates': '/admin/case-templates',
			teams: '/admin/teams',
			messaging: '/status',
			'custom-fields': '/admin/custom-fields',
			'two-factor': '/account'
		});
	});

	it('ticks each item off as the clinic is set up, and is done when all are', async () => {
		const em = db.em();
		await createClinic(em);
		await em.execute(
			`insert into case_template (name, is_active, allows_requests, created_at, updated_at, version)
			 values ('Shoulder', true, false, now(), now(), 1)`
		);
		const actor = actorFor(admin);
		const team = await createTeam(db.em(), actor, { name: 'Duty team' });
		const noMobile = await createTestUser(db.em(), { roles: ['practitioner'], mobile: null });
		await addTeamMember(db.em(), actor, { teamId: team.id, userId: noMobile.id });
		let state = await checklist();
		expect(state.done.services && state.done['appointment-types'] && state.done['case-templates']).toBe(true);
		expect(state.done.teams).toBe(false);
		expect(state.detail.teams).toBe('1 member without a mobile: urgent cases page by SMS');

		await em.execute(`update app_user set mobile = '+61400000001' where id = ?`, [noMobile.id]);
		await em.execute(`update patient_custom_field_definition set definition = ? where id = 1`, [
			JSON.stringify({
				sections: [
					{
						token: 's1',
						name: 'Insurance',
						archived: false,
						fields: [{ token: 'f1', name: 'Fund', type: 'single_line_text', archived: false }]
					}
				]
			})
		]);
		await keepOutbox(db.em(), actor);
		await keepOutbox(db.em(), actor);
		await em.execute(`update app_user set totp_enabled_at = now() where id = ?`, [admin.id]);
		state = await checklist();
		expect(state.result.items.filter((i) => !i.isDone)).toEqual([]);
		expect(state.result.isDone).toBe(true);
		// Keeping the outbox twice is one choice, audited once.
		expect(await db.em().count(AuditEvent, { action: 'settings.update', actorId: admin.id })).toBe(1);
	});
});

describe('the system state', () => {
	it('counts failed messages of the last day and messages stuck in the queue', async () => {
		const now = new Date();
		const em = db.em();
		const insert = (purpose: string, status: string, createdAt: Date) =>
			em.execute(
				`insert into notification (channel, recipient, purpose, body, status, attempts, created_at, updated_at)
				 values ('email', 'x@clinic.test', ?, 'Hello', ?, 0, ?, ?)`,
				[purpose, status, createdAt, createdAt]
			);
		const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);
		await insert('failed-recent', 'failed', minutesAgo(30));
		await insert('failed-old', 'undelivered', minutesAgo(60 * 30));
		await insert('stuck', 'queued', minutesAgo(20));
		await insert('fresh', 'queued', minutesAgo(1));
		await insert('sent', 'sent', minutesAgo(5));

		const status = await getSystemStatus(db.em(), now);
		expect(status.database.ok).toBe(true);
		expect(status.messages.failedLastDay).toBe(1);
		expect(status.messages.stuck).toBe(1);
		expect(status.isAllWell).toBe(false);
	});
});
