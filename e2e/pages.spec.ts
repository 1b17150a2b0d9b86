// Every staff page the other specs do not open hydrates in the browser without a script error (a
// page that imported server code crashed this way once, unnoticed: see the client-imports rule).
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
const errors: string[] = [];
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	admin.on('pageerror', (error) => errors.push(String(error)));
	await signInAsAdmin(admin);
});
afterAll(async () => {
	await browser?.close();
});

describe('admin and account pages', () => {
	it('hydrate without a script error', async () => {
		const team = await trpc<{ id: string }>(admin, 'teams.create', { name: `Pages ${suffix}` });
		const service = await trpc<{ id: string }>(admin, 'services.create', { name: `Pages ${suffix}` });
		const paths = [
			`/admin/teams/${team.id}`,
			'/admin/teams/new',
			'/admin/services',
			`/admin/services/${service.id}`,
			'/admin/appointment-types',
			'/admin/appointment-types/new',
			'/admin/case-templates/new',
			'/admin/custom-fields',
			'/admin/body-parts',
			'/admin/settings',
			'/admin/staff/new',
			'/admin/outbox',
			'/admin/audit',
			'/account/api-keys',
			'/contacts/new',
			'/teams'
		];
		for (const path of paths) {
			await open(admin, path);
			expect(await admin.locator('h1').count(), path).toBeGreaterThan(0);
		}
		expect(errors).toEqual([]);
	});
});
