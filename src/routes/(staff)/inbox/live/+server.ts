// The live inbox stream (issue 19): server-sent events telling a signed-in staff member's pages that a
// case of one of their teams changed (sent, acknowledged, escalated, updated, closed). The page guard
// (web/route-guard.ts) has admitted the caller; each event is checked again (app/live-inbox.ts).
import { error, type RequestHandler } from '@sveltejs/kit';
import { sessionCookieName } from '$lib/server/auth/cookies';
import { openInboxStream } from '$lib/server/app/live-inbox';

export const GET: RequestHandler = ({ locals, cookies }) => {
	const token = cookies.get(sessionCookieName());
	if (!locals.user || !token) error(401, 'Please sign in.');
	return new Response(openInboxStream(locals.user, token), {
		headers: {
			'Content-Type': 'text/event-stream; charset=utf-8',
			'Cache-Control': 'no-store, no-transform',
			// nginx and its kin would otherwise hold events back in their buffers.
			'X-Accel-Buffering': 'no'
		}
	});
};
