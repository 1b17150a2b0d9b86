// Team administration in the browser (issue 18): adding a member must not carry the "Team lead"
// tick over to the next colleague.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);

beforeAll(async () => {
	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
});
afterAll(async () => {
	await browser?.close();
});

describe('team members', () => {
	it('adds a lead, then offers the next colleague as a plain member', async () => {
		const team = await trpc<{ id: string }>(admin, 'teams.create', { name: `Leads ${suffix}` });
		const lead = await trpc<{ id: string }>(admin, 'staff.create', {
			name: `Lena Lead ${suffix}`,
			email: `lena.${suffix}@clinic.test`,
			roles: ['practitioner'],
			password: 'a long enough password'
		});
		await trpc(admin, 'staff.create', {
			name: `Nico Next ${suffix}`,
			email: `nico.${suffix}@clinic.test`,
			roles: ['practitioner'],
			password: 'a long enough password'
		});
		await open(admin, `/admin/teams/${team.id}`);
		await admin.locator('#add-member').selectOption(lead.id);
		await admin.getByRole('checkbox', { name: 'Team lead' }).check();
		await admin.getByRole('button', { name: 'Add member' }).click();
		await admin
			.getByRole('table', { name: /^Members of/ })
			.getByText(`Lena Lead ${suffix}`)
			.first()
			.waitFor();
		await expect.poll(() => admin.getByRole('checkbox', { name: 'Team lead' }).isChecked()).toBe(false);
		const saved = await trpc<{ members: { name: string; isLead: boolean }[] }>(
			admin,
			'teams.get',
			{ id: team.id },
			'GET'
		);
		expect(saved.members.map((m) => [m.name, m.isLead])).toEqual([[`Lena Lead ${suffix}`, true]]);
	});
});
