// Issue 21 acceptance: a "clinical system" script sends an Urgent team case with an attachment
// through the REST API (with a key limited to team cases, and an Idempotency-Key); the team
// member's inbox shows it; the member acknowledges it in the browser; and the script's webhook
// receiver gets `team_case.acknowledged`, verified with the standardwebhooks library.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signIn, signInAsAdmin } from './session.ts';

let browser: Browser;
let admin: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const teamName = `Radiology reporting ${suffix}`;
const member = {
	name: `Ria Member ${suffix}`,
	email: `ria.${suffix}@clinic.test`,
	password: 'member password'
};
const subject = `Incidental lung nodule ${suffix}`;

interface Received {
	headers: Record<string, string>;
	body: string;
}
const received: Received[] = [];
let receiver: http.Server;
let receiverUrl: string;
let teamId: string;

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64'
);

beforeAll(async () => {
	receiver = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			const headers: Record<string, string> = {};
			for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
			received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
	receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/casebook-events`;

	browser = await launchBrowser();
	admin = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(admin);
	const team = await trpc<{ id: string }>(admin, 'teams.create', {
		name: teamName,
		acceptsExternalCases: false
	});
	teamId = team.id;
	const staff = await trpc<{ id: string }>(admin, 'staff.create', {
		name: member.name,
		email: member.email,
		roles: ['practitioner'],
		password: member.password
	});
	await trpc(admin, 'teams.addMember', { teamId: team.id, userId: staff.id });
});
afterAll(async () => {
	await browser?.close();
	await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

describe('another system and Casebook', () => {
	it('sends an urgent case with an attachment, and hears by signed webhook that a member acknowledged it', async () => {
		// The admin adds the script's receiver in Admin → Webhooks; its secret is shown once.
		await open(admin, '/admin/webhooks');
		await admin.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		await admin.getByLabel(/^URL/).fill(receiverUrl);
		await admin.getByLabel(/^Description/).fill('Records system');
		await admin.getByRole('checkbox', { name: /team_case\.acknowledged/ }).check();
		await admin.getByRole('button', { name: 'Add endpoint' }).click();
		const shown = admin.getByTestId('webhook-secret');
		await shown.waitFor();
		const secret = ((await shown.textContent()) ?? '').trim();
		expect(secret).toMatch(/^whsec_/);

		// A key that may only send team cases (and read them back).
		const { secret: key } = await trpc<{ secret: string }>(admin, 'apiKeys.create', {
			name: `Records system ${suffix}`,
			scopes: ['team_cases:write']
		});
		const auth = `Basic ${Buffer.from(`${key}:`).toString('base64')}`;
		expect((await fetch(`${baseUrl}/api/v1/patients`, { headers: { Authorization: auth } })).status).toBe(
			403
		);

		// The script sends the case, and (a timeout on its side) sends it again with the same key.
		const send = async () => {
			const form = new FormData();
			form.set(
				'payload',
				JSON.stringify({
					subject,
					details: 'CT chest: 9 mm nodule, right upper lobe. Follow-up advised.',
					priority: 'urgent',
					team_ids: [teamId],
					patient: { first_name: 'Noor', last_name: `Haddad${suffix}`, date_of_birth: '1972-08-19' },
					external_reference: `RIS-${suffix}`
				})
			);
			form.append('attachments', new Blob([PNG], { type: 'image/png' }), 'key-image.png');
			const response = await fetch(`${baseUrl}/api/v1/team_cases`, {
				method: 'POST',
				headers: { Authorization: auth, 'Idempotency-Key': `ris-${suffix}` },
				body: form
			});
			return { status: response.status, body: (await response.json()) as Record<string, unknown> };
		};
		const first = await send();
		expect(first.status, JSON.stringify(first.body)).toBe(201);
		expect(first.body).toMatchObject({
			subject,
			priority: 'urgent',
			status: 'open',
			attachments: [{ file_name: 'key-image.png', content_type: 'image/png' }]
		});
		const again = await send();
		expect(again.body.id).toBe(first.body.id);
		const caseId = String(first.body.id);

		// The member sees it in their inbox, once, and acknowledges it in the browser.
		const memberPage = await browser.newPage({ baseURL: baseUrl });
		await signIn(memberPage, member.email, member.password);
		await open(memberPage, '/inbox');
		await memberPage.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		const row = memberPage.getByTestId('inbox-row').filter({ hasText: subject });
		await row.waitFor();
		expect(await row.count()).toBe(1);
		expect(await row.getByText(/Priority:\s?Urgent/).count()).toBe(1);
		await row.getByRole('link', { name: subject }).click();
		await memberPage.waitForURL(`**/cases/${caseId}`);
		await memberPage.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		const triage = memberPage.getByRole('region', { name: 'Triage' });
		await triage.getByRole('button', { name: 'Acknowledge' }).click();
		await expect
			.poll(() => triage.getByText('You acknowledged this case. Its escalation has stopped.').count(), {
				timeout: 15_000
			})
			.toBe(1)
			.catch(async (error: unknown) => {
				throw new Error(`${String(error)}\n${await triage.innerText()}`);
			});

		// The worker delivers the signed event to the script's receiver.
		await expect.poll(() => received.length, { timeout: 30_000, interval: 250 }).toBeGreaterThan(0);
		const delivery = received[0]!;
		const event = new Webhook(secret).verify(delivery.body, delivery.headers) as Record<string, unknown>;
		expect(event).toMatchObject({
			type: 'team_case.acknowledged',
			data: { id: caseId, links: { self: `${baseUrl}/api/v1/team_cases/${caseId}` } }
		});

		// The script reads back who acknowledged it.
		const read = await fetch(`${baseUrl}/api/v1/team_cases/${caseId}`, { headers: { Authorization: auth } });
		expect(await read.json()).toMatchObject({ status: 'open', acknowledged_by: { name: member.name } });

		// The admin sees the delivery in the endpoint's log.
		await open(admin, '/admin/webhooks');
		await admin.getByRole('link', { name: receiverUrl }).click();
		await admin.waitForURL(/\/admin\/webhooks\/\d+$/);
		const logged = admin.getByTestId('webhook-delivery').filter({ hasText: 'team_case.acknowledged' });
		expect(await logged.count()).toBe(1);
		expect(await logged.getByText(/HTTP 204/).count()).toBe(1);
		await memberPage.close();
	}, 120_000);
});
