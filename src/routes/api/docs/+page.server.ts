// The REST API's reference, readable: built from the same OpenAPI document as /api/v1/openapi.json.
import { apiReference } from '$lib/server/api/openapi-view';
import { getConfig } from '$lib/server/config';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = () => ({ reference: apiReference(getConfig().ORIGIN) });
