import { error } from '@sveltejs/kit';
import { hasRole } from '$lib/server/auth/actor';
import type { LayoutServerLoad } from './$types';

// The admin procedures refuse non-admins on their own; this gives people a clear page instead.
export const load: LayoutServerLoad = async ({ locals }) => {
	if (!locals.user || !hasRole(locals.user, 'admin')) error(403, 'Only admins can open the admin area.');
};
