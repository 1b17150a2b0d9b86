// Teams in the browser (issue 18): adding a member must not carry the "Team lead" tick over to the
// next colleague; the Teams page shows everyone each team's policy in words and who cannot get an
// SMS; a case escalated through every step shows who was paged, when, how and whether it arrived.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signIn, signInAsAdmin } from './session.ts';
import { reportSmsStatus } from './twilio.ts';

let browser: Browser;
let admin: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
});
afterAll(async () => {
	await browser?.close();
});

describe('team members', () => {
	it('adds a lead, then offers the next colleague as a plain member', async () => {
		const team = await trpc<{ id: string }>(admin, 'teams.create', { name: `Leads ${suffix}` });
		const lead = await trpc<{ id: string }>(admin, 'staff.create', {
			name: `Lena Lead ${suffix}`,
			email: `lena.${suffix}@clinic.test`,
			roles: ['practitioner'],
			password: 'a long enough password'
		});
		await trpc(admin, 'staff.create', {
			name: `Nico Next ${suffix}`,
			email: `nico.${suffix}@clinic.test`,
			roles: ['practitioner'],
			password: 'a long enough password'
		});
		await open(admin, `/admin/teams/${team.id}`);
		await admin.locator('#add-member').selectOption(lead.id);
		await admin.getByRole('checkbox', { name: 'Team lead' }).check();
		await admin.getByRole('button', { name: 'Add member' }).click();
		await admin
			.getByRole('table', { name: /^Members of/ })
			.getByText(`Lena Lead ${suffix}`)
			.first()
			.waitFor();
		await expect.poll(() => admin.getByRole('checkbox', { name: 'Team lead' }).isChecked()).toBe(false);
		const saved = await trpc<{ members: { name: string; isLead: boolean }[] }>(
			admin,
			'teams.get',
			{ id: team.id },
			'GET'
		);
		expect(saved.members.map((m) => [m.name, m.isLead])).toEqual([[`Lena Lead ${suffix}`, true]]);
	});
});

const password = 'a long enough password';

async function createStaff(name: string, mobile: string | null) {
	const email = `${name.toLowerCase().replace(/\W+/g, '.')}@clinic.test`;
	const user = await trpc<{ id: string }>(admin, 'staff.create', {
		name,
		email,
		roles: ['practitioner'],
		password,
		mobile
	});
	return { ...user, name, email };
}

const hydrated = (page: Page) =>
	page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');

describe('the Teams page', () => {
	it('shows every member of staff the default policy in words and who has no mobile', async () => {
		const teamName = `Spinal ${suffix}`;
		const team = await trpc<{ id: string }>(admin, 'teams.create', { name: teamName });
		const lead = await createStaff(`Tess Lead ${suffix}`, '+61491570111');
		const noMobile = await createStaff(`Noah Nomobile ${suffix}`, null);
		await trpc(admin, 'teams.addMember', { teamId: team.id, userId: lead.id, isLead: true });
		await trpc(admin, 'teams.addMember', { teamId: team.id, userId: noMobile.id });
		// A practitioner in no team at all reads it too, at phone width.
		const outsider = await createStaff(`Olive Outsider ${suffix}`, null);
		const page = await browser.newPage({ baseURL: baseUrl, viewport: { width: 390, height: 844 } });
		await signIn(page, outsider.email, password);
		await open(page, '/teams');
		await page.getByRole('heading', { name: 'Teams', level: 1 }).waitFor();
		const card = page.getByRole('region', { name: teamName });
		const escalation = card.getByRole('list', { name: `Escalation of ${teamName}` });
		expect((await escalation.getByRole('listitem').allTextContents()).map((t) => t.trim())).toEqual([
			'Urgent: SMS to all members after 5 minutes',
			'High: email to all members after 10 minutes',
			'Normal: email to all members after 24 hours'
		]);
		const members = card.getByRole('list', { name: `Members of ${teamName}` });
		const leadRow = members.getByRole('listitem').filter({ hasText: lead.name });
		expect(await leadRow.getByText('Lead', { exact: true }).count()).toBe(1);
		expect(await leadRow.getByText(/No mobile/).count()).toBe(0);
		const noMobileRow = members.getByRole('listitem').filter({ hasText: noMobile.name });
		expect(await noMobileRow.getByText('No mobile: cannot be paged by SMS').count()).toBe(1);
		expect((await card.getByRole('status').textContent())?.replace(/\s+/g, ' ')).toMatch(
			new RegExp(`${noMobile.name} has no mobile number, so cannot be paged by SMS`)
		);
		expect((await card.getByTestId('team-open-cases').textContent())?.trim()).toBe('0 open cases');
		// Read-only: no way to edit from here for a practitioner; nothing wider than the phone.
		expect(await page.getByRole('link', { name: /Admin → Teams/ }).count()).toBe(0);
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await page.close();

		// An admin is offered the way to edit them.
		await open(admin, '/teams');
		await admin.getByRole('link', { name: 'Edit in Admin → Teams' }).click();
		await admin.waitForURL((url) => url.pathname === '/admin/teams');
	});
});

interface Message {
	id: string;
	channel: 'sms' | 'email';
	recipient: string;
	body: string;
	status: string;
	providerId: string | null;
	purpose: string;
}

/** Polls the message log (as the admin) until `done` holds for the messages about a case. */
async function messagesFor(caseId: string, done: (messages: Message[]) => boolean): Promise<Message[]> {
	let found: Message[] = [];
	await expect
		.poll(
			async () => {
				const { items } = await trpc<{ items: Message[] }>(
					admin,
					'notifications.find',
					{ search: `/cases/${caseId}`, perPage: 100 },
					'GET'
				);
				found = items.filter((m) => new RegExp(`/cases/${caseId}(?!\\d)`).test(m.body));
				return done(found);
			},
			{ timeout: 30_000, interval: 250 }
		)
		.toBe(true);
	return found;
}

