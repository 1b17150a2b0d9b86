// The staff session cookie: HttpOnly, SameSite=Lax, and Secure with the __Host- prefix under https.
import type { Cookies } from '@sveltejs/kit';
import { getConfig } from '../config.ts';

export function sessionCookieName(): string {
	return getConfig().isHttps ? '__Host-casebook_session' : 'casebook_session';
}

export function setSessionCookie(cookies: Cookies, token: string): void {
	const config = getConfig();
	cookies.set(sessionCookieName(), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config.isHttps,
		maxAge: config.SESSION_ABSOLUTE_HOURS * 3600
	});
}

export function clearSessionCookie(cookies: Cookies): void {
	cookies.delete(sessionCookieName(), { path: '/', secure: getConfig().isHttps });
}
