// The cases list's filters live in the URL (GET form, no JavaScript needed): parsed leniently, so
// an edited or outdated link shows the nearest sensible list instead of an error.
import { z } from 'zod';
import { CASE_STATUS_FILTERS, REFERRAL_FILTERS, type FindCasesInput } from '$lib/schemas/case';

const optionalId = z
	.string()
	.regex(/^\d{1,18}$/)
	.optional()
	.catch(undefined);

const listParams = z.object({
	status: z.enum(CASE_STATUS_FILTERS).catch('open'),
	q: z
		.string()
		.trim()
		.max(200)
		.optional()
		.transform((v) => v || undefined)
		.catch(undefined),
	practitionerId: optionalId,
	serviceId: optionalId,
	templateId: optionalId,
	referral: z.enum(REFERRAL_FILTERS).optional().catch(undefined),
	/** "1": cases archived through the REST API instead of current ones. */
	archived: z
		.literal('1')
		.optional()
		.catch(undefined)
		.transform((v) => v === '1'),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});

export type CaseListParams = z.output<typeof listParams>;

export const PER_PAGE = 25;

export const STATUS_OPTIONS = [
	{ value: 'open', label: 'Open' },
	{ value: 'closed', label: 'Closed' },
	{ value: 'all', label: 'All' }
] as const;

export const REFERRAL_OPTIONS = [
	{ value: 'expiring', label: 'Expiring within 30 days' },
	{ value: 'expired', label: 'Expired' }
] as const;

export function parseCaseListParams(search: URLSearchParams): CaseListParams {
	const raw: Record<string, string> = {};
	for (const [key, value] of search) if (value !== '') raw[key] = value;
	return listParams.parse(raw);
}

export function toFindCasesInput(params: CaseListParams): FindCasesInput {
	return {
		status: params.status,
		search: params.q,
		practitionerId: params.practitionerId,
		serviceId: params.serviceId,
		templateId: params.templateId,
		referral: params.referral,
		archived: params.archived,
		page: params.page,
		perPage: PER_PAGE
	};
}

/** Anything beyond the default "open cases" view. */
export function isFiltered(params: CaseListParams): boolean {
	return Boolean(
		params.q ||
		params.practitionerId ||
		params.serviceId ||
		params.templateId ||
		params.referral ||
		params.archived
	);
}

/** The list's URL for `params` with some of them changed (the first page unless `page` is given). */
export function caseListHref(params: CaseListParams, changes: Partial<CaseListParams> = {}): string {
	const next: Partial<CaseListParams> = { ...params, page: undefined, ...changes };
	const search = new URLSearchParams();
	if (next.q) search.set('q', next.q);
	if (next.status && next.status !== 'open') search.set('status', next.status);
	if (next.practitionerId) search.set('practitionerId', next.practitionerId);
	if (next.serviceId) search.set('serviceId', next.serviceId);
	if (next.templateId) search.set('templateId', next.templateId);
	if (next.referral) search.set('referral', next.referral);
	if (next.archived) search.set('archived', '1');
	if (next.page && next.page > 1) search.set('page', String(next.page));
	const query = search.toString();
	return query ? `/cases?${query}` : '/cases';
}
