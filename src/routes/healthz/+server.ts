import { json, type RequestHandler } from '@sveltejs/kit';
import { getHealth } from '$lib/server/health/health.service';

export const GET: RequestHandler = async ({ locals }) => {
	const health = await getHealth(locals.em);
	return json(health, { status: health.ok ? 200 : 503, headers: { 'Cache-Control': 'no-store' } });
};
