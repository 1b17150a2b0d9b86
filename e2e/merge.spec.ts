// Issue 18: a patient merge from the UI. A duplicate record with a case and an appointment is merged
// into the kept record from the kept patient's page (pick the duplicate, the record to keep, see what
// moves, confirm); the kept patient then shows the case and the appointment, the duplicate says
// "merged into" and is archived; an admin undoes the merge from the duplicate's page.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let page: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const lastName = `Lind${suffix}`;
const caseName = `Left ankle ${suffix}`;
const typeName = `Ankle consult ${suffix}`;
let keptId: string;
let dupId: string;

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(page);
	// Arrange through the API: a practitioner and a type, two records of one person (same email),
	// the duplicate with a case and an appointment on it.
	const service = await trpc<{ id: string }>(page, 'services.create', { name: `Merge physio ${suffix}` });
	const practitioner = await trpc<{ id: string }>(page, 'staff.create', {
		name: `Merge Practitioner ${suffix}`,
		email: `merge.practitioner.${suffix}@clinic.test`,
		roles: ['practitioner'],
		password: 'practitioner password'
	});
	await trpc(page, 'services.setPractitioners', { serviceId: service.id, userIds: [practitioner.id] });
	const type = await trpc<{ id: string }>(page, 'appointmentTypes.create', {
		name: typeName,
		serviceIds: [service.id],
		durationMinutes: 30,
		priceCents: 9000
	});
	const email = `rosa.${suffix}@example.test`;
	keptId = (await trpc<{ id: string }>(page, 'patients.create', { firstName: 'Rosa', lastName, email })).id;
	dupId = (
		await trpc<{ id: string }>(page, 'patients.create', {
			firstName: 'Rosie',
			lastName,
			email,
			allowDuplicates: true
		})
	).id;
	const dupCase = await trpc<{ id: string }>(page, 'cases.create', {
		patientId: dupId,
		name: caseName,
		limitKind: 'unlimited'
	});
	const startsAt = new Date(Math.ceil((Date.now() + 10 * 86_400_000) / 3_600_000) * 3_600_000);
	await trpc(page, 'appointments.create', {
		patientId: dupId,
		practitionerId: practitioner.id,
		appointmentTypeId: type.id,
		startsAt: startsAt.toISOString(),
		case: { mode: 'existing', caseId: dupCase.id, bodyPartIds: [] }
	});
});
afterAll(async () => {
	await browser?.close();
});

async function casesTabText(patientId: string): Promise<string> {
	await open(page, `/patients/${patientId}?tab=cases`);
	return (await page.locator('main').textContent()) ?? '';
}

describe('patient merge', () => {
	it('merges the duplicate into the kept record from the patient page, showing what moves first', async () => {
		await open(page, `/patients/${keptId}`);
		await page.getByRole('link', { name: 'Merge duplicate' }).click();
		await page.waitForURL(`**/patients/${keptId}/merge`);
		await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');

		// The duplicate is suggested (same email); choose it, keep this record.
		await page
			.getByRole('list', { name: 'Likely duplicates' })
			.getByRole('link', { name: `Choose Rosie ${lastName}` })
			.click();
		await page.waitForURL(/other=\d+/);
		await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		expect(await page.getByLabel(`Keep Rosa ${lastName}`).isChecked()).toBe(true);
		const moves = (await page.getByTestId('merge-moves').textContent()) ?? '';
		expect(moves).toContain('1 case');
		expect(moves).toContain('1 appointment (1 upcoming)');

		// At 390 px nothing on the page scrolls sideways.
		await page.setViewportSize({ width: 390, height: 844 });
		expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
		await page.setViewportSize({ width: 1366, height: 900 });

		await page.getByRole('button', { name: `Merge into Rosa ${lastName}` }).click();
		const dialog = page.getByRole('dialog', { name: `Merge Rosie ${lastName} into Rosa ${lastName}?` });
		await dialog.getByRole('button', { name: 'Merge records' }).click();
		await page.waitForURL(`**/patients/${keptId}?merged=${dupId}`);
		expect(await page.getByText('Records merged').count()).toBe(1);

		// The kept patient shows the other's case and appointment.
		expect(await casesTabText(keptId)).toContain(caseName);
		await open(page, `/patients/${keptId}?tab=appointments`);
		const upcoming = page.getByRole('list', { name: 'Upcoming appointments, soonest first' });
		expect(await upcoming.textContent()).toContain(typeName);
		expect(await upcoming.textContent()).toContain(caseName);

		// The duplicate says where it went, and is archived.
		await open(page, `/patients/${dupId}`);
		const banner = page.getByTestId('merged-banner');
		expect(await banner.textContent()).toMatch(new RegExp(`Merged into\\s+Rosa ${lastName}`));
		expect(await banner.getByRole('link', { name: `Rosa ${lastName}` }).getAttribute('href')).toBe(
			`/patients/${keptId}`
		);
		expect(await page.getByText('Archived', { exact: true }).count()).toBe(1);
		expect(await casesTabText(dupId)).not.toContain(caseName);
		// …and is out of the likely duplicates (and of the active list).
		await open(page, `/patients/${keptId}/merge`);
		expect(await page.getByRole('list', { name: 'Likely duplicates' }).count()).toBe(0);
	});

	it('is undone by an admin from the merged record: everything moves back and it is active again', async () => {
		await open(page, `/patients/${dupId}`);
		await page.getByTestId('merged-banner').getByRole('button', { name: 'Undo merge' }).click();
		await page
			.getByRole('dialog', { name: `Undo the merge of Rosie ${lastName}?` })
			.getByRole('button', { name: 'Undo merge' })
			.click();
		await page.waitForURL(`**/patients/${dupId}?unmerged=1`);
		expect(await page.getByText('Merge undone').count()).toBe(1);
		expect(await page.getByTestId('merged-banner').count()).toBe(0);
		expect(await page.getByText('Archived', { exact: true }).count()).toBe(0);
		expect(await casesTabText(dupId)).toContain(caseName);
		expect(await casesTabText(keptId)).not.toContain(caseName);

		// The admin list shows the merge as undone.
		await open(page, '/admin/patient-merges');
		const row = page.getByTestId('patient-merge-row').filter({ hasText: `Rosie ${lastName}` });
		expect(await row.textContent()).toContain('Undone');
		expect(await row.getByRole('button', { name: /Undo merge/ }).count()).toBe(0);
	});
});
