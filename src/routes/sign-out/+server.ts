import { redirect, type RequestHandler } from '@sveltejs/kit';
import { signOut } from '$lib/server/auth/auth.service';
import { clearSessionCookie } from '$lib/server/auth/cookies';
import { actorFromEvent } from '$lib/server/app/caller';

// A form POST (SvelteKit's CSRF check applies), never a GET: a link cannot sign anyone out.
export const POST: RequestHandler = async (event) => {
	await signOut(event.locals.em, actorFromEvent(event));
	clearSessionCookie(event.cookies);
	redirect(303, '/sign-in');
};
