// The portal's session cookie, separate from the staff one: HttpOnly, SameSite=Lax, and Secure with
// the __Host- prefix under https.
import type { Cookies } from '@sveltejs/kit';
import { getConfig } from '../config.ts';

export function portalCookieName(): string {
	return getConfig().isHttps ? '__Host-casebook_portal' : 'casebook_portal';
}

export function setPortalCookie(cookies: Cookies, token: string): void {
	const config = getConfig();
	cookies.set(portalCookieName(), token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: config.isHttps,
		maxAge: config.PORTAL_ABSOLUTE_HOURS * 3600
	});
}

export function clearPortalCookie(cookies: Cookies): void {
	cookies.delete(portalCookieName(), { path: '/', secure: getConfig().isHttps });
}
