import { json, type RequestHandler } from '@sveltejs/kit';
import { getHealth } from '$lib/server/health/health.service';

/**
 * `/healthz`: the whole product (database reachable and a worker alive) for monitoring.
 * `/healthz?scope=web`: this web process can serve (its database is reachable), for a load
 * balancer: a stopped worker must not take every web process out of rotation.
 */
export const GET: RequestHandler = async ({ locals, url }) => {
	const health = await getHealth(locals.em);
	const ok = url.searchParams.get('scope') === 'web' ? health.database.ok : health.ok;
	return json({ ...health, ok }, { status: ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
};
