// Security checks against the running product (issue 10, item 4): security headers on pages, the
// tRPC API and the health check; cross-origin POSTs to /api/trpc and to page actions refused; Twilio
// webhooks without a valid signature refused; the session cookie's flags; hostile names shown as
// text on every page that shows them; uploads with script stored and served inert.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, open } from './browser.ts';
import { trpc } from './fixtures.ts';
import { signInAsAdmin } from './session.ts';

let browser: Browser;
let page: Page;
const baseUrl = inject('baseUrl');
const suffix = Date.now().toString(36);
const EVIL = 'https://evil.example';

/** The staff session cookie of the signed-in page, for requests made outside the browser. */
let cookie: string;
/** Every dialog (alert, confirm…) any page opened: a script injected through data would open one. */
const dialogs: string[] = [];

beforeAll(async () => {
	browser = await launchBrowser();
	page = await browser.newPage({ baseURL: baseUrl });
	page.on('dialog', (dialog) => {
		dialogs.push(dialog.message());
		void dialog.dismiss();
	});
	await signInAsAdmin(page);
	const session = (await page.context().cookies()).find((c) => c.name === 'casebook_session');
	if (!session) throw new Error('No session cookie after signing in');
	cookie = `${session.name}=${session.value}`;
});
afterAll(async () => {
	await browser?.close();
});

async function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
	return fetch(`${baseUrl}${path}`, { headers, redirect: 'manual' });
}

async function post(path: string, body: BodyInit, headers: Record<string, string>): Promise<Response> {
	return fetch(`${baseUrl}${path}`, { method: 'POST', body, headers, redirect: 'manual' });
}

const trpcBody = (input: unknown) => JSON.stringify({ json: input });

