// Issue 19, phones: every layout has a menu at 390 px (a button that says whether it is open, every
// item inside, Escape and navigation close it, the focus comes back), no main page scrolls sideways,
// lists are cards, each role's home passes axe at 1366 and 390 px, and the path a paged team member
// takes is one thumb: the SMS link, sign in, the case's triage panel, Acknowledge.
// CASEBOOK_SCREENSHOTS=1 keeps a home page and the phone inbox for the README (docs/screenshots/).
import fs from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { passwordLinkFor, portalSignIn, trpc } from './fixtures.ts';
import { ADMIN, signIn, signInAsAdmin } from './session.ts';

const PHONE = { width: 390, height: 844 };
const DESK = { width: 1366, height: 900 };
const WIDTHS = [DESK, PHONE];

let browser: Browser;
let admin: Page;
let lead: Page;
let referrer: Page;
let patientPage: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const password = 'phones walk password';
const leadUser = {
	name: `Lee Lead ${suffix}`,
	email: `phones.lead.${suffix}@clinic.test`,
	mobile: '+61412000191'
};
const referrerUser = { name: `Dr Rae Ferrer ${suffix}`, email: `phones.gp.${suffix}@example.test` };
const patientEmail = `phones.${suffix}@example.test`;
let teamId = '';
let patientId = '';
let caseId = '';

const screenshots = process.env.CASEBOOK_SCREENSHOTS === '1';
async function keep(page: Page, name: string, fullPage = false) {
	if (!screenshots) return;
	fs.mkdirSync('docs/screenshots', { recursive: true });
	await page.screenshot({ path: `docs/screenshots/${name}.png`, fullPage });
}

async function newPage(viewport = DESK): Promise<Page> {
	return (await browser.newContext({ baseURL: baseUrl, viewport })).newPage();
}

/** The page's width as the browser lays it out, and the first elements that stick out. */
async function overflow(page: Page, width: number) {
	return page.evaluate((w) => {
		const wide = [...document.querySelectorAll('body *')]
			.filter((el) => el.getBoundingClientRect().right > w + 1)
			.slice(0, 4)
			.map((el) => `${el.tagName.toLowerCase()}.${String(el.getAttribute('class')).slice(0, 50)}`);
		return { scrollWidth: document.documentElement.scrollWidth, wide: wide.join(' | ') };
	}, width);
}

async function expectNoSidewaysScroll(page: Page, path: string) {
	const { scrollWidth, wide } = await overflow(page, PHONE.width);
	expect(scrollWidth, `${path} is wider than the phone: ${wide}`).toBeLessThanOrEqual(PHONE.width);
}

async function seriousViolations(page: Page) {
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({
			url: page.url(),
			rule: v.id,
			help: v.help,
			targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))
		}));
}

const menuButton = (page: Page) =>
	page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /^Menu/ });

/** Every item of the main navigation can be reached: directly at a desk, through the menu on a phone. */
async function expectEveryItemReachable(page: Page, labels: string[], width: number) {
	const nav = page.getByRole('navigation', { name: 'Main' });
	if (width === PHONE.width) {
		const button = menuButton(page);
		expect(await button.getAttribute('aria-expanded')).toBe('false');
		await button.click();
		expect(await button.getAttribute('aria-expanded')).toBe('true');
	} else {
		expect(await menuButton(page).isVisible()).toBe(false);
	}
	for (const label of labels) {
		const link = nav.getByRole('link', { name: new RegExp(`^${label}`) });
		expect(await link.isVisible(), `${label} is not reachable at ${width} px`).toBe(true);
		const box = (await link.boundingBox())!;
		expect(box.x + box.width, `${label} sticks out at ${width} px`).toBeLessThanOrEqual(width);
	}
	if (width === PHONE.width) {
		await page.keyboard.press('Escape');
		expect(await menuButton(page).getAttribute('aria-expanded')).toBe('false');
	}
}

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await newPage();
	await signInAsAdmin(admin);

	// A team whose lead is paged by SMS at once for an Urgent case (step at 0 minutes).
	const leadRow = await trpc<{ id: string }>(admin, 'staff.create', {
		name: leadUser.name,
		email: leadUser.email,
		roles: ['practitioner'],
		password,
		mobile: leadUser.mobile
	});
	const team = await trpc<{ id: string; version: number }>(admin, 'teams.create', {
		name: `Phones team ${suffix}`,
		acceptsExternalCases: true
	});
	teamId = team.id;
	await trpc(admin, 'teams.addMember', { teamId, userId: leadRow.id, isLead: true });
	const current = await trpc<{ version: number }>(admin, 'teams.get', { id: teamId }, 'GET');
	await trpc(admin, 'teams.updatePolicy', {
		teamId,
		version: current.version,
		escalationPolicy: {
			urgent: { steps: [{ afterMinutes: 0, channel: 'sms', target: 'all' }], repeat: null },
			high: { steps: [{ afterMinutes: 10, channel: 'email', target: 'all' }], repeat: null },
			normal: { steps: [{ afterMinutes: 24 * 60, channel: 'email', target: 'all' }], repeat: null }
		}
	});

	const patient = await trpc<{ id: string }>(admin, 'patients.create', {
		firstName: 'Pia',
		lastName: `Phones${suffix}`,
		email: patientEmail
	});
	patientId = patient.id;
	caseId = (
		await trpc<{ id: string }>(admin, 'cases.create', {
			patientId,
			name: 'Ankle sprain',
			limitKind: 'appointments',
			maxAppointments: 6
		})
	).id;

	lead = await newPage();
	await signIn(lead, leadUser.email, password);

	await trpc(admin, 'staff.inviteReferrer', referrerUser);
}, 180_000);

