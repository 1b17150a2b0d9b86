// Issue 19: each role lands on its own work, at a desk (1366 px) and on a phone (390 px): a team
// member acknowledges a waiting case from home, a scheduler sees a waiting request, a practitioner
// today's appointment and a case warning, an admin the set-up checklist and the system line that
// leads to /status. Nothing scrolls sideways at 390 px, and axe finds no serious issue.
import AxeBuilder from '@axe-core/playwright';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { todayIn, zonedToInstant } from '../src/lib/time.ts';
import { launchBrowser, open } from './browser.ts';
import { portalSignIn, trpc } from './fixtures.ts';
import { ADMIN, signIn, signInAsAdmin } from './session.ts';

const WIDTHS = [
	{ name: 'desktop', width: 1366, height: 900 },
	{ name: 'phone', width: 390, height: 844 }
] as const;

let browser: Browser;
let admin: Page;
const pages: Record<'member' | 'scheduler' | 'practitioner', Page> = {} as never;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const password = 'home page password';
const timeZone = process.env.CASEBOOK_TIME_ZONE || 'Australia/Sydney';
const patientEmail = `home.${suffix}@example.test`;
const patientLastName = `Home${suffix}`;
/** One waiting case per width, for the member to acknowledge. */
const waitingSubjects = WIDTHS.map((w) => `Home ${w.name} urgent ${suffix}`);
let caseName = '';
let caseId = '';
let typeId = '';

async function newPage(): Promise<Page> {
	return (await browser.newContext({ baseURL: baseUrl })).newPage();
}

async function seriousViolations(page: Page, path: string) {
	await open(page, path);
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({
			path,
			rule: v.id,
			help: v.help,
			targets: v.nodes.slice(0, 3).map((n) => n.target.join(' '))
		}));
}

const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await newPage();
	await signInAsAdmin(admin);

	const staff = (key: string, roles: string[], mobile?: string) =>
		trpc<{ id: string }>(admin, 'staff.create', {
			name: `Home ${key} ${suffix}`,
			email: `home.${key}.${suffix}@clinic.test`,
			roles,
			password,
			...(mobile ? { mobile } : {})
		});
	const member = await staff('member', ['practitioner'], '+61412345678');
	await staff('scheduler', ['scheduler']);
	const practitioner = await staff('practitioner', ['practitioner']);

	const service = await trpc<{ id: string }>(admin, 'services.create', { name: `Home physio ${suffix}` });
	await trpc(admin, 'services.setPractitioners', { serviceId: service.id, userIds: [practitioner.id] });
	const type = await trpc<{ id: string }>(admin, 'appointmentTypes.create', {
		name: `Home review ${suffix}`,
		serviceIds: [service.id],
		durationMinutes: 30,
		priceCents: 9000
	});
	const template = await trpc<{ id: string }>(admin, 'admin.caseTemplates.create', {
		name: `Home template ${suffix}`,
		serviceIds: [service.id],
		allowsRequests: true,
		requestTypes: [{ appointmentTypeId: type.id }]
	});
	const patient = await trpc<{ id: string }>(admin, 'patients.create', {
		firstName: 'Ada',
		lastName: patientLastName,
		email: patientEmail
	});
	caseName = `Home knee ${suffix}`;
	typeId = type.id;
	const caseRow = await trpc<{ id: string }>(admin, 'cases.create', {
		patientId: patient.id,
		name: caseName,
		templateId: template.id,
		limitKind: 'appointments',
		maxAppointments: 2
	});
	caseId = caseRow.id;
	// Today at noon in the clinic's zone: the practitioner's appointment, leaving one on the case.
	const noon = zonedToInstant(`${todayIn(timeZone)}T12:00`, timeZone);
	await trpc(admin, 'appointments.create', {
		patientId: patient.id,
		practitionerId: practitioner.id,
		appointmentTypeId: type.id,
		startsAt: noon,
		case: { mode: 'existing', caseId: caseRow.id, bodyPartIds: [] }
	});

	// A team with the member (and the admin, whose home then has every section), and cases for it.
	const team = await trpc<{ id: string }>(admin, 'teams.create', { name: `Home team ${suffix}` });
	await trpc(admin, 'teams.addMember', { teamId: team.id, userId: member.id });
	const admins = await trpc<{ items: { id: string; email: string }[] }>(
		admin,
		'staff.find',
		{ search: ADMIN.email },
		'GET'
	);
	const me = admins.items.find((u) => u.email === ADMIN.email)!;
	await trpc(admin, 'teams.addMember', { teamId: team.id, userId: me.id });
	for (const subject of waitingSubjects)
		await trpc(admin, 'cases.send', { subject, teamIds: [team.id], priority: 'urgent' });

	for (const key of ['member', 'scheduler', 'practitioner'] as const) {
		pages[key] = await newPage();
		await signIn(pages[key], `home.${key}.${suffix}@clinic.test`, password);
	}
}, 120_000);
afterAll(async () => {
	await browser?.close();
});

