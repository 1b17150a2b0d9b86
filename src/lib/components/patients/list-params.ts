// The patients list's URL (?tab, q, born, email, sort, cursor, dir, page) and how it becomes a
// `patients.find` request. Anything odd in a shared or hand-edited URL falls back to a default.
import { z } from 'zod';
import type { FindPatientsInput, PatientFilter } from '$lib/schemas/patient';

export const LIST_TABS = [
	{ value: 'active', label: 'Active' },
	{ value: 'archived', label: 'Archived' },
	{ value: 'deleted', label: 'Deleted' }
] as const;
export type ListTab = (typeof LIST_TABS)[number]['value'];

export const SORT_OPTIONS = [
	{ value: 'lastName', label: 'Last name', sort: { field: 'lastName', direction: 'asc' } },
	{ value: 'firstName', label: 'First name', sort: { field: 'firstName', direction: 'asc' } },
	{ value: 'newest', label: 'Newest', sort: { field: 'createdAt', direction: 'desc' } },
	{ value: 'updated', label: 'Recently updated', sort: { field: 'updatedAt', direction: 'desc' } },
	{ value: 'dateOfBirth', label: 'Date of birth', sort: { field: 'dateOfBirth', direction: 'asc' } }
] as const satisfies readonly { value: string; label: string; sort: FindPatientsInput['sort'] }[];
export type SortOption = (typeof SORT_OPTIONS)[number]['value'];

export const MONTHS = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
].map((label, index) => ({ value: String(index + 1).padStart(2, '0'), label }));

export const EMAIL_OPTIONS = [
	{ value: 'has', label: 'Has email' },
	{ value: 'none', label: 'No email' }
] as const;

export const PAGE_SIZE = 25;
export const DELETED_PAGE_SIZE = 50;

const tabValues = LIST_TABS.map((t) => t.value) as [ListTab, ...ListTab[]];
const sortValues = SORT_OPTIONS.map((s) => s.value) as [SortOption, ...SortOption[]];

/** Empty strings (an untouched GET form field) mean "not set". */
const optional = <T extends z.ZodType>(schema: T) =>
	z.preprocess((v) => (v === '' ? undefined : v), schema.optional()).catch(undefined);

export const listParams = z.object({
	tab: z.enum(tabValues).catch('active'),
	q: optional(z.string().trim().max(200)),
	born: optional(z.string().regex(/^(0[1-9]|1[0-2])$/)),
	email: optional(z.enum(['has', 'none'])),
	sort: z.enum(sortValues).catch('lastName'),
	cursor: optional(z.string().max(500)),
	dir: z.enum(['next', 'prev']).catch('next'),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});
export type ListParams = z.output<typeof listParams>;

export function parseListParams(source: URLSearchParams | Record<string, string>): ListParams {
	return listParams.parse(source instanceof URLSearchParams ? Object.fromEntries(source) : source);
}

/** Whether a search or filter narrows the list (as opposed to the clinic having no patients). */
export function isFiltered(params: Pick<ListParams, 'q' | 'born' | 'email'>): boolean {
	return Boolean(params.q || params.born || params.email);
}

export function toFindInput(params: ListParams): FindPatientsInput {
	const filters: PatientFilter[] = [];
	if (params.born) filters.push({ field: 'dateOfBirth', op: '=', value: `****-${params.born}-**` });
	if (params.email) filters.push({ field: 'email', op: params.email === 'has' ? '?' : '!?' });
	const sort = SORT_OPTIONS.find((s) => s.value === params.sort)?.sort ?? SORT_OPTIONS[0].sort;
	return {
		search: params.q || undefined,
		filters,
		sort: { ...sort },
		cursor: params.cursor,
		direction: params.dir === 'prev' ? 'backward' : 'forward',
		limit: PAGE_SIZE
	};
}

/**
 * The list URL for `params`, leaving out defaults so links stay short and shareable.
 * `changes` replaces fields; a change of search, filter, sort or tab starts again at the first page.
 */
export function listHref(params: ListParams, changes: Partial<ListParams> = {}): string {
	const next = { ...params, ...changes };
	const keepsPosition = Object.keys(changes).every((k) => k === 'cursor' || k === 'dir' || k === 'page');
	const search = new URLSearchParams();
	if (next.tab !== 'active') search.set('tab', next.tab);
	if (next.tab !== 'deleted') {
		if (next.q) search.set('q', next.q);
		if (next.born) search.set('born', next.born);
		if (next.email) search.set('email', next.email);
		if (next.sort !== 'lastName') search.set('sort', next.sort);
	}
	if (keepsPosition) {
		if (next.tab === 'deleted') {
			if (next.page > 1) search.set('page', String(next.page));
		} else if (next.cursor) {
			search.set('cursor', next.cursor);
			if (next.dir === 'prev') search.set('dir', 'prev');
		}
	}
	const query = search.toString();
	return query ? `/patients?${query}` : '/patients';
}

/** "1 patient", "1,234 patients". */
export function countLabel(count: number, one: string, many: string): string {
	return `${count.toLocaleString('en-AU')} ${count === 1 ? one : many}`;
}
