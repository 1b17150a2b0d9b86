// Issue 19, the live inbox: a case sent in one browser context shows in a member's open inbox in
// another within 2 s, without a reload, and so does the nav badge; an acknowledgement by another
// member shows the same way. The pages' polling (10 s, 20 s) rests while the stream is up, so these
// arrive through the server-sent events of /inbox/live.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signIn, signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
let first: Page;
let second: Page;
let teamId: string;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const PASSWORD = 'live inbox password';
const LIVE_MS = 2_000;

async function member(n: number): Promise<{ id: string; email: string }> {
	const email = `live.${n}.${suffix}@clinic.test`;
	const staff = await trpc<{ id: string }>(admin, 'staff.create', {
		name: `Live Member ${n} ${suffix}`,
		email,
		roles: ['practitioner'],
		password: PASSWORD
	});
	await trpc(admin, 'teams.addMember', { teamId, userId: staff.id });
	return { id: staff.id, email };
}

/** Opens the inbox and waits until its live stream is connected. */
async function openLiveInbox(page: Page): Promise<void> {
	const stream = page.waitForResponse((r) => new URL(r.url()).pathname === '/inbox/live');
	await open(page, '/inbox');
	const response = await stream;
	expect(response.status()).toBe(200);
	expect(response.headers()['content-type']).toMatch(/^text\/event-stream/);
}

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
	teamId = (await trpc<{ id: string }>(admin, 'teams.create', { name: `Live desk ${suffix}` })).id;
	const one = await member(1);
	const two = await member(2);
	// Each page is its own browser context: its own cookies, its own session.
	first = await browser.newPage({ baseURL: baseUrl });
	second = await browser.newPage({ baseURL: baseUrl });
	await signIn(first, one.email, PASSWORD);
	await signIn(second, two.email, PASSWORD);
});

afterAll(async () => {
	await browser?.close();
});

describe('the live inbox', () => {
	it('shows a case sent elsewhere, and its nav badge, within 2 s without a reload', async () => {
		await openLiveInbox(first);
		await openLiveInbox(second);
		const navigations: string[] = [];
		first.on('framenavigated', (frame) => frame === first.mainFrame() && navigations.push(frame.url()));
		const badge = first.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Inbox/ });
		const badgeBefore = await badge.getAttribute('aria-label');

		const subject = `Live case ${suffix}`;
		const sentAt = Date.now();
		await trpc(admin, 'cases.send', { subject, teamIds: [teamId], priority: 'urgent' });
		const row = first.getByTestId('inbox-row').filter({ hasText: subject });
		await row.waitFor({ timeout: LIVE_MS });
		const shownAfterMs = Date.now() - sentAt;
		await expect
			.poll(() => badge.getAttribute('aria-label'), { timeout: LIVE_MS - Math.min(shownAfterMs, LIVE_MS - 200) })
			.not.toBe(badgeBefore);
		expect(await badge.getAttribute('aria-label')).toMatch(/^Inbox, \d+ cases? waiting$/);
		expect(navigations).toEqual([]); // no reload: the page updated in place
		await second.getByTestId('inbox-row').filter({ hasText: subject }).waitFor({ timeout: LIVE_MS });
	});

	it('shows an acknowledgement by another member within 2 s', async () => {
		const subject = `Live ack ${suffix}`;
		const sent = await trpc<{ id: string }>(admin, 'cases.send', {
			subject,
			teamIds: [teamId],
			priority: 'high'
		});
		const row = first.getByTestId('inbox-row').filter({ hasText: subject });
		await row.getByRole('button', { name: `Acknowledge ${subject}` }).waitFor({ timeout: LIVE_MS });
		await trpc(second, 'cases.acknowledge', { caseId: sent.id });
		await row.getByText(/Acknowledged by Live Member 2/).waitFor({ timeout: LIVE_MS });
		expect(await row.getByRole('button', { name: `Acknowledge ${subject}` }).count()).toBe(0);
	});

	it('tells nothing to a staff member outside the case’s teams', async () => {
		const outsider = `live.outsider.${suffix}@clinic.test`;
		await trpc(admin, 'staff.create', {
			name: `Live Outsider ${suffix}`,
			email: outsider,
			roles: ['practitioner'],
			password: PASSWORD
		});
		const page = await browser.newPage({ baseURL: baseUrl });
		await signIn(page, outsider, PASSWORD);
		const events: string[] = [];
		await page.exposeFunction('recordLiveEvent', (data: string) => events.push(data));
		await open(page, '/inbox');
		// The outsider's own stream, read as the page's would be.
		await page.evaluate(() => {
			const source = new EventSource('/inbox/live');
			source.addEventListener('inbox', (e) =>
				(window as unknown as { recordLiveEvent(d: string): void }).recordLiveEvent(e.data)
			);
			return new Promise((resolve) => source.addEventListener('ready', resolve));
		});
		const subject = `Not for outsiders ${suffix}`;
		const sent = await trpc<{ id: string }>(admin, 'cases.send', {
			subject,
			teamIds: [teamId],
			priority: 'normal'
		});
		// The members hear of it; by then the outsider would have too, and has not.
		await first.getByTestId('inbox-row').filter({ hasText: subject }).waitFor({ timeout: LIVE_MS });
		expect(events.filter((e) => e.includes(`"${sent.id}"`))).toEqual([]);
		await page.close();
	});
});
