// Issue 7 acceptance: a referrer sends an Urgent case; the team's inbox shows it with a countdown to
// the next escalation; a member acknowledges it; the timeline and the referrer's view show that.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { passwordLinkFor, trpc } from './fixtures.ts';
import { signIn, signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

const teamName = `Hand therapy ${suffix}`;
const member = {
	name: `Mo Member ${suffix}`,
	email: `mo.${suffix}@clinic.test`,
	password: 'member password'
};
const referrer = {
	name: `Dr Rhea Ng ${suffix}`,
	email: `rhea.${suffix}@gp.test`,
	password: 'referrer password'
};
const subject = `Crushed finger, needs splint today ${suffix}`;

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
	// Arrange through the API: a team that takes cases from outside, with one member, and an
	// invited referrer (who chooses a password through the emailed link, below).
	const team = await trpc<{ id: string }>(admin, 'teams.create', {
		name: teamName,
		acceptsExternalCases: true
	});
	const staff = await trpc<{ id: string }>(admin, 'staff.create', {
		name: member.name,
		email: member.email,
		roles: ['practitioner'],
		password: member.password
	});
	await trpc(admin, 'teams.addMember', { teamId: team.id, userId: staff.id });
	await trpc(admin, 'staff.inviteReferrer', { name: referrer.name, email: referrer.email });
});
afterAll(async () => {
	await browser?.close();
});

describe('escalation', () => {
	it('shows a referrer’s Urgent case in the inbox with a countdown until a member acknowledges it', async () => {
		// The referrer chooses a password from the emailed invitation, which signs them in.
		const referrerPage = await browser.newPage({ baseURL: baseUrl });
		await open(referrerPage, await passwordLinkFor(referrer.email));
		await referrerPage.getByLabel(/^New password/).fill(referrer.password);
		await referrerPage.getByLabel(/^Type it again/).fill(referrer.password);
		await referrerPage.getByRole('button', { name: 'Save password' }).click();
		await referrerPage.waitForURL((url) => url.pathname === '/referrer');
		await referrerPage.getByRole('heading', { name: 'Cases you sent' }).waitFor();

		// The referrer sends an Urgent case to the team.
		await referrerPage.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		await referrerPage
			.getByRole('navigation', { name: 'Main' })
			.getByRole('link', { name: 'Send a case' })
			.click();
		await referrerPage.waitForURL('**/referrer/send');
		await referrerPage.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		await referrerPage.getByRole('checkbox', { name: teamName }).check();
		await referrerPage.getByLabel(/^Subject/).fill(subject);
		await referrerPage
			.getByLabel(/^Details/)
			.fill('Jo Bloggs, born 3 March 1990. Crush injury to the right index finger this morning.');
		await referrerPage.getByRole('radio', { name: /Urgent/ }).check();
		await referrerPage.getByRole('button', { name: 'Send case' }).click();
		await referrerPage.waitForURL(/\/referrer\/cases\/\d+\?sent=1/);
		const referrerCasePath = new URL(referrerPage.url()).pathname;
		await referrerPage.getByText('Your case was sent.', { exact: false }).waitFor();
		expect(await referrerPage.getByTestId('referrer-case-status').textContent()).toBe('Waiting for the team');

		// A member of the team sees the Inbox badge, and the case waiting with a live countdown.
		const memberPage = await browser.newPage({ baseURL: baseUrl });
		await signIn(memberPage, member.email, member.password);
		await memberPage.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		const nav = memberPage.getByRole('navigation', { name: 'Main' });
		const inboxLink = nav.getByRole('link', { name: 'Inbox, 1 case waiting' });
		expect((await inboxLink.textContent())?.replace(/\s+/g, ' ').trim()).toBe('Inbox 1');
		await inboxLink.click();
		await memberPage.waitForURL('**/inbox');
		await memberPage.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		const row = memberPage.getByTestId('inbox-row').filter({ hasText: subject });
		await row.waitFor();
		expect(await row.count()).toBe(1);
		expect(await row.getByText(/Priority:\s?Urgent/).count()).toBe(1);
		expect(await row.getByText(`From ${referrer.name} (referrer)`).count()).toBe(1);
		const countdown = row.getByText(/^Escalates in \d+:\d\d$/);
		const first = await countdown.textContent();
		// Urgent under the default policy: the first SMS goes out 5 minutes after sending.
		expect(first).toMatch(/^Escalates in (?:[0-4]:\d\d|5:00)$/);
		await expect.poll(() => countdown.textContent(), { timeout: 5_000 }).not.toBe(first);

		// The member opens the case and acknowledges it from the triage panel.
		await row.getByRole('link', { name: subject }).click();
		await memberPage.waitForURL(/\/cases\/\d+$/);
		await memberPage.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		const triage = memberPage.getByRole('region', { name: 'Triage' });
		expect(await triage.getByTestId('routing-status').textContent()).toMatch(/Waiting for a team member/);
		expect(await triage.getByText(`${referrer.name} sent it to ${teamName} as Urgent`).count()).toBe(1);
		await triage.getByRole('button', { name: 'Acknowledge' }).click();
		await expect
			.poll(() => triage.getByText('You acknowledged this case. Its escalation has stopped.').count())
			.toBe(1);
		// The page's data follows the form's answer (a live-inbox reload may land in between).
		await expect
			.poll(() => triage.getByTestId('routing-status').textContent(), { timeout: 10_000 })
			.toMatch(new RegExp(`Acknowledged by\\s+${member.name}`));
		expect(await triage.getByText(`${member.name} acknowledged it`, { exact: true }).count()).toBe(1);
		expect(await triage.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);

		// Nothing is waiting any more: no badge, and the inbox row says who has it.
		await open(memberPage, '/inbox');
		expect(await nav.getByRole('link', { name: 'Inbox', exact: true }).count()).toBe(1);
		const acknowledgedRow = memberPage.getByTestId('inbox-row').filter({ hasText: subject });
		expect(await acknowledgedRow.getByText(`Acknowledged by ${member.name}`).count()).toBe(1);
		expect(await acknowledgedRow.getByText(/Escalates in/).count()).toBe(0);

		// The referrer sees who took it.
		await open(referrerPage, referrerCasePath);
		expect(await referrerPage.getByTestId('referrer-case-status').textContent()).toBe(
			`Acknowledged by ${member.name}`
		);
		const history = referrerPage.getByRole('region', { name: 'History' });
		expect(await history.getByText(`${member.name} acknowledged it`, { exact: true }).count()).toBe(1);

		await referrerPage.close();
		await memberPage.close();
	}, 120_000);
});
