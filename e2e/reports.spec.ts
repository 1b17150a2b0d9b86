// Issue 19: the Reports page draws every chart from data (LayerChart, in the browser), each with its
// table and a CSV that holds the same figures, at 1366 and 390 px, with no serious axe finding.
// The data is this spec's own: a team and a practitioner made here, with two weeks of January 2026
// written straight into the database (escalation steps and pages cannot be waited for in a test).
import fs from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { REPORT_CHARTS } from '../src/lib/schemas/reports.ts';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signIn, signInAsAdmin } from './session.ts';

let browser: Browser;
let context: BrowserContext;
let admin: Page;
let db: pg.Client;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const password = 'reports walk password';
let practitioner: { id: string; email: string };
let teamId: string;
let query: string;

function databaseUrl(): string {
	const pidFile = path.join(inject('e2eDataDir'), 'postgres', 'postmaster.pid');
	const port = fs.readFileSync(pidFile, 'utf8').split('\n')[3]!.trim();
	return `postgres://casebook:casebook@127.0.0.1:${port}/casebook`;
}

function isoDay(offsetDays: number): string {
	return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
	browser = await launchBrowser();
	context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1366, height: 900 } });
	admin = await context.newPage();
	await signInAsAdmin(admin);
	db = new pg.Client({ connectionString: databaseUrl() });
	await db.connect();

	const email = `reports.physio.${suffix}@clinic.test`;
	const physio = await trpc<{ id: string }>(admin, 'staff.create', {
		name: `Reports Physio ${suffix}`,
		email,
		roles: ['practitioner'],
		password
	});
	practitioner = { id: physio.id, email };
	const service = await trpc<{ id: string }>(admin, 'services.create', { name: `Reports physio ${suffix}` });
	await trpc(admin, 'services.setPractitioners', { serviceId: service.id, userIds: [physio.id] });
	const type = await trpc<{ id: string }>(admin, 'appointmentTypes.create', {
		name: `Reports consult ${suffix}`,
		serviceIds: [service.id],
		durationMinutes: 30,
		priceCents: 9000
	});
	const template = await trpc<{ id: string }>(admin, 'admin.caseTemplates.create', {
		name: `Reports knee ${suffix}`,
		serviceIds: [service.id],
		allowsRequests: true,
		requestTypes: [{ appointmentTypeId: type.id }]
	});
	const team = await trpc<{ id: string }>(admin, 'teams.create', { name: `Reports team ${suffix}` });
	teamId = team.id;
	await trpc(admin, 'teams.addMember', { teamId, userId: physio.id, isLead: true });
	const patient = await trpc<{ id: string }>(admin, 'patients.create', {
		firstName: 'Rhea',
		lastName: `Reports${suffix}`
	});
	const capped = await trpc<{ id: string }>(admin, 'cases.create', {
		patientId: patient.id,
		name: 'Knee rehabilitation',
		templateId: template.id,
		limitKind: 'appointments',
		maxAppointments: 4
	});
	const referred = await trpc<{ id: string }>(admin, 'cases.create', {
		patientId: patient.id,
		name: 'Shoulder',
		limitKind: 'unlimited',
		hasReferral: true,
		referralIssuedOn: isoDay(-30),
		referralExpiresOn: isoDay(10)
	});

	// January 2026, straight into the tables.
	const q = (sql: string, params: unknown[] = []) => db.query(sql, params);
	await q(`update clinic_case set created_at = '2026-01-07T12:00:00Z' where id = any($1::bigint[])`, [
		[capped.id, referred.id]
	]);
	const appointment = async (caseId: string | null, startsAt: string, status: string) =>
		(
			await q(
				`insert into appointment (patient_id, practitioner_id, appointment_type_id, starts_at, ends_at, status, case_id, created_at, updated_at)
				 values ($1, $2, $3, $4::timestamptz, $4::timestamptz + interval '30 minutes', $5, $6, now(), now()) returning id`,
				[patient.id, physio.id, type.id, startsAt, status, caseId]
			)
		).rows[0].id as string;
	const booked = await appointment(capped.id, '2026-01-07T01:00:00Z', 'completed');
	await appointment(referred.id, '2026-01-08T01:00:00Z', 'cancelled');
	await appointment(null, '2026-01-14T01:00:00Z', 'did_not_arrive');
	await appointment(null, '2026-01-14T02:00:00Z', 'booked');
	const sentCase = async (priority: string, sentAt: string, ackMinutes: number | null) => {
		const id = (
			await q(
				`insert into clinic_case (name, patient_id, issued_on, priority, sent_at, escalation_started_at, escalation_generation,
					acknowledged_at, created_at, updated_at)
				 values ('Reports routed', $1, $2::date, $3, $2::timestamptz, $2::timestamptz, 1,
					$2::timestamptz + make_interval(mins => $4::int), $2::timestamptz, now()) returning id`,
				[patient.id, sentAt, priority, ackMinutes]
			)
		).rows[0].id as string;
		await q(
			`insert into case_team (case_id, team_id, policy) values ($1, $2, '{"steps":[],"repeat":null}')`,
			[id, teamId]
		);
		return id;
	};
	await sentCase('urgent', '2026-01-07T12:00:00Z', 4);
	await sentCase('high', '2026-01-08T12:00:00Z', 30);
	const waiting = await sentCase('urgent', '2026-01-14T12:00:00Z', null);
	await q(
		`insert into case_escalation_step (case_id, team_id, generation, round, step_index, due_at, fired_at)
		 values ($1, $2, 1, 0, 0, '2026-01-14T12:05:00Z', '2026-01-14T12:05:00Z')`,
		[waiting, teamId]
	);
	const sms = (
		await q(
			`insert into notification (channel, recipient, purpose, body, related_type, related_id, status, attempts, created_at, updated_at)
			 values ('sms', '+61400000009', $1, 'page', 'case', $2, 'failed', 1, '2026-01-14T12:05:00Z', now()) returning id`,
			[`case-page:${waiting}:${teamId}:g1:r0:s0:u${physio.id}`, waiting]
		)
	).rows[0].id as string;
	await q(
		`insert into notification (channel, recipient, purpose, body, related_type, related_id, status, attempts, created_at, updated_at)
		 values ('email', $1, $2, 'page', 'case', $3, 'sent', 1, '2026-01-14T12:06:00Z', now())`,
		[email, `case-page-fallback:${sms}`, waiting]
	);
	const request = (
		status: string,
		createdAt: string,
		decidedAt: string | null,
		appointmentId: string | null
	) =>
		q(
			`insert into appointment_request (patient_id, case_id, appointment_type_id, duration_minutes, windows, status, created_at, decided_at, appointment_id)
			 values ($1, $2, $3, 30, '[{"startsAt":"2026-01-07T00:00:00Z","endsAt":"2026-01-07T03:00:00Z"}]', $4, $5, $6, $7)`,
			[patient.id, capped.id, type.id, status, createdAt, decidedAt, appointmentId]
		);
	await request('approved', '2026-01-06T10:00:00Z', '2026-01-06T14:00:00Z', booked);
	await request('declined', '2026-01-07T00:00:00Z', '2026-01-08T00:00:00Z', null);
	query = new URLSearchParams({
		from: '2026-01-05',
		to: '2026-01-18',
		teamId,
		practitionerId: physio.id
	}).toString();
}, 120_000);

