// Cliniko's list parameters: `page` (from 1), `per_page` (default 50, at most 100),
// `sort=field,field:desc` and filters `q[]=field:OPvalue` (several are ANDed), and the `links` of a
// page (`self`, and `next` / `previous` only where they exist) as absolute URLs.
import { filterDateProblem, type FilterDateKind } from '../../schemas/filter-dates.ts';
import { FILTER_OPERATORS, type FilterOperator } from '../../schemas/patient.ts';
import { AppError } from '../errors.ts';
import { ApiError } from './http.ts';

export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;
const MAX_FILTERS = 20;
const MAX_FILTER_VALUE = 255;

/** Longest first, so `<=` is not read as `<` followed by the value "=…". */
const OPERATORS_BY_LENGTH = [...FILTER_OPERATORS].sort((a, b) => b.length - a.length);

export interface ListSpec<F extends string, S extends string> {
	/** API filter name → the service's field. */
	filters: Record<string, F>;
	/** API sort name → the service's sort field. */
	sorts: Record<string, S>;
	/**
	 * The service's fields that hold dates: their filter values must be days that exist, checked here
	 * (a 400 naming the value) before any query sees them.
	 */
	dates?: Partial<Record<F, FilterDateKind>>;
}

export interface ListParams<F extends string, S extends string> {
	page: number;
	perPage: number;
	filters: { field: F; op: FilterOperator; value?: string }[];
	/** The raw `q[]` strings, by index, to name the culprit when the service refuses one. */
	rawFilters: string[];
	sort: { field: S; direction: 'asc' | 'desc' }[];
}

function badRequest(param: string, message: string): ApiError {
	return new ApiError(400, message, { errors: { [param]: message } });
}

function positiveInteger(url: URL, name: string, fallback: number, max: number): number {
	const raw = url.searchParams.get(name);
	if (raw === null || raw === '') return fallback;
	if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
		throw badRequest(
			name,
			`${name} must be a whole number from 1 to ${max.toLocaleString('en')} (got "${raw}")`
		);
	}
	return Number(raw);
}

/** `field:OPvalue` → its parts, or a 400 that names what is wrong. */
export function parseFilter<F extends string>(
	raw: string,
	fields: Record<string, F>
): { field: F; op: FilterOperator; value?: string } {
	const names = Object.keys(fields).join(', ');
	const colon = raw.indexOf(':');
	if (colon < 1) {
		throw badRequest('q[]', `Filter "${raw}" is not of the form field:OPERATORvalue, e.g. last_name:~son`);
	}
	const name = raw.slice(0, colon);
	const field = Object.hasOwn(fields, name) ? fields[name] : undefined;
	if (!field)
		throw badRequest('q[]', `Unknown filter field "${name}" in "${raw}". Filterable fields: ${names}`);
	const rest = raw.slice(colon + 1);
	const op = OPERATORS_BY_LENGTH.find((candidate) => rest.startsWith(candidate));
	if (!op) {
		throw badRequest(
			'q[]',
			`Unknown filter operator in "${raw}": after "${name}:" use one of ${FILTER_OPERATORS.join(' ')}`
		);
	}
	const value = rest.slice(op.length);
	if ((op === '?' || op === '!?') && value !== '') {
		throw badRequest('q[]', `The operator ${op} in "${raw}" takes no value (write ${name}:${op})`);
	}
	if (value.length > MAX_FILTER_VALUE) {
		throw badRequest('q[]', `The value in filter "${name}" can be at most ${MAX_FILTER_VALUE} characters`);
	}
	return op === '?' || op === '!?' ? { field, op } : { field, op, value };
}

