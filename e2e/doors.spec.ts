// Issue 15: the smaller doors, tried against the running product as an attacker would: request
// bodies that would keep the server busy, redirects after sign-in, cross-origin posts without a
// content type, caching of signed-in pages, and request ids chosen by the caller.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let page: Page;
let cookie: string;
const baseUrl = inject('baseUrl');
const EVIL = 'https://evil.example';

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage({ baseURL: baseUrl });
	await signInAsAdmin(page);
	cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
});
afterAll(async () => {
	await browser?.close();
});

function post(path: string, body: BodyInit | null, headers: Record<string, string>): Promise<Response> {
	return fetch(`${baseUrl}${path}`, { method: 'POST', body, headers, redirect: 'manual' });
}

/** `depth` arrays inside each other, wrapped as tRPC's superjson input: 2 bytes a level. */
function nested(depth: number): string {
	return `{"json":{"firstName":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
}

describe('request bodies', () => {
	it('answers an anonymous 10 MB nested JSON body without reading it, and keeps serving', async () => {
		const body = nested(5_000_000);
		const [refused, health] = await Promise.all([
			post('/api/trpc/patients.create', body, { 'Content-Type': 'application/json', Origin: baseUrl }),
			fetch(`${baseUrl}/healthz`)
		]);
		expect(refused.status).toBe(401);
		expect(health.status).toBe(200);
	});

	it('refuses a JSON body over 1 MB from a signed-in caller with 413', async () => {
		const body = JSON.stringify({ json: { firstName: 'x'.repeat(1_200_000), lastName: 'Big' } });
		const response = await post('/api/trpc/patients.create', body, {
			'Content-Type': 'application/json',
			Origin: baseUrl,
			Cookie: cookie
		});
		expect(response.status).toBe(413);
		expect((await response.json()).error.message).toMatch(/too large/);
	});

	it('refuses deeply nested JSON from a signed-in caller with 400, in a body or a query', async () => {
		const response = await post('/api/trpc/patients.create', nested(200), {
			'Content-Type': 'application/json',
			Origin: baseUrl,
			Cookie: cookie
		});
		expect(response.status).toBe(400);
		expect((await response.json()).error.message).toMatch(/nested too deeply/);
		const query = await fetch(`${baseUrl}/api/trpc/patients.find?input=${encodeURIComponent(nested(200))}`, {
			headers: { Cookie: cookie }
		});
		expect(query.status).toBe(400);
	});

	it('still takes an ordinary call from the same caller', async () => {
		const found = await trpc<{ items: unknown[] }>(page, 'patients.find', { search: 'nobody-here' }, 'GET');
		expect(found.items).toEqual([]);
	});
});

describe('page-only procedures', () => {
	it.each(['account.signIn', 'account.setUp', 'account.resetPassword', 'account.completeTwoFactor'])(
		'are not callable over /api/trpc (%s answers with a session token only a page may use)',
		async (path) => {
			const response = await post(`/api/trpc/${path}`, JSON.stringify({ json: {} }), {
				'Content-Type': 'application/json',
				Origin: baseUrl
			});
			expect(response.status).toBe(404);
		}
	);
});

describe('the page after signing in', () => {
	it.each([
		['a tab that browsers drop', '/\t/evil.example'],
		['a backslash', '/\\evil.example'],
		['an encoded slash', '/%2F/evil.example'],
		['a scheme-relative URL', '//evil.example'],
		['a control character', '/\u0001/x'],
		['non-ASCII', '/\u00e9vil'],
		['an absolute URL', 'https://evil.example/']
	])('is never another site, whatever `next` says (%s)', async (_label, next) => {
		const response = await fetch(`${baseUrl}/sign-in?next=${encodeURIComponent(next)}`, {
			headers: { Cookie: cookie },
			redirect: 'manual'
		});
		expect(response.status).toBe(303);
		expect(response.headers.get('location')).toBe('/');
	});

	it('keeps a path on our own site', async () => {
		const response = await fetch(`${baseUrl}/sign-in?next=${encodeURIComponent('/patients?q=jo')}`, {
			headers: { Cookie: cookie },
			redirect: 'manual'
		});
		expect(response.headers.get('location')).toBe('/patients?q=jo');
	});
});

describe('cross-origin posts without a content type', () => {
	it.each(['/sign-out', '/portal/sign-out'])('are refused at %s, and the session lives on', async (path) => {
		const forged = await post(path, null, { Origin: EVIL, Cookie: cookie });
		expect(forged.status).toBe(403);
		const me = await fetch(`${baseUrl}/patients`, { headers: { Cookie: cookie }, redirect: 'manual' });
		expect(me.status).toBe(200);
	});
});

describe('a form post to ?/default', () => {
	it('is "no such action" (SvelteKit reserves the name), never a server error', async () => {
		const response = await post('/patients/new?/default', 'firstName=Def&lastName=Ault', {
			'Content-Type': 'application/x-www-form-urlencoded',
			Origin: baseUrl,
			Cookie: cookie
		});
		expect(response.status).toBe(404);
	});
});

describe('caching', () => {
	it.each(['/patients', '/admin/staff', '/account', '/api/v1/patients'])(
		'is off for signed-in %s',
		async (path) => {
			const response = await fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie }, redirect: 'manual' });
			expect(response.headers.get('cache-control'), path).toMatch(/no-store/);
		}
	);

	it('is off for the portal and the REST API, even signed out', async () => {
		for (const path of ['/portal/sign-in', '/api/v1/patients']) {
			const response = await fetch(`${baseUrl}${path}`, { redirect: 'manual' });
			expect(response.headers.get('cache-control'), path).toMatch(/no-store/);
		}
	});
});

describe('request ids', () => {
	it('are ours in the answer and in the audit trail, whatever the caller sends', async () => {
		const chosen = `forged-${Date.now().toString(36)}`;
		const created = await post(
			'/api/trpc/patients.create',
			JSON.stringify({ json: { firstName: 'Req', lastName: chosen } }),
			{ 'Content-Type': 'application/json', Origin: baseUrl, Cookie: cookie, 'X-Request-Id': chosen }
		);
		expect(created.status).toBe(200);
		const ours = created.headers.get('x-request-id');
		expect(ours).toMatch(/^[0-9a-f-]{36}$/);
		const patientId = (await created.json()).result.data.json.id as string;
		const events = await trpc<{ items: { requestId: string | null }[] }>(
			page,
			'audit.find',
			{ recordType: 'patient', recordId: patientId },
			'GET'
		);
		const requestIds = events.items.map((e) => e.requestId);
		expect(requestIds.length).toBeGreaterThan(0);
		expect(requestIds).toContain(ours);
		expect(requestIds).not.toContain(chosen);
	});
});
