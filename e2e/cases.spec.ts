// Issue 6 acceptance: booking for a patient with an open "Left shoulder" case asks whether to add to
// it or start a separate case; the two cases are then merged, closed and re-opened on the case page.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let page: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

const typeName = `Shoulder review ${suffix}`;
const practitionerName = `Pia Practitioner ${suffix}`;
const patientName = `Lena Marsh${suffix}`;
const existingCaseName = 'Left shoulder rehab';
const separateCaseName = 'Left shoulder second opinion';
let patientId: string;
let existingCaseId: string;

/** 'YYYY-MM-DD', some days from now: a free slot of the new practitioner's diary. */
function daysAhead(days: number): string {
	return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(page);
	// Arrange through the API: a service with its practitioner and type, a patient with an open
	// left-shoulder case limited to ten appointments.
	const service = await trpc<{ id: string }>(page, 'services.create', { name: `Physiotherapy ${suffix}` });
	const practitioner = await trpc<{ id: string }>(page, 'staff.create', {
		name: practitionerName,
		email: `pia.${suffix}@clinic.test`,
		roles: ['practitioner'],
		password: 'practitioner password'
	});
	await trpc(page, 'services.setPractitioners', { serviceId: service.id, userIds: [practitioner.id] });
	await trpc(page, 'appointmentTypes.create', {
		name: typeName,
		serviceIds: [service.id],
		durationMinutes: 30,
		priceCents: 9000
	});
	const patient = await trpc<{ id: string }>(page, 'patients.create', {
		firstName: 'Lena',
		lastName: `Marsh${suffix}`
	});
	patientId = patient.id;
	const bodyParts = await trpc<{ id: string; name: string }[]>(
		page,
		'bodyParts.find',
		{ search: 'Left shoulder' },
		'GET'
	);
	const leftShoulder = bodyParts.find((b) => b.name === 'Left shoulder');
	if (!leftShoulder) throw new Error('The default body part "Left shoulder" is missing');
	const existing = await trpc<{ id: string }>(page, 'cases.create', {
		patientId,
		name: existingCaseName,
		bodyPartIds: [leftShoulder.id],
		limitKind: 'appointments',
		maxAppointments: 10
	});
	existingCaseId = existing.id;
});
afterAll(async () => {
	await browser?.close();
});

/** Fills the booking form for a new left-shoulder case and submits it, which asks the question. */
async function bookNewLeftShoulderCase(date: string): Promise<void> {
	await open(page, `/appointments/new?patientId=${patientId}`);
	await page.getByLabel(/^Appointment type/).selectOption({ label: `${typeName} (30 min)` });
	await page.getByLabel(/^Practitioner/).selectOption({ label: practitionerName });
	await page.getByLabel(/^Date/).fill(date);
	await page.getByLabel(/^Time/).fill('09:00');
	await page.getByRole('radio', { name: /A new case/ }).check();
	await page.getByLabel(/^Case name/).fill(separateCaseName);
	await page.getByLabel('Left shoulder', { exact: true }).check();
	await page.getByRole('button', { name: 'Book appointment' }).click();
	await page.getByRole('heading', { name: 'Add to the open case, or create a separate case?' }).waitFor();
}

