import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { signIn, signInAsAdmin } from './session.ts';

let browser: Browser;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
	browser = await launchBrowser();
});
afterAll(async () => {
	await browser?.close();
});

describe('staff accounts', () => {
	it('sends anonymous visitors to sign in', async () => {
		const page = await browser.newPage({ baseURL: baseUrl });
		await open(page, '/patients');
		expect(new URL(page.url()).pathname).toBe('/sign-in');
		expect(new URL(page.url()).searchParams.get('next')).toBe('/patients');
		await page.close();
	});

	it('refuses a wrong password without saying whether the account exists', async () => {
		const page = await browser.newPage({ baseURL: baseUrl });
		await open(page, '/sign-in');
		await page.getByLabel('Email').fill('nobody@clinic.test');
		await page.getByLabel('Password').fill('not a password');
		await page.getByRole('button', { name: 'Sign in' }).click();
		await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/do not match an active account/);
		await page.close();
	});

	it('lets the first admin (from the setup link) add a scheduler, who cannot open Admin', async () => {
		const admin = await browser.newPage({ baseURL: baseUrl });
		await signInAsAdmin(admin);
		await open(admin, '/admin/staff');
		await admin.getByRole('link', { name: 'Add staff member' }).click();
		await admin.waitForURL('**/admin/staff/new');
		await admin.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		const email = `sam.${Date.now()}@clinic.test`;
		await admin.getByLabel('Name').fill('Sam Scheduler');
		await admin.getByLabel('Email').fill(email);
		await admin.getByLabel('Scheduler').check();
		await admin.getByLabel('Password').fill('scheduler password');
		await admin.getByRole('button', { name: 'Create account' }).click();
		await admin.waitForURL(/\/admin\/staff\/\d+/);
		expect(await admin.getByRole('heading', { level: 1 }).textContent()).toBe('Sam Scheduler');

		const scheduler = await browser.newPage({ baseURL: baseUrl });
		await signIn(scheduler, email, 'scheduler password');
		const nav = scheduler.getByRole('navigation', { name: 'Main' });
		expect(await nav.getByRole('link', { name: 'Admin' }).count()).toBe(0);
		const response = await scheduler.goto('/admin/staff');
		expect(response?.status()).toBe(403);
		expect(await scheduler.getByText('Only admins can open the admin area.').count()).toBe(1);

		// The server refuses the API too, not just the page.
		const api = await scheduler.request.get(
			'/api/trpc/staff.find?input=' + encodeURIComponent(JSON.stringify({ json: {} }))
		);
		expect(api.status()).toBe(403);
		await admin.close();
		await scheduler.close();
	});
});
