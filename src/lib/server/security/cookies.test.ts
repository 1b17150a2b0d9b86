// Security checks (issue 10, item 4): the staff and portal session cookies are HttpOnly and
// SameSite=Lax, and under an https ORIGIN also Secure with the __Host- prefix (which browsers accept
// only from a secure origin, for path "/" and without a Domain). The e2e suite checks the cookie a
// browser really gets over http.
import type { Cookies } from '@sveltejs/kit';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSessionCookie, setSessionCookie } from '../auth/cookies.ts';
import { resetConfig } from '../config.ts';
import { clearPortalCookie, setPortalCookie } from '../portal/portal-cookie.ts';

type CookieOptions = Parameters<Cookies['set']>[2];

function recordingCookies() {
	const set: { name: string; options: CookieOptions }[] = [];
	const deleted: { name: string; options: Parameters<Cookies['delete']>[1] }[] = [];
	const cookies = {
		set: (name: string, _value: string, options: CookieOptions) => void set.push({ name, options }),
		delete: (name: string, options: Parameters<Cookies['delete']>[1]) => void deleted.push({ name, options })
	} as unknown as Cookies;
	return { cookies, set, deleted };
}

const originalOrigin = process.env.ORIGIN;
function useOrigin(origin: string) {
	process.env.ORIGIN = origin;
	resetConfig();
}
afterEach(() => {
	if (originalOrigin === undefined) delete process.env.ORIGIN;
	else process.env.ORIGIN = originalOrigin;
	resetConfig();
});

describe.each([
	['staff session', setSessionCookie, clearSessionCookie, 'casebook_session'],
	['portal session', setPortalCookie, clearPortalCookie, 'casebook_portal']
] as const)('the %s cookie', (_label, setCookie, clearCookie, name) => {
	it('is HttpOnly and SameSite=Lax, and not Secure under http', () => {
		useOrigin('http://localhost:3000');
		const jar = recordingCookies();
		setCookie(jar.cookies, 'token');
		expect(jar.set).toEqual([
			{
				name,
				options: expect.objectContaining({ path: '/', httpOnly: true, sameSite: 'lax', secure: false })
			}
		]);
		expect(jar.set[0]!.options).not.toHaveProperty('domain');
	});

	it('is Secure with the __Host- prefix under https, and is cleared under the same name', () => {
		useOrigin('https://casebook.clinic.example');
		const jar = recordingCookies();
		setCookie(jar.cookies, 'token');
		expect(jar.set).toEqual([
			{
				name: `__Host-${name}`,
				options: expect.objectContaining({ path: '/', httpOnly: true, sameSite: 'lax', secure: true })
			}
		]);
		expect(jar.set[0]!.options).not.toHaveProperty('domain');
		clearCookie(jar.cookies);
		expect(jar.deleted).toEqual([{ name: `__Host-${name}`, options: { path: '/', secure: true } }]);
	});
});
