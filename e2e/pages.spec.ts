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

describe('named lists (body parts, concession types)', () => {
	for (const list of [
		{ path: '/admin/body-parts', row: 'body-part-row', noun: 'body part', example: 'Knee' },
		{
			path: '/admin/concession-types',
			row: 'concession-type-row',
			noun: 'concession type',
			example: 'Veteran'
		}
	]) {
		it(`${list.path}: add, rename with Enter, archive after asking, undo`, async () => {
			const name = `${list.example} ${suffix}`;
			await open(admin, list.path);
			await admin.locator('#new-name').fill(name);
			await admin.getByRole('button', { name: 'Add', exact: true }).click();
			await admin.getByText(`“${name}” added.`).waitFor();
			const row = admin.getByTestId(list.row).filter({ hasText: name });
			await row.getByRole('button', { name: `Rename ${name}` }).click();
			await admin.getByLabel(`New name for “${name}”`).fill(`${name} renamed`);
			await admin.keyboard.press('Enter');
			await admin.getByText(`Renamed to “${name} renamed”.`).waitFor();
			const renamed = admin.getByTestId(list.row).filter({ hasText: `${name} renamed` });
			await renamed.getByRole('button', { name: `Archive ${name} renamed` }).click();
			const dialog = admin.getByRole('dialog', { name: `Archive this ${list.noun}?` });
			await dialog.getByRole('button', { name: 'Archive' }).click();
			await admin.getByText(`“${name} renamed” archived:`).waitFor();
			await admin.getByRole('button', { name: 'Undo' }).click();
			await admin.getByText(`“${name} renamed” is offered again.`).waitFor();
			expect(errors).toEqual([]);
		});
	}
});
