import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let page: Page;
const baseUrl = inject('baseUrl');

/** Calls a tRPC procedure from the signed-in page, as the app's own client would. */
async function trpc<T>(path: string, input: unknown, method: 'GET' | 'POST'): Promise<T> {
	return page.evaluate(
		async ({ path, input, method }) => {
			const url =
				method === 'GET'
					? `/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`
					: `/api/trpc/${path}`;
			const response = await fetch(url, {
				method,
				headers: method === 'POST' ? { 'Content-Type': 'application/json' } : {},
				body: method === 'POST' ? JSON.stringify({ json: input }) : undefined
			});
			const body = await response.json();
			if (!response.ok) throw new Error(JSON.stringify(body));
			return body.result.data.json;
		},
		{ path, input, method }
	) as Promise<T>;
}

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(page);
	// Arrange: the clinic defines a custom field (the admin page for this is tested on its own).
	const current = await trpc<{ definition: { sections: unknown[] }; version: number }>(
		'customFields.get',
		undefined,
		'GET'
	);
	await trpc(
		'customFields.update',
		{
			version: current.version,
			definition: {
				sections: [
					...current.definition.sections,
					{
						name: 'Insurance',
						archived: false,
						fields: [{ name: 'Policy number', type: 'text', archived: false }]
					}
				]
			}
		},
		'POST'
	);
});
afterAll(async () => {
	await browser?.close();
});

describe('patients', () => {
	it('creates a patient with a custom field, finds, edits, archives and unarchives them', async () => {
		const lastName = `Okafor${Date.now().toString(36)}`;
		await open(page, '/patients');
		await page.getByRole('link', { name: 'New patient' }).click();
		await page.waitForURL('**/patients/new');
		await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		await page.getByLabel(/^First name/).fill('Chidi');
		await page.getByLabel(/^Last name/).fill(lastName);
		await page.getByLabel('Date of birth').fill('1984-03-09');
		await page.getByLabel(/^Email/).fill(`chidi.${lastName}@example.com`);
		await page.getByLabel('Policy number').fill('POL-778');
		await page.getByRole('button', { name: 'Save patient' }).click();
		await page.waitForURL(/\/patients\/\d+\?created=1/);
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Chidi ${lastName}`);
		expect(await page.getByText('POL-778').count()).toBeGreaterThan(0);
		const patientUrl = new URL(page.url()).pathname;

		// Find them by search, as you type.
		await open(page, '/patients');
		await page
			.getByLabel('Search patients')
			.pressSequentially(lastName.slice(0, 9).toLowerCase(), { delay: 20 });
		await expect
			.poll(() => page.getByRole('link', { name: `Chidi ${lastName}` }).count(), { timeout: 10_000 })
			.toBe(1);
		await page.getByRole('link', { name: `Chidi ${lastName}` }).click();
		await page.waitForURL(`**${patientUrl}`);

		// Edit.
		await page.getByRole('link', { name: 'Edit' }).click();
		await page.waitForURL(`**${patientUrl}/edit`);
		await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		await page.getByLabel(/^City/).fill('Ballarat');
		await page.getByRole('button', { name: 'Save changes' }).click();
		await page.waitForURL(/\?saved=1/);
		expect(await page.getByText('Ballarat').count()).toBeGreaterThan(0);

		// Archive (confirmed first), then find them under Archived.
		await page.getByRole('button', { name: 'Archive', exact: true }).click();
		await page.getByRole('button', { name: 'Archive patient' }).click();
		await expect.poll(() => page.getByText('is archived').count()).toBeGreaterThan(0);
		await open(page, `/patients?tab=archived&q=${encodeURIComponent(lastName)}`);
		expect(await page.getByRole('link', { name: `Chidi ${lastName}` }).count()).toBe(1);
		await open(page, `/patients?q=${encodeURIComponent(lastName)}`);
		expect(await page.getByRole('link', { name: `Chidi ${lastName}` }).count()).toBe(0);

		// Unarchive: back in the active list.
		await open(page, patientUrl);
		await page.getByRole('button', { name: 'Unarchive' }).click();
		await expect.poll(() => page.getByText('is active again').count()).toBeGreaterThan(0);
		await open(page, `/patients?q=${encodeURIComponent(lastName)}`);
		expect(await page.getByRole('link', { name: `Chidi ${lastName}` }).count()).toBe(1);
	});

	it('shows a patient name with markup as text, never as HTML', async () => {
		const created = await trpc<{ id: string }>(
			'patients.create',
			{ firstName: '<img src=x onerror="window.__pwned=1">', lastName: `Script${Date.now().toString(36)}` },
			'POST'
		);
		await open(page, `/patients/${created.id}`);
		expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('<img src=x');
	});
});