export function parseListParams<F extends string, S extends string>(
	url: URL,
	spec: ListSpec<F, S>
): ListParams<F, S> {
	const page = positiveInteger(url, 'page', 1, 100_000);
	const perPage = positiveInteger(url, 'per_page', DEFAULT_PER_PAGE, MAX_PER_PAGE);
	// Cliniko's documentation shows both `q[]=` and a single `q=`.
	const rawFilters = [...url.searchParams.getAll('q[]'), ...url.searchParams.getAll('q')].filter(
		(q) => q !== ''
	);
	if (rawFilters.length > MAX_FILTERS) throw badRequest('q[]', `Use at most ${MAX_FILTERS} filters`);
	const filters = rawFilters.map((raw) => {
		const filter = parseFilter(raw, spec.filters);
		const kind = spec.dates?.[filter.field];
		const problem = kind && filterDateProblem(kind, filter.op, filter.value);
		if (problem) throw new ApiError(400, `Filter "${raw}": ${problem}`, { errors: { 'q[]': problem } });
		return filter;
	});

	const order = url.searchParams.get('order');
	if (order !== null && order !== 'asc' && order !== 'desc') {
		throw badRequest('order', `order must be asc or desc (got "${order}")`);
	}
	const sort: ListParams<F, S>['sort'] = [];
	for (const part of (url.searchParams.get('sort') ?? '').split(',')) {
		const item = part.trim();
		if (!item) continue;
		const [name = '', direction = order ?? 'asc', ...extra] = item.split(':');
		const field = Object.hasOwn(spec.sorts, name) ? spec.sorts[name] : undefined;
		if (!field) {
			throw badRequest(
				'sort',
				`Unknown sort field "${name}". Sort by: ${Object.keys(spec.sorts).join(', ')} (add :desc to reverse)`
			);
		}
		if ((direction !== 'asc' && direction !== 'desc') || extra.length) {
			throw badRequest('sort', `Sort "${item}": the direction must be asc or desc, e.g. ${name}:desc`);
		}
		sort.push({ field, direction });
	}
	return { page, perPage, filters, rawFilters, sort };
}

/** `:`, `,` and `=` are fine in a query value and keep filters and sorts legible (q[]=first_name:=Ann). */
function readable(encoded: string): string {
	return encoded.replace(/%3A/gi, ':').replace(/%2C/gi, ',').replace(/%3D/gi, '=');
}

/** A page's `links`: `self` always, `next` and `previous` only when there is such a page. */
export function pageLinks(
	url: URL,
	origin: string,
	params: { page: number; perPage: number; total: number }
): { self: string; next?: string; previous?: string } {
	const at = (page: number) => {
		const query = [`page=${page}`];
		for (const [name, value] of url.searchParams) {
			if (name === 'page') continue;
			// Brackets stay readable (q[]=…); everything else is encoded.
			query.push(
				`${encodeURIComponent(name).replace(/%5B%5D$/, '[]')}=${readable(encodeURIComponent(value))}`
			);
		}
		return `${origin}${url.pathname}?${query.join('&')}`;
	};
	const links: { self: string; next?: string; previous?: string } = { self: at(params.page) };
	if (params.page * params.perPage < params.total) links.next = at(params.page + 1);
	if (params.page > 1)
		links.previous = at(Math.min(params.page - 1, Math.max(1, Math.ceil(params.total / params.perPage))));
	return links;
}

/**
 * A filter the service refuses (an operator that does not fit the field, a value that is not a
 * date…) is a 400 naming the filter as the client wrote it.
 */
export async function withFilterErrors<T>(
	params: ListParams<string, string>,
	names: Record<string, string>,
	run: () => Promise<T>
): Promise<T> {
	try {
		return await run();
	} catch (error) {
		const fieldErrors = error instanceof AppError ? error.fieldErrors : undefined;
		const entry = fieldErrors && Object.entries(fieldErrors).find(([key]) => /^filters\.\d+$/.test(key));
		if (!entry) throw error;
		const raw = params.rawFilters[Number(entry[0].split('.')[1])] ?? '';
		// The service names fields its own way (dateOfBirth): say them as the client wrote them.
		let message = entry[1].join('; ');
		for (const [api, field] of Object.entries(names)) message = message.replaceAll(field, api);
		throw new ApiError(400, `Filter "${raw}": ${message}`, { errors: { 'q[]': message } });
	}
}
