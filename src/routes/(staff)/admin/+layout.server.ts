import { error } from '@sveltejs/kit';
import { hasRole } from '$lib/server/auth/actor';
import type { LayoutServerLoad } from './$types';

// hooks.server.ts refuses non-admins before any admin page load or action runs
// (web/route-guard.ts); this only keeps the rule visible where the pages are.
export const load: LayoutServerLoad = async ({ locals }) => {
	if (!locals.user || !hasRole(locals.user, 'admin')) error(403, 'Only admins can open the admin area.');
};
