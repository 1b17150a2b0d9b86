// Cliniko's Concession Types resource (concession_types.md): the list and one type, read-only (admins
// manage them in the app). The list holds current types; one type by id also answers for an archived
// one, since a patient's concession_type link may point at it.
import { z } from 'zod';
import {
	findConcessionTypes,
	getConcessionType,
	type ConcessionTypeView
} from '../patients/concession-types.service.ts';
import { jsonResponse } from './http.ts';
import { apiTime } from './patients.resource.ts';
import type { ApiContext, ApiRoute } from './route.ts';

export const concessionTypeResponse = z.object({
	id: z.number().int(),
	name: z.string(),
	created_at: z.string(),
	updated_at: z.string(),
	archived_at: z.string().nullable().describe('Casebook: when an admin archived it; null while current'),
	links: z.object({ self: z.url() })
});
export type ApiConcessionType = z.infer<typeof concessionTypeResponse>;

export function concessionTypeUrl(origin: string, id: string): string {
	return `${origin}/api/v1/concession_types/${id}`;
}

function toApi(t: ConcessionTypeView, origin: string): ApiConcessionType {
	return {
		id: Number(t.id),
		name: t.name,
		created_at: apiTime(t.createdAt),
		updated_at: apiTime(t.updatedAt),
		archived_at: t.archivedAt ? apiTime(t.archivedAt) : null,
		links: { self: concessionTypeUrl(origin, t.id) }
	};
}

async function listConcessionTypes(ctx: ApiContext): Promise<Response> {
	const items = await findConcessionTypes(ctx.em);
	return jsonResponse({
		concession_types: items.map((t) => toApi(t, ctx.origin)),
		total_entries: items.length,
		links: { self: `${ctx.origin}/api/v1/concession_types?page=1` }
	});
}

const access = { roles: 'any' as const };

export const concessionTypeRoutes: ApiRoute[] = [
	{
		method: 'GET',
		path: '/concession_types',
		operationId: 'listConcessionTypes',
		summary: 'Get concession types',
		description: 'The current (not archived) concession types, by name, on one page.',
		tag: 'Concession types',
		access,
		responses: { 200: { description: 'Every current concession type', schema: 'ConcessionTypeList' } },
		handle: listConcessionTypes
	},
	{
		method: 'GET',
		path: '/concession_types/{id}',
		operationId: 'getConcessionType',
		summary: 'Get a concession type',
		description: 'Current or archived (a patient may still hold an archived one).',
		tag: 'Concession types',
		access,
		responses: {
			200: { description: 'The concession type', schema: 'ConcessionType' },
			404: { description: 'No concession type with that id', schema: 'Error' }
		},
		handle: async (ctx) =>
			jsonResponse(toApi(await getConcessionType(ctx.em, { id: ctx.params.id! }), ctx.origin))
	}
];
