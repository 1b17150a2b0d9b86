import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signIn, signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
	// Arrange through the API: two services, each with appointment types.
	const physio = await trpc<{ id: string }>(admin, 'services.create', { name: `Physiotherapy ${suffix}` });
	const ot = await trpc<{ id: string }>(admin, 'services.create', { name: `Occupational therapy ${suffix}` });
	await trpc(admin, 'appointmentTypes.create', {
		name: `Knee review ${suffix}`,
		serviceIds: [physio.id],
		durationMinutes: 30,
		priceCents: 9500
	});
	await trpc(admin, 'appointmentTypes.create', {
		name: `Home visit ${suffix}`,
		serviceIds: [ot.id],
		durationMinutes: 60,
		priceCents: 15000
	});
	await trpc(admin, 'appointmentTypes.create', {
		name: `Hydrotherapy ${suffix}`,
		serviceIds: [physio.id],
		durationMinutes: 45,
		priceCents: 8000
	});
});
afterAll(async () => {
	await browser?.close();
});

describe('case templates', () => {
	it('lets an admin create a shared template with two requestable types, edit it and see the effect count', async () => {
		await open(admin, '/admin/case-templates');
		await admin.getByRole('link', { name: 'Add case template' }).click();
		await admin.waitForURL('**/admin/case-templates/new');
		await admin.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		await admin.getByLabel(/^Name/).fill(`Post-surgical knee ${suffix}`);
		await admin.getByLabel(`Physiotherapy ${suffix}`).check();
		await admin.getByLabel(`Occupational therapy ${suffix}`).check();
		expect(await admin.getByText('Shared', { exact: true }).count()).toBeGreaterThan(0);

		await admin.getByRole('tab', { name: /Appointment Requests/ }).click();
		await admin.getByLabel(/Allow patients on cases from this template/).check();
		await admin.getByLabel(`Allowed for Knee review ${suffix}`).check();
		await admin.getByLabel(`Duration (minutes) for Knee review ${suffix}`).fill('40');
		await admin.getByLabel(`Allowed for Home visit ${suffix}`).check();
		await admin.getByRole('button', { name: 'Save template' }).click();
		await admin.waitForURL(/\/admin\/case-templates\/\d+\?created=1/);
		expect(await admin.getByText('Case template created.').count()).toBe(1);

		// Edit: the form says how many cases the change affects, and keeps the settings.
		await admin.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		expect(await admin.getByText(/Saving changes this template for/).count()).toBe(1);
		await admin.getByRole('tab', { name: /Appointment Requests/ }).click();
		expect(await admin.getByLabel(`Duration (minutes) for Knee review ${suffix}`).inputValue()).toBe('40');
		await admin.getByLabel(`Duration (minutes) for Knee review ${suffix}`).fill('45');
		await admin.getByRole('button', { name: 'Save template' }).click();
		await expect.poll(() => admin.getByText('Changes saved.').count()).toBe(1);
		await open(admin, new URL(admin.url()).pathname);
		await admin.getByRole('tab', { name: /Appointment Requests/ }).click();
		expect(await admin.getByLabel(`Duration (minutes) for Knee review ${suffix}`).inputValue()).toBe('45');
		expect(await admin.getByLabel(`Allowed for Hydrotherapy ${suffix}`).isChecked()).toBe(false);
	});

	it('refuses the admin pages and the template API to a scheduler', async () => {
		const email = `sched.${suffix}@clinic.test`;
		await trpc(admin, 'staff.create', {
			name: 'Tem Scheduler',
			email,
			roles: ['scheduler'],
			password: 'scheduler password'
		});
		const scheduler = await browser.newPage({ baseURL: baseUrl });
		await signIn(scheduler, email, 'scheduler password');
		expect((await scheduler.goto('/admin/case-templates'))?.status()).toBe(403);
		const api = await scheduler.request.post('/api/trpc/admin.caseTemplates.create', {
			headers: { 'Content-Type': 'application/json', Origin: baseUrl },
			data: { json: { name: 'Sneaky', serviceIds: ['1'] } }
		});
		expect(api.status()).toBe(403);
		await scheduler.close();
	});
});