describe('cases', () => {
	it('books into a separate case, then into the existing one, merges them, closes and re-opens', async () => {
		// 1. The question, answered "create a separate case".
		await bookNewLeftShoulderCase(daysAhead(7));
		expect(await page.getByText(`${patientName} already has an open case for Left shoulder`).count()).toBe(1);
		expect(await page.getByRole('link', { name: new RegExp(existingCaseName) }).count()).toBe(1);
		await page.getByRole('button', { name: 'Create a separate case' }).click();
		await page.waitForURL(/\/appointments\/\d+\?booked=1/);
		await page.getByText('Appointment booked.').waitFor();
		expect(await page.getByRole('link', { name: separateCaseName }).count()).toBe(1);

		// The patient now has both cases open.
		await open(page, `/patients/${patientId}?tab=cases`);
		const rows = page.getByTestId('patient-case-row');
		expect(await rows.count()).toBe(2);
		for (const name of [existingCaseName, separateCaseName]) {
			const row = rows.filter({ has: page.getByRole('link', { name, exact: true }) });
			expect(await row.count()).toBe(1);
			expect(await row.getByText('Open', { exact: true }).count()).toBe(1);
		}

		// 2. Booking again asks about both open left-shoulder cases; this time: add to the existing one.
		await bookNewLeftShoulderCase(daysAhead(8));
		expect(await page.getByRole('button', { name: /^Add to/ }).count()).toBe(2);
		await page.getByRole('button', { name: `Add to “${existingCaseName}”` }).click();
		await page.waitForURL(/\/appointments\/\d+\?booked=1/);
		await page.getByText('Appointment booked.').waitFor();
		expect(await page.getByRole('link', { name: existingCaseName }).count()).toBe(1);
		expect(await page.getByText('· 1 of 10').count()).toBe(1);

		await open(page, `/cases/${existingCaseId}`);
		expect(await page.getByRole('heading', { name: /^Appointments/ }).textContent()).toMatch(/\(1\)/);
		const appointments = page.getByRole('table', { name: 'Appointments on this case, earliest first' });
		expect(await appointments.getByRole('cell', { name: '1 of 10', exact: true }).count()).toBe(1);

		// 3. Merge the separate case into this one (confirmed in the dialog).
		await page.getByRole('button', { name: 'Merge…' }).click();
		const mergeDialog = page.getByRole('dialog', { name: 'Merge another case into this one' });
		await mergeDialog.getByRole('radio', { name: new RegExp(separateCaseName) }).check();
		await mergeDialog.getByRole('button', { name: 'Merge into this case' }).click();
		await expect
			.poll(() =>
				page.getByText(`“${separateCaseName}” was merged into this case.`, { exact: false }).count()
			)
			.toBe(1);
		await expect.poll(() => mergeDialog.isVisible()).toBe(false);
		expect(await page.getByRole('heading', { name: /^Appointments/ }).textContent()).toMatch(/\(2\)/);
		expect(await appointments.getByRole('row').count()).toBe(3); // the header and both appointments
		expect(await appointments.getByRole('cell', { name: '1 of 10', exact: true }).count()).toBe(1);
		expect(await appointments.getByRole('cell', { name: '2 of 10', exact: true }).count()).toBe(1);
		expect(await page.getByText('2 of 10 appointments').count()).toBeGreaterThan(0);
		const mergedFrom = page.getByRole('region', { name: 'Merged into this case' });
		expect(await mergedFrom.getByRole('link', { name: separateCaseName }).count()).toBe(1);

		// The merged case says where it went.
		const mergedLink = mergedFrom.getByRole('link', { name: separateCaseName });
		const mergedPath = await mergedLink.getAttribute('href');
		await mergedLink.click();
		await page.waitForURL(`**${mergedPath}`);
		const mergedNotice = page.getByRole('status').filter({ hasText: 'This case was merged into' });
		expect(await mergedNotice.textContent()).toContain(
			`This case was merged into ${existingCaseName}: its appointments, attachments and notes are there now.`
		);
		expect(await page.getByRole('heading', { name: /^Appointments/ }).textContent()).toMatch(/\(0\)/);
		await mergedNotice.getByRole('link', { name: existingCaseName }).click();
		await page.waitForURL(`**/cases/${existingCaseId}`);
		await page.getByRole('heading', { level: 1, name: existingCaseName }).waitFor();

		// 4. Close (confirmed), then re-open.
		const status = page.getByRole('heading', { level: 1 }).locator('xpath=..');
		expect(await status.textContent()).toContain('Open');
		await page.getByRole('button', { name: 'Close case' }).click();
		await page
			.getByRole('dialog', { name: `Close “${existingCaseName}”?` })
			.getByRole('button', { name: 'Close case' })
			.click();
		await expect.poll(() => page.getByText(/^Case closed\./).count()).toBe(1);
		expect(await status.textContent()).toContain('Closed');
		expect(await page.getByRole('button', { name: 'Close case' }).count()).toBe(0);

		await page.getByRole('button', { name: 'Re-open case' }).click();
		await page
			.getByRole('dialog', { name: `Re-open “${existingCaseName}”?` })
			.getByRole('button', { name: 'Re-open case' })
			.click();
		await expect.poll(() => page.getByText('Case re-opened.').count()).toBe(1);
		expect(await status.textContent()).toContain('Open');
		expect(await status.textContent()).not.toContain('Closed');
		expect(await page.getByRole('heading', { name: /^Appointments/ }).textContent()).toMatch(/\(2\)/);
	}, 120_000);
});
