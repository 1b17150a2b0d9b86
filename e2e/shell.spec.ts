import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let page: Page;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(page);
});
afterAll(async () => {
	await browser?.close();
});

describe('the product shell', () => {
	it('shows the health of the database and the worker on the Status page', async () => {
		await open(page, '/status');
		await expect.poll(() => page.getByText('Reachable').count(), { timeout: 20_000 }).toBe(1);
		await expect
			.poll(
				async () => {
					await page.getByRole('button', { name: 'Check again' }).click();
					return page.getByText(/Running \(1 process\)/).count();
				},
				{ timeout: 30_000, interval: 1000 }
			)
			.toBe(1);
		expect(await page.title()).toBe('Status · Casebook');
	});

	it('navigates to every section from the main navigation', async () => {
		await open(page, '/');
		const nav = page.getByRole('navigation', { name: 'Main' });
		for (const section of ['Patients', 'Cases', 'Teams', 'Appointments', 'Admin']) {
			await nav.getByRole('link', { name: section }).click();
			await page.waitForURL(`**/${section.toLowerCase()}`);
			expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(section);
			expect(await nav.getByRole('link', { name: section }).getAttribute('aria-current')).toBe('page');
		}
	});

	it('answers /healthz with JSON and sends security headers', async () => {
		const response = await fetch(`${baseUrl}/healthz`);
		expect(response.status).toBe(200);
		const body = (await response.json()) as {
			database: { ok: boolean; migration: string };
			worker: { ok: boolean };
		};
		expect(body.database.ok).toBe(true);
		expect(body.database.migration).toMatch(/^Migration/);
		const home = await fetch(`${baseUrl}/`);
		expect(home.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
		expect(home.headers.get('x-content-type-options')).toBe('nosniff');
		expect(home.headers.get('referrer-policy')).toBeTruthy();
	});

	it('refuses a cross-origin tRPC mutation', async () => {
		const response = await fetch(`${baseUrl}/api/trpc/health.get`, {
			method: 'POST',
			headers: { Origin: 'https://evil.example', 'Content-Type': 'application/json' },
			body: '{}'
		});
		expect(response.status).toBe(403);
	});
});
