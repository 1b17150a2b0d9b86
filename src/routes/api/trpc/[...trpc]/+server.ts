// tRPC over HTTP. Mutations must come from our own origin as JSON: SvelteKit's CSRF check covers
// form posts only, so a cross-site fetch with a simple content type is refused here. The caller is
// known (hooks.server.ts) before the body is read: a call every requested procedure refuses is
// answered without reading its body, and a body is read with a size and nesting limit.
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { json, type RequestEvent, type RequestHandler } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { getClinicSettings } from '$lib/server/settings/settings.service';
import { refusalFor, type Access } from '$lib/server/trpc/access-rules';
import { createContextFromEvent } from '$lib/server/app/caller';
import { appRouter } from '$lib/server/app/router';
import { assertShallowJson, BodyRefused, JSON_BODY_LIMIT, readLimitedText } from '$lib/server/request-body';

/** Attachments (the one multipart call) keep their own limit: 25 MB of file plus the form around it. */
const UPLOAD_LIMIT = 26 * 1024 * 1024;

const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Access } }>;

/** Whether every procedure the URL names refuses this caller (then the body is never read). */
async function isRefusedEverywhere(event: RequestEvent): Promise<boolean> {
	const paths = (event.params.trpc ?? '').split(',');
	const requireTwoFactor = async () => (await getClinicSettings(event.locals.em)).requireTwoFactor;
	for (const path of paths) {
		const meta = procedures[path]?._def.meta;
		if (!meta) return false; // unknown: tRPC answers NOT_FOUND itself
		if (!(await refusalFor(meta, event.locals, requireTwoFactor))) return false;
	}
	return true;
}

/** The same request with another body (and no stale Content-Length). */
function withBody(request: Request, body: string | null): Request {
	const headers = new Headers(request.headers);
	headers.delete('content-length');
	return new Request(request.url, { method: request.method, headers, body });
}

async function boundedRequest(event: RequestEvent, isUpload: boolean): Promise<Request> {
	const { request } = event;
	if (request.method !== 'POST') {
		const input = event.url.searchParams.get('input');
		if (input) assertShallowJson(input);
		return request;
	}
	if (await isRefusedEverywhere(event)) {
		// The procedures refuse before they look at their input: give them none.
		return withBody(request, null);
	}
	if (isUpload) {
		const declared = Number(request.headers.get('content-length') ?? 'NaN');
		if (declared > UPLOAD_LIMIT) throw new BodyRefused(413, 'The file is too large (at most 25 MB).');
		return request;
	}
	const text = await readLimitedText(request, JSON_BODY_LIMIT);
	assertShallowJson(text);
	return withBody(request, text);
}

/** Whether the URL names a procedure that only pages may call in-process. */
function namesPageOnly(event: RequestEvent): boolean {
	return (event.params.trpc ?? '').split(',').some((path) => procedures[path]?._def.meta?.pageOnly);
}

const handler: RequestHandler = async (event) => {
	if (namesPageOnly(event)) {
		return json(
			{ error: { message: 'No such procedure' } },
			{ status: 404, headers: { 'Cache-Control': 'no-store' } }
		);
	}
	let isUpload = false;
	if (event.request.method === 'POST') {
		const origin = event.request.headers.get('origin');
		const allowed = new Set([getConfig().ORIGIN, event.url.origin]);
		if (origin !== null && !allowed.has(origin)) {
			return json({ error: { message: 'Cross-origin requests are not allowed' } }, { status: 403 });
		}
		const type = (event.request.headers.get('content-type') ?? '').toLowerCase();
		// File uploads are the one multipart call; the Origin check above still applies to them.
		isUpload = event.params.trpc === 'cases.addAttachment' && type.startsWith('multipart/form-data');
		if (!type.startsWith('application/json') && !isUpload) {
			return json({ error: { message: 'Send JSON (Content-Type: application/json)' } }, { status: 415 });
		}
	}
	let req: Request;
	try {
		req = await boundedRequest(event, isUpload);
	} catch (error) {
		if (error instanceof BodyRefused) {
			return json(
				{ error: { message: error.message } },
				{ status: error.status, headers: { 'Cache-Control': 'no-store' } }
			);
		}
		throw error;
	}
	const ctx = createContextFromEvent(event);
	const response = await fetchRequestHandler({
		endpoint: '/api/trpc',
		req,
		router: appRouter,
		createContext: () => ctx
	});
	ctx.responseHeaders.forEach((value, name) => response.headers.set(name, value));
	response.headers.set('Cache-Control', 'no-store');
	return response;
};

export const GET = handler;
export const POST = handler;
