// Every route of the app is classified by the page guard, and the public ones are exactly those
// that check their callers on their own terms (sign-in pages, tokens, API keys, signatures).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeAccess } from './route-guard.ts';

const ROUTES = path.resolve(import.meta.dirname, '../../../routes');

/** SvelteKit route ids of every folder holding a page or an endpoint. */
function routeIds(dir = ROUTES): string[] {
	const entries = fs.readdirSync(dir, { withFileTypes: true });
	const here = entries.some((e) => e.isFile() && /^\+(page|server)\b/.test(e.name));
	const id = '/' + path.relative(ROUTES, dir).split(path.sep).join('/');
	const below = entries.filter((e) => e.isDirectory()).flatMap((e) => routeIds(path.join(dir, e.name)));
	return here ? [id === '/' ? '/' : id, ...below] : below;
}

const PUBLIC_ROUTES = [
	'/(auth)/forgot-password',
	'/(auth)/reset-password',
	'/(auth)/setup',
	'/(auth)/sign-in',
	'/api/docs',
	'/api/trpc/[...trpc]',
	'/api/v1/[...path]',
	'/healthz',
	'/portal/(public)/link/[token]',
	'/portal/(public)/sign-in',
	'/portal/sign-out',
	'/sign-out',
	'/webhooks/twilio/sms',
	'/webhooks/twilio/status'
];

describe('the page guard', () => {
	const ids = routeIds();

	it('finds the route tree', () => {
		expect(ids).toContain('/(staff)/admin/case-templates/new');
		expect(ids.length).toBeGreaterThan(40);
	});

	it('classifies every route', () => {
		expect(ids.filter((id) => routeAccess(id) === null)).toEqual([]);
	});

	it('leaves public only the routes that check their callers themselves', () => {
		expect(ids.filter((id) => routeAccess(id)?.access === 'public').sort()).toEqual(PUBLIC_ROUTES);
	});

	it('keeps the admin area for admins, requests and reservations for schedulers', () => {
		expect(routeAccess('/(staff)/admin/case-templates/[id]')).toMatchObject({
			access: 'staff',
			roles: ['admin']
		});
		expect(routeAccess('/(staff)/admin/custom-fields')).toMatchObject({ roles: ['admin'] });
		expect(routeAccess('/(staff)/admin/concession-types')).toMatchObject({ roles: ['admin'] });
		expect(routeAccess('/(staff)/admin/patient-merges')).toMatchObject({ roles: ['admin'] });
		expect(routeAccess('/(staff)/patients/[id]/merge')).toMatchObject({ roles: ['scheduler'] });
		expect(routeAccess('/(staff)/requests/[id]')).toMatchObject({ roles: ['scheduler'] });
		expect(routeAccess('/(staff)/appointments/reserve')).toMatchObject({ roles: ['scheduler'] });
		expect(routeAccess('/(staff)/cases/[id]')).toEqual({ access: 'staff' });
		expect(routeAccess('/(staff)')).toEqual({ access: 'staff' });
		expect(routeAccess('/referrer/send')).toEqual({ access: 'referrer' });
		expect(routeAccess('/portal/(app)/cases/[id]/request')).toEqual({ access: 'patient' });
	});

	it('lets staff reach My account (to set up two-factor) but not API keys without it', () => {
		expect(routeAccess('/(staff)/account')).toMatchObject({ allowWithoutTwoFactor: true });
		expect(routeAccess('/(staff)/account/api-keys')?.allowWithoutTwoFactor).toBeFalsy();
	});
});