describe('security headers', () => {
	it.each([
		['a public page', '/sign-in', false],
		['a signed-in page', '/patients', true],
		['a page that is not there', '/no-such-page', true],
		['the tRPC API', '/api/trpc/health.get', false],
		['the health check', '/healthz', false],
		['the REST API', '/api/v1/openapi.json', false]
	] as const)('are on %s (%s)', async (_label, path, signedIn) => {
		const response = await get(path, signedIn ? { Cookie: cookie } : {});
		expect(response.status, path).toBeLessThan(500);
		const csp = response.headers.get('content-security-policy') ?? '';
		expect(csp, path).toMatch(/frame-ancestors 'none'/);
		expect(csp, path).not.toMatch(/script-src[^;]*'unsafe-inline'/);
		expect(response.headers.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
		expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
		expect(response.headers.get('x-frame-options'), path).toBe('DENY');
	});

	it('give pages a policy that allows only the app’s own scripts, and API answers one that allows nothing', async () => {
		const pageCsp = (await get('/sign-in')).headers.get('content-security-policy')!;
		expect(pageCsp).toMatch(/default-src 'self'/);
		expect(pageCsp).toMatch(/object-src 'none'/);
		expect(pageCsp).toMatch(/form-action 'self'/);
		const apiCsp = (await get('/healthz')).headers.get('content-security-policy')!;
		expect(apiCsp).toMatch(/default-src 'none'/);
	});
});

describe('cross-origin requests', () => {
	it('refuses a cross-origin JSON POST to /api/trpc, even with the session cookie', async () => {
		const lastName = `Forged${suffix}`;
		const forged = await post('/api/trpc/patients.create', trpcBody({ firstName: 'Eve', lastName }), {
			Origin: EVIL,
			Cookie: cookie,
			'Content-Type': 'application/json'
		});
		expect(forged.status).toBe(403);
		expect(forged.headers.get('content-type')).toMatch(/application\/json/);
		expect(JSON.stringify(await forged.json())).toMatch(/Cross-origin/i);
		// The same request from our own origin goes through: it was the origin that was refused.
		const own = await post('/api/trpc/patients.create', trpcBody({ firstName: 'Own', lastName }), {
			Origin: baseUrl,
			Cookie: cookie,
			'Content-Type': 'application/json'
		});
		expect(own.status).toBe(200);
		const found = await trpc<{ items: { firstName: string }[] }>(
			page,
			'patients.find',
			{ search: lastName },
			'GET'
		);
		expect(found.items.map((p) => p.firstName)).toEqual(['Own']);
	});

	it.each([
		['a "simple" text/plain POST', { 'Content-Type': 'text/plain', Origin: EVIL }],
		['a form-encoded POST', { 'Content-Type': 'application/x-www-form-urlencoded', Origin: EVIL }],
		['a POST from an opaque origin', { 'Content-Type': 'application/json', Origin: 'null' }],
		[
			'a POST from a look-alike origin',
			{ 'Content-Type': 'application/json', Origin: `${baseUrl}.evil.example` }
		]
	] as const)('refuses %s to /api/trpc', async (_label, headers) => {
		const response = await post(
			'/api/trpc/patients.create',
			trpcBody({ firstName: 'Eve', lastName: `Forged${suffix}` }),
			{ ...headers, Cookie: cookie }
		);
		expect(response.status).toBe(403);
	});

	it('refuses a cross-origin multipart upload to /api/trpc', async () => {
		const form = new FormData();
		form.set('caseId', '1');
		form.set('file', new Blob(['hello'], { type: 'text/plain' }), 'hello.txt');
		const response = await fetch(`${baseUrl}/api/trpc/cases.addAttachment`, {
			method: 'POST',
			body: form,
			headers: { Origin: EVIL, Cookie: cookie }
		});
		expect(response.status).toBe(403);
	});

	it('refuses a cross-origin form POST to a page action, and the action does not run', async () => {
		const patient = await trpc<{ id: string }>(page, 'patients.create', {
			firstName: 'Cross',
			lastName: `Site${suffix}`
		});
		const caseRow = await trpc<{ id: string; version: number }>(page, 'cases.create', {
			patientId: patient.id,
			name: 'Cross-site target',
			limitKind: 'unlimited'
		});
		const forged = await post(`/cases/${caseRow.id}?/close`, `version=${caseRow.version}`, {
			Origin: EVIL,
			Cookie: cookie,
			'Content-Type': 'application/x-www-form-urlencoded'
		});
		expect(forged.status).toBe(403);
		const signOut = await post('/sign-out', '', {
			Origin: EVIL,
			Cookie: cookie,
			'Content-Type': 'application/x-www-form-urlencoded'
		});
		expect(signOut.status).toBe(403);
		// Still open, and still signed in.
		const after = await trpc<{ status: string }>(page, 'cases.get', { id: caseRow.id }, 'GET');
		expect(after.status).toBe('open');
	});

	it.each(['/webhooks/twilio/sms', '/webhooks/twilio/status'])(
		'refuses a POST to %s without a valid Twilio signature',
		async (path) => {
			const form = 'From=%2B61400000000&Body=ACK&MessageSid=SM' + '0'.repeat(32);
			const headers = { 'Content-Type': 'application/x-www-form-urlencoded' };
			expect((await post(path, form, headers)).status).toBe(403);
			expect((await post(path, form, { ...headers, Origin: EVIL })).status).toBe(403);
			expect(
				(await post(path, form, { ...headers, 'X-Twilio-Signature': 'bm90IGEgc2lnbmF0dXJl' })).status
			).toBe(403);
			expect((await post(path, '{"Body":"ACK"}', { 'Content-Type': 'application/json' })).status).toBe(403);
		}
	);
});

describe('text the database cannot store', () => {
	it.each(['/sign-in', '/forgot-password'])('is a 400 on %s, never a server error', async (path) => {
		const response = await post(path, 'email=jo%00%40clinic.test&password=x', {
			Origin: baseUrl,
			'Content-Type': 'application/x-www-form-urlencoded'
		});
		expect(response.status).toBe(400);
	});

	it('is a field error from /api/trpc', async () => {
		const response = await post(
			'/api/trpc/patients.create',
			trpcBody({ firstName: 'Jo', lastName: 'Null\u0000Byte' }),
			{ Origin: baseUrl, Cookie: cookie, 'Content-Type': 'application/json' }
		);
		expect(response.status).toBe(400);
		expect(JSON.stringify(await response.json())).toMatch(/cannot be stored/);
	});
});

describe('the session cookie', () => {
	it('is HttpOnly and SameSite=Lax, and not Secure over http', async () => {
		const session = (await page.context().cookies()).find((c) => c.name === 'casebook_session')!;
		expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
		// The header itself, as a fresh sign-in sends it.
		const context = await browser.newContext({ baseURL: baseUrl });
		const fresh = await context.newPage();
		const setCookies: string[] = [];
		fresh.on('response', (response) => {
			response
				.headerValue('set-cookie')
				.then((value) => {
					if (value?.includes('casebook_session=')) setCookies.push(value);
				})
				.catch(() => undefined); // a response still arriving when the context closes
		});
		await signInAsAdmin(fresh);
		await expect.poll(() => setCookies.length).toBeGreaterThan(0);
		const header = setCookies.find((c) => /casebook_session=[^;]+/.test(c) && !/Max-Age=0/i.test(c))!;
		expect(header).toMatch(/;\s*HttpOnly/i);
		expect(header).toMatch(/;\s*SameSite=Lax/i);
		expect(header).not.toMatch(/;\s*Secure/i);
		await context.close();
	});
});

describe('hostile names', () => {
	const firstName = '<img src=x onerror=alert(1)>';
	const lastName = `<script>alert(2)</script>Xss${suffix}`;
	const caseName = `<img src=x onerror=alert(3)> knee ${suffix}`;
	let patientId: string;
	let caseId: string;

	beforeAll(async () => {
		patientId = (await trpc<{ id: string }>(page, 'patients.create', { firstName, lastName })).id;
		caseId = (
			await trpc<{ id: string }>(page, 'cases.create', { patientId, name: caseName, limitKind: 'unlimited' })
		).id;
	});

	async function expectInert(path: string, texts: string[]) {
		// The HTML as sent: the names only ever escaped (the hydration data carries them as JSON strings).
		const html = await (await get(path, { Cookie: cookie })).text();
		expect(html, path).not.toContain('<img src=x');
		expect(html, path).not.toContain('<script>alert(');
		// The page as the browser built it, after hydration: the names are text, nothing ran.
		await open(page, path);
		for (const text of texts)
			expect(await page.getByText(text, { exact: false }).count(), `${text} on ${path}`).toBeGreaterThan(0);
		const injected = await page.evaluate(() => ({
			images: document.querySelectorAll('img[src="x"], img[onerror]').length,
			scripts: [...document.querySelectorAll('script')].filter((s) => /^\s*alert\(\d\)\s*$/.test(s.text))
				.length
		}));
		expect(injected, path).toEqual({ images: 0, scripts: 0 });
		expect(dialogs, path).toEqual([]);
	}

	it('shows them as text on the patient list', async () => {
		await expectInert(`/patients?q=Xss${suffix}`, [firstName, `Xss${suffix}`]);
	});

	it('shows them as text on the patient’s page', async () => {
		await expectInert(`/patients/${patientId}`, [firstName, `Xss${suffix}`]);
		await expectInert(`/patients/${patientId}?tab=cases`, [caseName]);
	});

	it('shows them as text on the case page and the case list', async () => {
		await expectInert(`/cases/${caseId}`, [caseName, `Xss${suffix}`]);
		await expectInert(`/cases?search=${encodeURIComponent(`knee ${suffix}`)}`, [caseName]);
	});
});

describe('uploads with script', () => {
	let caseId: string;

	beforeAll(async () => {
		const patient = await trpc<{ id: string }>(page, 'patients.create', {
			firstName: 'Upload',
			lastName: `Check${suffix}`
		});
		caseId = (
			await trpc<{ id: string }>(page, 'cases.create', {
				patientId: patient.id,
				name: 'Upload checks',
				limitKind: 'unlimited'
			})
		).id;
	});

	/** Uploads through the case page's form; answers the new file's link, or null when refused. */
	async function upload(name: string, mimeType: string, content: string): Promise<string | null> {
		await open(page, `/cases/${caseId}`);
		const links = page.locator(`a[href^="/cases/${caseId}/attachments/"]`);
		const hrefs = () => links.evaluateAll((all) => all.map((a) => a.getAttribute('href')!));
		const before = await hrefs();
		await page.getByLabel('Attach a file').setInputFiles({ name, mimeType, buffer: Buffer.from(content) });
		await page.getByRole('button', { name: 'Upload', exact: true }).click();
		await expect
			.poll(
				async () =>
					(await hrefs()).length > before.length || (await page.getByText(/can be attached/).count()) > 0
			)
			.toBe(true);
		return (await hrefs()).find((href) => !before.includes(href)) ?? null;
	}

	it.each([
		[
			'an SVG with a script',
			'drawing.svg',
			'image/svg+xml',
			'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(4)"><script>alert(5)</script></svg>'
		],
		[
			'an HTML page with a script',
			'page.html',
			'text/html',
			'<!doctype html><script>alert(6)</script><p>hi</p>'
		],
		[
			'XHTML with a script',
			'page.xhtml',
			'application/xhtml+xml',
			'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>alert(7)</script></html>'
		]
	])(
		'refuses %s, or keeps it as plain text served as a download',
		async (_label, name, mimeType, content) => {
			const href = await upload(name, mimeType, content);
			if (href === null) {
				expect(await page.getByText(/can be attached/).count()).toBeGreaterThan(0);
				return;
			}
			const response = await get(href, { Cookie: cookie });
			expect(response.status).toBe(200);
			expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
			expect(response.headers.get('content-disposition')).toMatch(/^attachment;/);
			// Never saved under a name a browser would open as a page or an image.
			expect(response.headers.get('content-disposition')).toMatch(/\.txt"?(;|$)/);
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
			expect(await response.text()).toBe(content);
			expect(dialogs).toEqual([]);
		}
	);

	it('serves every attachment as a download with nosniff, and only to staff who may see the case', async () => {
		const href = await upload('notes.txt', 'text/plain', 'Session notes');
		expect(href).not.toBeNull();
		const response = await get(href!, { Cookie: cookie });
		expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="notes.txt"/);
		expect(response.headers.get('x-content-type-options')).toBe('nosniff');
		expect(response.headers.get('cache-control')).toMatch(/no-store/);
		// Without a session: sent to sign in, never the file.
		const anonymous = await get(href!);
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toMatch(/^\/sign-in/);
	});
});
