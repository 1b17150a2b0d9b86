// Ends the portal session (POST only: a link cannot sign a patient out by surprise).
import { redirect } from '@sveltejs/kit';
import { endPortalSession } from '$lib/server/portal/portal-auth.service';
import { clearPortalCookie } from '$lib/server/portal/portal-cookie';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = async ({ locals, cookies }) => {
	if (locals.portalSessionId) await endPortalSession(locals.em, locals.portalSessionId, 'signed out');
	clearPortalCookie(cookies);
	redirect(303, '/portal/sign-in?signedOut=1');
};
