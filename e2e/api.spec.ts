// The REST API against the running product (`npm start` on a throwaway data dir): a key made in
// My account → API keys, then seed 003's example requests sent over HTTP as curl sends them, the
// reference page, and a revoked key.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let page: Page;
let key: string;
const baseUrl = inject('baseUrl');

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(page);
});
afterAll(async () => {
	await browser?.close();
});

type Json = Record<string, unknown>;

/** What `curl -u KEY: -H 'Accept: application/json' …` sends. */
async function curl(
	method: string,
	path: string,
	options: { json?: unknown; form?: string; auth?: string | null } = {}
): Promise<{ status: number; headers: Headers; body: Json | null; text: string }> {
	const headers: Record<string, string> = {
		Accept: 'application/json',
		'User-Agent': 'Casebook e2e (e2e@clinic.test)'
	};
	const auth = options.auth === undefined ? key : options.auth;
	if (auth !== null) headers.Authorization = `Basic ${Buffer.from(`${auth}:`).toString('base64')}`;
	let body: string | undefined;
	if (options.json !== undefined) {
		headers['Content-Type'] = 'application/json';
		body = JSON.stringify(options.json);
	} else if (options.form !== undefined) {
		// curl -d without -H 'Content-Type: …' posts it as a form.
		headers['Content-Type'] = 'application/x-www-form-urlencoded';
		body = options.form;
	}
	const response = await fetch(`${baseUrl}/api/v1${path}`, { method, headers, body });
	const text = await response.text();
	return {
		status: response.status,
		headers: response.headers,
		body: text ? (JSON.parse(text) as Json) : null,
		text
	};
}

describe('the REST API', () => {
	it('gives a staff member a key once, in My account → API keys', async () => {
		await open(page, '/account');
		await page.getByRole('link', { name: 'API keys' }).click();
		await page.waitForURL('**/account/api-keys');
		await page.waitForFunction(() => document.documentElement.dataset.hydrated === 'true');
		await page.getByLabel(/^Name/).fill('e2e script');
		await page.getByRole('button', { name: 'Create key' }).click();
		const shown = page.getByTestId('new-api-key');
		await shown.waitFor();
		key = ((await shown.textContent()) ?? '').trim();
		expect(key).toMatch(/^cbk_[\w-]{43}$/);
		expect(await page.getByTestId('api-key-row').filter({ hasText: 'e2e script' }).count()).toBe(1);
		// Shown once: a reload lists the key by its prefix only.
		await open(page, '/account/api-keys');
		expect(await page.getByTestId('new-api-key').count()).toBe(0);
		expect(await page.content()).not.toContain(key);
	});

	it('replays seed 003 over HTTP: create, get, update, archive, archived, unarchive, deleted', async () => {
		const last = `Snow${Date.now().toString(36)}`;
		const created = await curl('POST', '/patients', { json: { first_name: 'John', last_name: last } });
		expect(created.status, created.text).toBe(201);
		expect(created.headers.get('content-type')).toBe('application/json; charset=utf-8');
		expect(created.headers.get('x-request-id')).toBeTruthy();
		expect(created.headers.get('x-ratelimit-limit')).toBe('200');
		const id = created.body!.id as number;
		expect(created.headers.get('location')).toBe(`${baseUrl}/api/v1/patients/${id}`);
		expect(created.body).toMatchObject({
			first_name: 'John',
			last_name: last,
			archived_at: '',
			deleted_at: '',
			date_of_birth: '',
			custom_fields: null,
			patient_phone_numbers: [],
			preferred_first_name: null,
			time_zone: null,
			links: { self: `${baseUrl}/api/v1/patients/${id}` }
		});

		const got = await curl('GET', `/patients/${id}`);
		expect(got.status).toBe(200);
		expect(got.body).toEqual(created.body);

		const updated = await curl('PUT', `/patients/${id}`, {
			json: { first_name: 'John', last_name: last, appointment_notes: 'Go for fist bumps over handshakes.' }
		});
		expect(updated.status).toBe(200);
		expect(updated.body!.appointment_notes).toBe('Go for fist bumps over handshakes.');

		const archived = await curl('POST', `/patients/${id}/archive`);
		expect(archived.status).toBe(204);
		expect(archived.text).toBe('');

		const archivedList = await curl('GET', `/patients/archived?q[]=last_name:=${last}`);
		expect(archivedList.body).toMatchObject({
			patients: [{ id, last_name: last }],
			total_entries: 1,
			links: { self: `${baseUrl}/api/v1/patients/archived?page=1&q[]=last_name:=${last}` }
		});

		const unarchived = await curl('POST', `/patients/${id}/unarchive`);
		expect(unarchived.status).toBe(200);
		expect(unarchived.body!.archived_at).toBe('');

		const deleted = await curl('GET', '/patients/deleted');
		expect(deleted.status).toBe(200);
		expect(deleted.body).toMatchObject({
			total_entries: expect.any(Number),
			links: { self: `${baseUrl}/api/v1/patients/deleted?page=1` }
		});
	});

	it('takes a body posted the way curl -d sends it without a Content-Type (Cliniko’s case example)', async () => {
		const patient = await curl('POST', '/patients', { json: { first_name: 'Case', last_name: 'Holder' } });
		const created = await curl('POST', '/patient_cases', {
			form: JSON.stringify({ name: 'Patient Case 2', patient_id: patient.body!.id })
		});
		expect(created.status, created.text).toBe(201);
		expect(created.body).toMatchObject({ name: 'Patient Case 2', closed: false, referral: false });
		const archived = await curl('POST', `/patient_cases/${created.body!.id}/archive`);
		expect(archived.status).toBe(204);
	});

	it('answers in JSON: 401 without a key (a signed-in browser’s cookie is no key), 404, 422', async () => {
		// The page's own request context carries the staff session cookie (a fetch in the page would
		// stop at the browser's Basic-auth prompt).
		const fromBrowser = await page.request.get('/api/v1/patients');
		expect(fromBrowser.status()).toBe(401);
		expect(((await fromBrowser.json()) as Json).message).toContain('API key');

		const missing = await curl('GET', '/patients/999999999');
		expect(missing.status).toBe(404);
		expect(missing.headers.get('content-type')).toContain('application/json');

		const invalid = await curl('POST', '/patients', { json: { first_name: '' } });
		expect(invalid.status).toBe(422);
		expect(invalid.body).toMatchObject({
			message: 'Validation Failed',
			errors: { first_name: expect.any(String), last_name: expect.any(String) }
		});
	});

	it('publishes OpenAPI 3.1 and a readable reference page', async () => {
		const doc = await curl('GET', '/openapi.json', { auth: null });
		expect(doc.status).toBe(200);
		expect(doc.body!.openapi).toBe('3.1.0');
		expect((doc.body!.servers as { url: string }[])[0]!.url).toBe(`${baseUrl}/api/v1`);

		await open(page, '/api/docs');
		expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Casebook API');
		expect(await page.getByRole('heading', { name: 'Create a patient', exact: true }).count()).toBe(1);
		expect(await page.getByRole('heading', { name: 'PatientCreate', exact: true }).count()).toBe(1);
	});

	it('stops a revoked key at once', async () => {
		await open(page, '/account/api-keys');
		await page.getByRole('button', { name: 'Revoke the key e2e script' }).click();
		await page.getByRole('button', { name: 'Revoke key' }).click();
		await expect.poll(() => page.getByText('is revoked').count()).toBeGreaterThan(0);
		const refused = await curl('GET', '/patients');
		expect(refused.status).toBe(401);
		expect(refused.headers.get('www-authenticate')).toContain('Basic');
	});
});
