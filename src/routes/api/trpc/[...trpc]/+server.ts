// tRPC over HTTP. Mutations must come from our own origin as JSON: SvelteKit's CSRF check covers
// form posts only, so a cross-site fetch with a simple content type is refused here.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { json, type RequestHandler } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { createContextFromEvent } from '$lib/server/trpc/http';
import { appRouter } from '$lib/server/trpc/router';

const handler: RequestHandler = async (event) => {
	if (event.request.method === 'POST') {
		const origin = event.request.headers.get('origin');
		const allowed = new Set([getConfig().ORIGIN, event.url.origin]);
		if (origin !== null && !allowed.has(origin)) {
			return json({ error: { message: 'Cross-origin requests are not allowed' } }, { status: 403 });
		}
		const type = (event.request.headers.get('content-type') ?? '').toLowerCase();
		// File uploads are the one multipart call; the Origin check above still applies to them.
		const isUpload = event.params.trpc === 'cases.addAttachment' && type.startsWith('multipart/form-data');
		if (!type.startsWith('application/json') && !isUpload) {
			return json({ error: { message: 'Send JSON (Content-Type: application/json)' } }, { status: 415 });
		}
	}
	const ctx = createContextFromEvent(event);
	const response = await fetchRequestHandler({
		endpoint: '/api/trpc',
		req: event.request,
		router: appRouter,
		createContext: () => ctx
	});
	ctx.responseHeaders.forEach((value, name) => response.headers.set(name, value));
	response.headers.set('Cache-Control', 'no-store');
	return response;
};

export const GET = handler;
export const POST = handler;
