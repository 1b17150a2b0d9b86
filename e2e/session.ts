// Signing in for browser tests. The first spec to need an admin creates it through the one-time
// setup link that Casebook printed at start-up; later ones sign in with the same credentials.
import fs from 'node:fs';
import { expect, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { open } from './browser.ts';

export const ADMIN = { name: 'Ada Admin', email: 'ada.admin@clinic.test', password: 'first admin password' };

export function setupLinkFromLog(): string | null {
	const log = fs.readFileSync(inject('e2eLogPath'), 'utf8');
	const links = [...log.matchAll(/(http\S+\/setup\?token=[\w-]+)/g)];
	return links.at(-1)?.[1] ?? null;
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
	await open(page, '/sign-in');
	await page.getByLabel('Email').fill(email);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
}

/** Creates the first admin through the setup page if nobody has yet, then signs in as them. */
export async function signInAsAdmin(page: Page): Promise<void> {
	const link = setupLinkFromLog();
	if (link) {
		await open(page, new URL(link).pathname + new URL(link).search);
		if (await page.getByRole('heading', { name: 'Welcome to Casebook' }).isVisible()) {
			const form = page.getByRole('button', { name: 'Create admin account' });
			if (await form.isVisible()) {
				await page.getByLabel('Your name').fill(ADMIN.name);
				await page.getByLabel('Email').fill(ADMIN.email);
				await page.getByLabel('Password').fill(ADMIN.password);
				await page.getByLabel('Type it again').fill(ADMIN.password);
				await form.click();
				await page.waitForURL('**/admin/staff');
				return;
			}
		}
	}
	await signIn(page, ADMIN.email, ADMIN.password);
	expect(new URL(page.url()).pathname).not.toBe('/sign-in');
}