/** The pages of a trail, one line each, spaces collapsed. */
async function trailLines(trail: Locator): Promise<string[]> {
	return (await trail.getByTestId('paging-trail-page').allTextContents()).map((t) =>
		t.replace(/\s+/g, ' ').trim()
	);
}

describe('the paging trail', () => {
	it('shows who was paged, when, how and whether it arrived, in the inbox and on the case', async () => {
		const teamName = `Cardiac ${suffix}`;
		const urgent = {
			steps: [
				{ afterMinutes: 0, channel: 'sms', target: 'all' },
				{ afterMinutes: 0, channel: 'email', target: 'leads' }
			],
			repeat: null
		};
		const team = await trpc<{ id: string }>(admin, 'teams.create', {
			name: teamName,
			escalationPolicy: {
				urgent,
				high: { steps: [{ afterMinutes: 10, channel: 'email', target: 'all' }], repeat: null },
				normal: { steps: [{ afterMinutes: 1440, channel: 'email', target: 'all' }], repeat: null }
			}
		});
		const lead = await createStaff(`Lou Lead ${suffix}`, '+61491570121');
		const member = await createStaff(`Max Member ${suffix}`, '+61491570122');
		await trpc(admin, 'teams.addMember', { teamId: team.id, userId: lead.id, isLead: true });
		await trpc(admin, 'teams.addMember', { teamId: team.id, userId: member.id });
		const subject = `Chest pain ${suffix}`;
		const sent = await trpc<{ id: string }>(admin, 'cases.send', {
			subject,
			teamIds: [team.id],
			priority: 'urgent'
		});

		// The worker runs both steps at once: an SMS to each member, then an email to the lead.
		const pages = await messagesFor(
			sent.id,
			(ms) =>
				ms.filter((m) => m.channel === 'sms' && m.providerId).length === 2 &&
				ms.some((m) => m.channel === 'email' && m.recipient === lead.email && m.status === 'sent')
		);
		const smsTo = (mobile: string) => pages.find((m) => m.channel === 'sms' && m.recipient === mobile)!;
		const authToken = inject('twilioAuthToken');
		// Twilio reports the lead's SMS delivered and the member's undelivered (unreachable handset).
		expect(
			await reportSmsStatus({
				baseUrl,
				authToken,
				sid: smsTo('+61491570121').providerId!,
				status: 'delivered'
			})
		).toBe(204);
		expect(
			await reportSmsStatus({
				baseUrl,
				authToken,
				sid: smsTo('+61491570122').providerId!,
				status: 'undelivered',
				errorCode: 30003
			})
		).toBe(204);
		// The member gets the page by email instead.
		await messagesFor(sent.id, (ms) =>
			ms.some(
				(m) =>
					m.purpose.startsWith('case-page-fallback:') && m.recipient === member.email && m.status === 'sent'
			)
		);

		const memberPage = await browser.newPage({ baseURL: baseUrl });
		await signIn(memberPage, member.email, password);
		await open(memberPage, `/inbox?team=${team.id}`);
		await hydrated(memberPage);
		const row = memberPage.getByTestId('inbox-row').filter({ hasText: subject });
		const rowTrail = row.getByTestId('paging-trail');
		await rowTrail.waitFor();
		expect(await rowTrail.getByText('Every escalation step has run. Paged:').count()).toBe(1);
		const when = /\d{1,2}:\d{2}/;
		const expectTrail = async (trail: Locator) => {
			const lines = await trailLines(trail);
			expect(lines).toHaveLength(3);
			const [first, second] = lines.slice(0, 2).sort();
			expect(first).toMatch(new RegExp(`^${lead.name} by SMS, .+ Delivered$`));
			expect(second).toMatch(
				new RegExp(`^${member.name} by SMS, .+ Not delivered Twilio error 30003 ↳ then by email Sent$`)
			);
			expect(lines[2]).toMatch(new RegExp(`^${lead.name} by email, .+ Sent$`));
			for (const line of lines) expect(line).toMatch(when);
			expect(await trail.locator('time').count()).toBe(3);
		};
		await expectTrail(rowTrail);

		// The case says the same in its triage panel.
		await row.getByRole('link', { name: subject }).click();
		await memberPage.waitForURL(new RegExp(`/cases/${sent.id}$`));
		await hydrated(memberPage);
		const triage = memberPage.getByRole('region', { name: 'Triage' });
		expect(await triage.getByTestId('routing-status').textContent()).toMatch(/no further escalation/);
		const caseTrail = triage.getByTestId('paging-trail');
		expect(await caseTrail.getByText('Every escalation step has run. Paged:').count()).toBe(1);
		await expectTrail(caseTrail);

		// Once acknowledged, the inbox row says who has it and no longer lists the pages.
		await triage.getByRole('button', { name: 'Acknowledge' }).click();
		await expect
			.poll(() => triage.getByText('You acknowledged this case. Its escalation has stopped.').count())
			.toBe(1);
		expect(await trailLines(triage.getByTestId('paging-trail'))).toHaveLength(3);
		await open(memberPage, `/inbox?team=${team.id}`);
		const acknowledgedRow = memberPage.getByTestId('inbox-row').filter({ hasText: subject });
		expect(await acknowledgedRow.getByText(`Acknowledged by ${member.name}`).count()).toBe(1);
		expect(await acknowledgedRow.getByTestId('paging-trail').count()).toBe(0);
		await memberPage.close();
	}, 120_000);
});