afterAll(async () => {
	await browser?.close();
});

const STAFF_ITEMS = [
	'Inbox',
	'Requests',
	'Patients',
	'Contacts',
	'Cases',
	'Teams',
	'Appointments',
	'Reports',
	'Admin'
];

describe('the people outside the clinic', () => {
	// expect.poll (reading the mail catcher) works only inside a test.
	it('sign in: the referrer from the invitation, the patient by a portal link', async () => {
		// The referrer chooses a password from the invitation, which signs them in.
		referrer = await newPage();
		await open(referrer, await passwordLinkFor(referrerUser.email));
		await referrer.getByLabel(/^New password/).fill(password);
		await referrer.getByLabel(/^Type it again/).fill(password);
		await referrer.getByRole('button', { name: 'Save password' }).click();
		await referrer.waitForURL((url) => url.pathname === '/referrer');

		patientPage = await newPage();
		await portalSignIn(patientPage, patientEmail);
	}, 90_000);
});

describe('the staff menu', () => {
	it('folds the navigation behind a Menu button at 390 px: every item inside, Escape and navigation close it', async () => {
		await admin.setViewportSize(PHONE);
		await open(admin, '/');
		const button = menuButton(admin);
		const nav = admin.getByRole('navigation', { name: 'Main' });
		expect(await nav.getByRole('link', { name: 'Patients' }).isVisible()).toBe(false);

		await button.click();
		expect(await button.getAttribute('aria-expanded')).toBe('true');
		// The focus moves to the first item, and every item is on the screen.
		expect(await admin.evaluate(() => document.activeElement?.textContent?.trim())).toMatch(/^Inbox/);
		for (const label of STAFF_ITEMS)
			expect(await nav.getByRole('link', { name: new RegExp(`^${label}`) }).isVisible(), label).toBe(true);
		await keep(admin, 'phone-menu');

		// Escape closes it and gives the focus back to the button.
		await admin.keyboard.press('Escape');
		expect(await button.getAttribute('aria-expanded')).toBe('false');
		expect(await admin.evaluate(() => document.activeElement?.getAttribute('aria-expanded'))).toBe('false');
		expect(await nav.getByRole('link', { name: 'Patients' }).isVisible()).toBe(false);

		// Choosing an item goes there and closes the menu.
		await button.click();
		await nav.getByRole('link', { name: 'Patients' }).click();
		await admin.waitForURL('**/patients');
		await expect.poll(() => button.getAttribute('aria-expanded')).toBe('false');
		expect(await admin.getByRole('heading', { level: 1 }).textContent()).toBe('Patients');
		await button.click();
		expect(await nav.getByRole('link', { name: 'Patients' }).getAttribute('aria-current')).toBe('page');
		await admin.keyboard.press('Escape');

		// The account menu is a button too, named, and lists My account and Sign out.
		const account = admin.getByRole('button', { name: `Account: ${ADMIN.name}` });
		await account.click();
		expect(await account.getAttribute('aria-expanded')).toBe('true');
		expect(await admin.getByRole('link', { name: 'My account' }).isVisible()).toBe(true);
		expect(await admin.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
		await admin.keyboard.press('Escape');
		expect(await account.getAttribute('aria-expanded')).toBe('false');
	});

	it('shows the items in the header at a desk, with no Menu button', async () => {
		await admin.setViewportSize(DESK);
		await open(admin, '/');
		await expectEveryItemReachable(admin, STAFF_ITEMS, DESK.width);
	});
});

describe('at 390 px', () => {
	it('no main staff page scrolls sideways, and lists are stacked cards', async () => {
		await admin.setViewportSize(PHONE);
		const paths = [
			'/',
			'/inbox',
			'/requests',
			'/patients',
			`/patients/${patientId}`,
			`/patients/${patientId}?tab=cases`,
			'/contacts',
			'/cases',
			`/cases/${caseId}`,
			'/cases/send',
			'/teams',
			'/appointments',
			'/reports',
			'/account',
			'/status',
			'/admin',
			'/admin/staff',
			'/admin/teams',
			`/admin/teams/${teamId}`,
			'/admin/referrers',
			'/admin/services',
			'/admin/appointment-types',
			'/admin/case-templates',
			'/admin/body-parts',
			'/admin/outbox',
			'/admin/audit'
		];
		for (const path of paths) {
			await open(admin, path);
			await expectNoSidewaysScroll(admin, path);
		}
		// A list is cards: each patient row is a box of its own, its cells one under another.
		await open(admin, `/patients?q=${encodeURIComponent(`Phones${suffix}`)}`);
		const row = admin.getByTestId('patient-row').first();
		const cells = await row.evaluate((tr) =>
			[...tr.querySelectorAll(':scope > td')].map((td) => getComputedStyle(td).display)
		);
		expect(cells.every((display) => display === 'block')).toBe(true);
		expect((await row.boundingBox())!.width).toBeLessThanOrEqual(PHONE.width);
	}, 180_000);
});

describe('each role’s home at 1366 and 390 px', () => {
	for (const viewport of WIDTHS) {
		it(`shows the team lead their home and inbox at ${viewport.width} px, every item reachable, axe clean`, async () => {
			await lead.setViewportSize(viewport);
			await open(lead, '/');
			await lead.getByRole('heading', { level: 1 }).waitFor();
			if (viewport.width === PHONE.width) await expectNoSidewaysScroll(lead, '/ (lead)');
			const found = await seriousViolations(lead);
			await expectEveryItemReachable(
				lead,
				['Inbox', 'Patients', 'Contacts', 'Cases', 'Teams', 'Appointments', 'Reports'],
				viewport.width
			);
			expect(found).toEqual([]);
		}, 60_000);

		it(`shows the admin their home at ${viewport.width} px, axe clean`, async () => {
			await admin.setViewportSize(viewport);
			await open(admin, '/');
			await admin.getByTestId('setup-checklist').waitFor();
			if (viewport.width === PHONE.width) await expectNoSidewaysScroll(admin, '/ (admin)');
			expect(await seriousViolations(admin)).toEqual([]);
			if (viewport.width === DESK.width) await keep(admin, 'home-admin-1366', true);
		}, 60_000);

		it(`shows the referrer the cases they sent at ${viewport.width} px, with a menu on the phone`, async () => {
			await referrer.setViewportSize(viewport);
			for (const path of ['/referrer', '/referrer/send']) {
				await open(referrer, path);
				if (viewport.width === PHONE.width) await expectNoSidewaysScroll(referrer, path);
				expect(await seriousViolations(referrer)).toEqual([]);
			}
			await open(referrer, '/referrer');
			await referrer.getByRole('heading', { name: 'Cases you sent' }).waitFor();
			await expectEveryItemReachable(referrer, ['My cases', 'Send a case'], viewport.width);
		}, 60_000);

		it(`shows the portal patient their home at ${viewport.width} px, with a menu on the phone`, async () => {
			await patientPage.setViewportSize(viewport);
			await open(patientPage, '/portal');
			await patientPage.getByRole('heading', { name: /^Hello/ }).waitFor();
			if (viewport.width === PHONE.width) await expectNoSidewaysScroll(patientPage, '/portal');
			expect(await seriousViolations(patientPage)).toEqual([]);
			await expectEveryItemReachable(patientPage, ['Appointments', 'Treatment', 'Requests'], viewport.width);
			if (viewport.width === PHONE.width) {
				// A section link jumps down the page and closes the menu.
				await menuButton(patientPage).click();
				await patientPage
					.getByRole('navigation', { name: 'Main' })
					.getByRole('link', { name: 'Requests' })
					.click();
				await expect.poll(() => menuButton(patientPage).getAttribute('aria-expanded')).toBe('false');
				expect(new URL(patientPage.url()).hash).toBe('#requests-heading');
			}
		}, 60_000);
	}
});

describe('the paged path, one thumb at 390 px', () => {
	it('goes from the SMS link through sign-in to the case’s triage panel and Acknowledge', async () => {
		const subject = `Phones urgent ${suffix}`;
		const sent = await trpc<{ id: string }>(admin, 'cases.send', {
			subject,
			teamIds: [teamId],
			priority: 'urgent'
		});
		// The worker pages the lead at once (a 0-minute step): the SMS holds the case's link.
		let link: string | null = null;
		await expect
			.poll(
				async () => {
					const found = await trpc<{ items: { recipient: string; body: string }[] }>(
						admin,
						'notifications.find',
						{ channel: 'sms', search: leadUser.mobile },
						'GET'
					);
					link =
						found.items
							.filter((m) => m.recipient === leadUser.mobile)
							.map((m) => m.body.match(/https?:\/\/\S+\/cases\/\d+\S*/)?.[0])
							.find((l) => l?.includes(`/cases/${sent.id}`)) ?? null;
					return link;
				},
				{ timeout: 30_000, interval: 500 }
			)
			.not.toBeNull();

		// The lead's inbox on their phone shows it waiting (kept for the README).
		await lead.setViewportSize(PHONE);
		await open(lead, '/inbox');
		await lead.getByTestId('inbox-row').filter({ hasText: subject }).waitFor();
		await expectNoSidewaysScroll(lead, '/inbox');
		await keep(lead, 'inbox-390');

		// A phone that is not signed in: the link asks to sign in, then returns to the case.
		const phone = await newPage(PHONE);
		const url = new URL(link!);
		await open(phone, url.pathname + url.search);
		expect(new URL(phone.url()).pathname).toBe('/sign-in');
		await expectNoSidewaysScroll(phone, '/sign-in');
		await phone.getByLabel('Email').fill(leadUser.email);
		await phone.getByLabel('Password').fill(password);
		await phone.getByRole('button', { name: 'Sign in' }).click();
		await phone.waitForURL((u) => u.pathname === `/cases/${sent.id}`);
		await phone.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		const acknowledge = phone.getByRole('button', { name: 'Acknowledge', exact: true });
		await acknowledge.waitFor();
		await expectNoSidewaysScroll(phone, `/cases/${sent.id}`);
		// Big enough for a thumb, and on the screen.
		const box = (await acknowledge.boundingBox())!;
		expect(box.height).toBeGreaterThanOrEqual(40);
		expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
		await keep(phone, 'paged-case-390');
		await acknowledge.click();
		await phone
			.getByText(/Acknowledged by/)
			.first()
			.waitFor();
		expect(await phone.getByRole('button', { name: 'Acknowledge', exact: true }).count()).toBe(0);

		// The phone stays signed in: the link opens the case straight away next time.
		await open(phone, url.pathname + url.search);
		expect(new URL(phone.url()).pathname).toBe(`/cases/${sent.id}`);
		await phone.context().close();
	}, 90_000);
});

describe('the message log', () => {
	it('shows the links in messages as links, and keeps no one-time link once a message is sent', async () => {
		await admin.setViewportSize(DESK);
		// The lead's page (a case link, no secret in it).
		await open(admin, `/admin/outbox?q=${encodeURIComponent(leadUser.mobile)}`);
		const page = admin.getByTestId('outbox-row').first();
		await page.locator('summary').click();
		const link = page.getByTestId('outbox-body').getByRole('link');
		expect(await link.count()).toBe(1);
		expect(await link.getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cases\/\d+/);
		expect(await link.getAttribute('rel')).toContain('noopener');
		// The referrer's invitation went over SMTP: its stored copy hides the password link.
		await open(admin, `/admin/outbox?q=${encodeURIComponent(referrerUser.email)}`);
		const invitation = admin.getByTestId('outbox-row').first();
		await invitation.locator('summary').click();
		const body = invitation.getByTestId('outbox-body');
		expect(await body.textContent()).toContain('[link hidden]');
		expect(await body.getByRole('link').count()).toBe(0);
	});
});
