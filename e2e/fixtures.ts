// Arranging data for browser tests through the API, as the signed-in page's own client would, and
// reading what Casebook put in the outbox (no SMTP or Twilio in e2e: every message lands there).
import { expect } from 'vitest';
import type { Page } from 'playwright-core';

/** Calls a tRPC procedure from a signed-in page; queries go as GET, mutations as POST. */
export async function trpc<T>(
	page: Page,
	path: string,
	input: unknown,
	method: 'GET' | 'POST' = 'POST'
): Promise<T> {
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
			if (!response.ok) throw new Error(`${path}: ${JSON.stringify(body)}`);
			return body.result.data.json;
		},
		{ path, input, method }
	) as Promise<T>;
}

interface OutboxMessage {
	recipient: string;
	subject: string | null;
	body: string;
	transport: string | null;
}

/**
 * The path and query of the latest "choose your password" link emailed to `email`, read from the
 * outbox by an admin page once the worker has sent it there.
 */
export async function passwordLinkFor(admin: Page, email: string): Promise<string> {
	let link: string | null = null;
	await expect
		.poll(
			async () => {
				const found = await trpc<{ items: OutboxMessage[] }>(
					admin,
					'notifications.find',
					{ channel: 'email', outboxOnly: true, search: email },
					'GET'
				);
				const message = found.items.find((m) => m.recipient === email);
				link = message?.body.match(/https?:\/\/\S+\/reset-password\?token=[\w%-]+/)?.[0] ?? null;
				return link;
			},
			{ timeout: 15_000, interval: 250 }
		)
		.not.toBeNull();
	const url = new URL(link!);
	return url.pathname + url.search;
}

/**
 * Signs a patient in to the portal in `patientPage` the way a patient does: asks for a link, then
 * opens the link that reached the outbox (read by the signed-in `admin` page).
 */
export async function portalSignIn(admin: Page, patientPage: Page, email: string): Promise<void> {
	await patientPage.goto('/portal/sign-in');
	await patientPage.getByLabel(/^Email or mobile number/).fill(email);
	await patientPage.getByRole('button', { name: 'Send me a sign-in link' }).click();
	await expect.poll(() => patientPage.getByText(/on its way/).count()).toBe(1);
	let path: string | null = null;
	await expect
		.poll(
			async () => {
				const found = await trpc<{ items: OutboxMessage[] }>(
					admin,
					'notifications.find',
					{ channel: 'email', outboxOnly: true, search: email },
					'GET'
				);
				const link = found.items
					.find((m) => m.recipient === email && /sign-in link/.test(m.subject ?? ''))
					?.body.match(/https?:\/\/\S+\/portal\/link\/[\w-]+/)?.[0];
				path = link ? new URL(link).pathname : null;
				return path;
			},
			{ timeout: 20_000, interval: 250 }
		)
		.not.toBeNull();
	await patientPage.goto(path!);
	await patientPage.getByRole('button', { name: 'Continue to the portal' }).click();
	await patientPage.waitForURL((url) => url.pathname === '/portal');
}
