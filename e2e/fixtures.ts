// Arranging data for browser tests through the API, as the signed-in page's own client would, and
// reading the emails Casebook sent as their recipients do (over SMTP, from the catcher).
import { expect, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { caughtMailFor } from './mail.ts';

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

/**
 * The newest link matching `pattern` in the emails that reached `address` (over SMTP, caught by the
 * catcher global setup started), as the recipient's mail client shows it; only emails whose
 * subject matches `subject`, and only once there are more than `after` of them.
 */
export async function emailedLink(
	address: string,
	pattern: RegExp,
	options: { subject?: RegExp; after?: number; timeout?: number } = {}
): Promise<{ url: URL; count: number }> {
	let found: { url: URL; count: number } | null = null;
	await expect
		.poll(
			async () => {
				const mail = (await caughtMailFor(inject('mailCatcherUrl'), address)).filter(
					(m) => !options.subject || options.subject.test(m.subject)
				);
				const link = mail.at(-1)?.text.match(pattern)?.[0];
				found =
					link && mail.length > (options.after ?? 0) ? { url: new URL(link), count: mail.length } : null;
				return found;
			},
			{ timeout: options.timeout ?? 20_000, interval: 250 }
		)
		.not.toBeNull();
	return found!;
}

/** The path and query of the latest "choose your password" link emailed to `email`. */
export async function passwordLinkFor(email: string): Promise<string> {
	const { url } = await emailedLink(email, /https?:\/\/\S+\/reset-password\?token=[\w%-]+/);
	return url.pathname + url.search;
}

/**
 * Signs a patient in to the portal in `patientPage` the way a patient does: asks for a link, then
 * opens the link in the email that reached them.
 */
export async function portalSignIn(patientPage: Page, email: string): Promise<void> {
	const signInMail = /sign-in link/;
	const before = (await caughtMailFor(inject('mailCatcherUrl'), email)).filter((m) =>
		signInMail.test(m.subject)
	).length;
	await patientPage.goto('/portal/sign-in');
	await patientPage.getByLabel(/^Email or mobile number/).fill(email);
	await patientPage.getByRole('button', { name: 'Send me a sign-in link' }).click();
	await expect.poll(() => patientPage.getByText(/on its way/).count()).toBe(1);
	const { url } = await emailedLink(email, /https?:\/\/\S+\/portal\/link\/[\w-]+/, {
		subject: signInMail,
		after: before
	});
	await patientPage.goto(url.pathname);
	await patientPage.getByRole('button', { name: 'Continue to the portal' }).click();
	await patientPage.waitForURL((url) => url.pathname === '/portal');
}
