// Cliniko's Invoices resource and the invoice links of patients, patient cases and attendees.
// Casebook has no invoicing (an appointment records only the amount invoiced, shown as
// invoiced_amount), so every list is empty: 200 with total_entries 0, so a client following
// Cliniko's links carries on instead of stopping at a 404.
import { z } from 'zod';
import { isCaseVisible } from '../cases/case-access.queries.ts';
import { notFound } from '../errors.ts';
import { jsonResponse } from './http.ts';
import { pageLinks, parseListParams } from './list-params.ts';
import type { ApiContext, ApiRoute } from './route.ts';

export const invoiceListResponse = z
	.object({
		invoices: z.array(z.never()).describe('Always empty: Casebook has no invoices'),
		total_entries: z.literal(0),
		links: z.object({ self: z.url() })
	})
	.describe('Casebook has no invoicing: always an empty list');

const NO_FILTERS = { filters: {}, sorts: {} };

function empty(ctx: ApiContext): Response {
	const params = parseListParams(ctx.url, NO_FILTERS);
	return jsonResponse({
		invoices: [],
		total_entries: 0,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total: 0 })
	});
}

const access = { roles: 'any' as const };
const description = 'Casebook has no invoicing: always an empty list (200, total_entries 0).';

function route(path: string, operationId: string, summary: string, handle?: ApiRoute['handle']): ApiRoute {
	return {
		method: 'GET',
		path,
		operationId,
		summary,
		description,
		tag: 'Invoices',
		access,
		responses: { 200: { description: 'An empty list', schema: 'InvoiceList' } },
		handle: handle ?? (async (ctx) => empty(ctx))
	};
}

export const invoiceRoutes: ApiRoute[] = [
	route('/invoices', 'listInvoices', 'Get invoices'),
	route('/patients/{patient_id}/invoices', 'listInvoicesOfPatient', 'Get a patient’s invoices'),
	route(
		'/patient_cases/{id}/invoices',
		'listInvoicesOfPatientCase',
		'Get a patient case’s invoices',
		async (ctx) => {
			// A case the caller may not see is not there, not merely without invoices.
			if (!(await isCaseVisible(ctx.em, ctx.actor, ctx.params.id!))) throw notFound('Case');
			return empty(ctx);
		}
	),
	route('/attendees/{id}/invoices', 'listInvoicesOfAttendee', 'Get an attendee’s invoices')
];
