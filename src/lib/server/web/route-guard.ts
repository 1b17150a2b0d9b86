// The page guard: every page load, form action and endpoint under src/routes is checked here, in
// hooks.server.ts, before SvelteKit runs any of them. A layout `load` is no guard (SvelteKit runs
// a form action before any load, and `__data.json?x-sveltekit-invalidated=…` can skip layouts), so
// each route id is classified below with the same vocabulary and the same rule function as the
// tRPC procedures. A route that no entry classifies is refused (and a unit test keeps every route
// of the tree classified).
import { error, redirect, type RequestEvent } from '@sveltejs/kit';
import { refusalFor, type Access, type Refusal } from '../trpc/access-rules.ts';

/**
 * Route id patterns (SvelteKit route ids, groups included), first match wins. A pattern matches
 * the id itself and every id below it. `public` means the route checks its caller on its own terms:
 * sign-in pages, the portal's link pages, tRPC (each procedure), REST (API keys), webhooks
 * (signatures), the health check.
 */
export const ROUTE_ACCESS: readonly (readonly [pattern: string, access: Access, refused?: string])[] = [
	['/(auth)', { access: 'public' }],
	['/(staff)/account', { access: 'staff', allowWithoutTwoFactor: true }],
	['/(staff)/account/api-keys', { access: 'staff' }],
	['/(staff)/admin', { access: 'staff', roles: ['admin'] }, 'Only admins can open the admin area.'],
	// The installation's state (schema, worker, message providers): for whoever looks after it.
	['/(staff)/status', { access: 'staff', roles: ['admin'] }, 'Only admins can open the system status.'],
	[
		'/(staff)/requests',
		{ access: 'staff', roles: ['scheduler'] },
		'Only schedulers can open appointment requests.'
	],
	[
		'/(staff)/appointments/replies',
		{ access: 'staff', roles: ['scheduler'] },
		'Only schedulers can open patient replies.'
	],
	[
		'/(staff)/appointments/reserve',
		{ access: 'staff', roles: ['scheduler'] },
		'Only schedulers can reserve appointments.'
	],
	// Sending a case that exists and linking it to a patient: any staff member who may edit the
	// case (its procedures then check that the case is theirs to see).
	['/(staff)/cases/[id]/send', { access: 'staff' }],
	['/(staff)/cases/[id]/patient', { access: 'staff' }],
	// Treatment notes, goals and the referrer's summary (issue 22): any staff member; the
	// clinicalNotes procedures then check that the case is theirs to see (drafts: their author's).
	['/(staff)/cases/[id]/notes', { access: 'staff' }],
	['/(staff)/cases/[id]/goals', { access: 'staff' }],
	['/(staff)/cases/[id]/summary', { access: 'staff' }],
	[
		'/(staff)/patients/[id]/merge',
		{ access: 'staff', roles: ['scheduler'] },
		'Only schedulers and admins can merge patient records.'
	],
	// Every role; a practitioner sees their own figures only (reports.service.ts). The CSV
	// downloads under it are guarded by the same entry.
	[
		'/(staff)/reports',
		{ access: 'staff', roles: ['scheduler', 'practitioner'] },
		'Only schedulers and practitioners can open reports.'
	],
	// The live inbox's event stream: any staff member (each event then goes only to members of the
	// case's teams, and the stream closes when the session ends: app/live-inbox.ts).
	['/(staff)/inbox/live', { access: 'staff' }],
	['/(staff)', { access: 'staff' }],
	['/referrer', { access: 'referrer' }],
	['/portal/(app)', { access: 'patient' }],
	['/portal/(public)', { access: 'public' }],
	['/portal/sign-out', { access: 'public' }],
	['/sign-out', { access: 'public' }],
	['/api/trpc/[...trpc]', { access: 'public' }],
	['/api/v1/[...path]', { access: 'public' }],
	['/api/docs', { access: 'public' }],
	['/webhooks', { access: 'public' }],
	['/healthz', { access: 'public' }]
];

function matches(pattern: string, routeId: string): boolean {
	return routeId === pattern || routeId.startsWith(`${pattern}/`);
}

type Entry = (typeof ROUTE_ACCESS)[number];

function entryFor(routeId: string): Entry | null {
	// The most specific (longest) matching pattern wins, whatever the order of the table.
	let best: Entry | null = null;
	for (const entry of ROUTE_ACCESS) {
		if (matches(entry[0], routeId) && (!best || entry[0].length > best[0].length)) best = entry;
	}
	return best;
}

/** The access rule of a route id, or null when no entry classifies it. */
export function routeAccess(routeId: string): Access | null {
	return entryFor(routeId)?.[1] ?? null;
}

/** Whether the request wants a page (or Kit's JSON for one) rather than an endpoint's answer. */
function wantsPage(event: RequestEvent): boolean {
	if (event.isDataRequest) return true;
	if (event.request.headers.get('x-sveltekit-action') === 'true') return true;
	return (event.request.headers.get('accept') ?? '').includes('text/html');
}

function refuse(event: RequestEvent, refusal: Refusal, refusedMessage?: string): never {
	const isRead = event.request.method === 'GET' || event.request.method === 'HEAD';
	if (refusal.code === 'UNAUTHORIZED') {
		// A link followed (any GET) or a page's form goes to sign in; a script's call gets a 401.
		if (!isRead && !wantsPage(event)) error(401, refusal.message);
		if (refusal.signIn === 'portal') {
			redirect(303, event.url.pathname === '/portal' ? '/portal/sign-in' : '/portal/sign-in?expired=1');
		}
		redirect(303, `/sign-in?next=${encodeURIComponent(event.url.pathname + event.url.search)}`);
	}
	if (isRead && wantsPage(event)) {
		if (refusal.reason === 'two-factor') redirect(303, '/account?required=two-factor');
		if (refusal.reason === 'kind') redirect(303, event.locals.user?.kind === 'referrer' ? '/referrer' : '/');
	}
	error(403, (refusal.reason === 'role' && refusedMessage) || refusal.message);
}

/**
 * Refuses (by redirect or error, thrown) a caller the route does not admit; returns the route's
 * access rule when it does. Called once per request, after the session has been read.
 */
export async function guardRoute(
	event: RequestEvent,
	requireTwoFactor: () => Promise<boolean>
): Promise<Access | null> {
	const routeId = event.route.id;
	if (routeId === null) return null; // no such page: SvelteKit answers 404
	const entry = entryFor(routeId);
	if (!entry) error(403, 'This part of Casebook is not open to anyone yet.');
	const [, rule, refusedMessage] = entry;
	const refusal = await refusalFor(
		rule,
		{ user: event.locals.user, patient: event.locals.patient },
		requireTwoFactor
	);
	if (refusal) refuse(event, refusal, refusedMessage);
	return rule;
}