describe('each role’s home', () => {
	it('has a portal request waiting for the scheduler', async () => {
		const patientPage = await newPage();
		await portalSignIn(patientPage, patientEmail);
		const start = new Date(Date.now() + 3 * 86_400_000);
		const request = await trpc<{ id: string }>(patientPage, 'portal.requestAppointment', {
			caseId,
			appointmentTypeId: typeId,
			windows: [{ startsAt: start, endsAt: new Date(start.getTime() + 2 * 3_600_000) }]
		});
		expect(request.id).toBeTruthy();
	}, 60_000);

	for (const [index, viewport] of WIDTHS.entries()) {
		describe(`at ${viewport.width} px`, () => {
			beforeAll(async () => {
				for (const page of [admin, ...Object.values(pages)])
					await page.setViewportSize({ width: viewport.width, height: viewport.height });
			});

			it('lets a team member acknowledge a waiting case from home', async () => {
				const page = pages.member;
				await open(page, '/');
				const subject = waitingSubjects[index]!;
				const waiting = page.getByTestId('home-waiting');
				await waiting.getByRole('link', { name: subject }).waitFor();
				expect(await waiting.getByText(/Escalates in|Escalation due now/).count()).toBeGreaterThan(0);
				await waiting.getByRole('button', { name: `Acknowledge ${subject}` }).click();
				await page.getByRole('status').filter({ hasText: 'You acknowledged' }).waitFor();
				await page.getByTestId('home-acknowledged').getByRole('link', { name: subject }).waitFor();
				expect(await waiting.getByRole('link', { name: subject }).count()).toBe(0);
				if (viewport.width === 390) expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
			});

			it('shows the scheduler the requests waiting', async () => {
				const page = pages.scheduler;
				await open(page, '/');
				const requests = page.getByTestId('home-requests');
				await requests.getByRole('link', { name: new RegExp(patientLastName) }).waitFor();
				await page.getByTestId('home-clinic-today').getByText(caseName).first().waitFor();
				// No team: no team section, and nobody's setup checklist.
				expect(await page.getByTestId('home-waiting').count()).toBe(0);
				expect(await page.getByTestId('setup-checklist').count()).toBe(0);
				if (viewport.width === 390) expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
			});

			it('shows the practitioner today’s appointment and a case warning', async () => {
				const page = pages.practitioner;
				await open(page, '/');
				await page
					.getByTestId('home-my-today')
					.getByRole('link', { name: new RegExp(patientLastName) })
					.waitFor();
				const warnings = page.getByTestId('home-my-case-warnings');
				await warnings.getByRole('link', { name: caseName }).waitFor();
				expect(await warnings.getByText('One appointment left').count()).toBe(1);
				// Requests for their services, which they see but a scheduler decides.
				await page.getByTestId('home-my-requests').getByText(new RegExp(patientLastName)).waitFor();
				expect(await page.getByTestId('home-requests').count()).toBe(0);
				if (viewport.width === 390) expect(await scrollWidth(page)).toBeLessThanOrEqual(390);
			});

			it('shows the admin the set-up checklist and the system line leading to /status', async () => {
				await open(admin, '/');
				const checklist = admin.getByTestId('setup-checklist');
				await checklist.waitFor();
				expect(await checklist.getByRole('link', { name: /two-factor/ }).getAttribute('href')).toBe(
					'/account'
				);
				expect(await checklist.getByRole('link', { name: /services you offer/ }).getAttribute('href')).toBe(
					'/admin/services'
				);
				if (viewport.width === 390) expect(await scrollWidth(admin)).toBeLessThanOrEqual(390);
				await admin.getByTestId('system-line').getByRole('link').click();
				await admin.waitForURL((url) => url.pathname === '/status');
				expect(await admin.getByRole('heading', { level: 1 }).textContent()).toBe('Status');
				await expect.poll(() => admin.getByText(/Reachable/).count(), { timeout: 20_000 }).toBe(1);
				if (viewport.width === 390) expect(await scrollWidth(admin)).toBeLessThanOrEqual(390);
			});

			it('passes axe on the homes and the status page', async () => {
				const found = [
					...(await seriousViolations(admin, '/')),
					...(await seriousViolations(admin, '/status')),
					...(await seriousViolations(pages.member, '/')),
					...(await seriousViolations(pages.scheduler, '/')),
					...(await seriousViolations(pages.practitioner, '/'))
				];
				expect(found).toEqual([]);
			}, 120_000);
		});
	}

	it('keeps the built-in outbox from the Status page, which ticks the checklist’s messaging item', async () => {
		await open(admin, '/status');
		const keep = admin.getByRole('button', { name: 'Keep the built-in outbox' });
		// SMTP and Twilio set for e2e would leave nothing to choose.
		if (await keep.count()) {
			await keep.click();
			await admin.getByText(/You chose the built-in outbox on/).waitFor();
		}
		await open(admin, '/');
		const item = admin.getByTestId('setup-checklist').getByRole('link', { name: /email and SMS/ });
		expect(await item.textContent()).toContain('(done)');
		expect(await item.getAttribute('href')).toBe('/status');
	});

	it('keeps /status for admins', async () => {
		const response = await pages.scheduler.goto('/status');
		expect(response?.status()).toBe(403);
	});
});