afterAll(async () => {
	await db?.end();
	await browser?.close();
});

async function openReports(page: Page, width: number) {
	await page.setViewportSize({ width, height: 900 });
	await open(page, `/reports?${query}`);
	// The charts draw in the browser: wait for the last one.
	await page.locator('[data-testid="chart-appointments"] svg').first().waitFor();
}

async function seriousViolations(page: Page) {
	const result = await new AxeBuilder({ page })
		.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
		.analyze();
	return result.violations
		.filter((v) => v.impact === 'serious' || v.impact === 'critical')
		.map((v) => ({ rule: v.id, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
}

/** Marks each chart drew: bars (rect) or lines (path) with a size, inside its svg. */
async function drawnMarks(page: Page): Promise<Record<string, number>> {
	return page.evaluate(
		(ids) => {
			const out: Record<string, number> = {};
			for (const id of ids) {
				const marks = document.querySelectorAll(
					`[data-testid="chart-${id}"] svg rect, [data-testid="chart-${id}"] svg path`
				);
				out[id] = [...marks].filter((m) => {
					const box = (m as SVGGraphicsElement).getBBox();
					return box.width > 0 && box.height > 0;
				}).length;
			}
			return out;
		},
		[...REPORT_CHARTS]
	);
}

describe('the Reports page', () => {
	it.each([1366, 390])(
		'draws every chart from data at %i px, without sideways scrolling or serious axe issues',
		async (width) => {
			await openReports(admin, width);
			const marks = await drawnMarks(admin);
			// CASEBOOK_SCREENSHOTS=1 keeps what the test saw, for the README (docs/screenshots/).
			if (process.env.CASEBOOK_SCREENSHOTS === '1') {
				fs.mkdirSync('docs/screenshots', { recursive: true });
				await admin.screenshot({ path: `docs/screenshots/reports-${width}.png`, fullPage: width === 1366 });
			}
			for (const id of REPORT_CHARTS) expect(marks[id], `chart ${id} drew nothing`).toBeGreaterThan(0);
			const overflow = await admin.evaluate((w) => {
				const wide = [...document.querySelectorAll('body *')]
					.filter((el) => el.getBoundingClientRect().right > w + 1)
					.slice(0, 5)
					.map((el) => `${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)}`);
				return { scrollWidth: document.documentElement.scrollWidth, wide };
			}, width);
			expect(overflow.scrollWidth, `wider than the screen: ${overflow.wide.join(' | ')}`).toBeLessThanOrEqual(
				width
			);
			expect(await seriousViolations(admin)).toEqual([]);
			// The nav links to the page (behind the Menu button on a phone).
			if (width === 390) await admin.getByRole('button', { name: /^Menu/ }).click();
			expect(
				await admin.getByRole('link', { name: 'Reports', exact: true }).getAttribute('aria-current')
			).toBe('page');
		},
		120_000
	);

	it('shows each chart’s table, and the CSV download holds the same figures', async () => {
		await openReports(admin, 1366);
		const section = admin.locator('[data-report="appointments"]');
		await section.getByText(/Show the table/).click();
		const table = section.getByTestId('table-appointments');
		await table.waitFor();
		const shown = await table.evaluate((t) => [
			[...t.querySelectorAll('thead th')].map((th) => th.textContent!.trim()),
			...[...t.querySelectorAll('tbody tr')].map((tr) =>
				[...tr.querySelectorAll('td')].map((td) => td.textContent!.trim())
			)
		]);
		expect(shown).toContainEqual(['2026-01-05', `Reports Physio ${suffix}`, '0', '1', '1', '0']);
		expect(shown).toContainEqual(['2026-01-12', `Reports Physio ${suffix}`, '1', '0', '0', '1']);

		const href = await section.getByRole('link', { name: /Download CSV/ }).getAttribute('href');
		const csv = await admin.evaluate(async (url) => {
			const response = await fetch(url!);
			return {
				status: response.status,
				type: response.headers.get('content-type'),
				text: await response.text()
			};
		}, href);
		expect(csv.status).toBe(200);
		expect(csv.type).toContain('text/csv');
		const lines = csv.text
			.trimEnd()
			.split('\r\n')
			.map((line) => line.split(','));
		expect(lines).toEqual(shown);
	}, 60_000);

	it('names a bad date range next to the field instead of failing', async () => {
		await admin.setViewportSize({ width: 1366, height: 900 });
		await open(admin, '/reports?from=2026-02-01&to=2026-01-01');
		await expect.poll(() => admin.getByLabel('To').getAttribute('aria-invalid')).toBe('true');
		expect(await admin.locator('#to-error').textContent()).toContain('before');
		const response = await admin.request.get(`/reports/appointments/csv?from=2026-02-01&to=2026-01-01`);
		expect(response.status()).toBe(400);
	});

	it('shows a practitioner their own figures, and no one else’s CSV', async () => {
		const own = await (await browser.newContext({ baseURL: baseUrl })).newPage();
		await signIn(own, practitioner.email, password);
		await open(own, '/reports?from=2026-01-05&to=2026-01-18');
		await own.locator('[data-testid="chart-appointments"] svg').first().waitFor();
		expect(await own.getByText('Your own figures').count()).toBeGreaterThan(0);
		const other = await own.request.get(
			`/reports/appointments/csv?from=2026-01-05&to=2026-01-18&practitionerId=${encodeURIComponent('1')}`
		);
		expect(other.status()).toBe(403);
		await own.context().close();
	}, 60_000);
});
