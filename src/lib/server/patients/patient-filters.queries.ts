// Turns Cliniko-style filters (`field`, operator symbol, value) into SQL conditions with bound
// parameters. Unknown fields and operators never get this far (zod); a value or operator that does
// not fit its field is a field-level error, not a 500.
import type { FilterField, FilterOperator, PatientFilter } from '../../schemas/patient.ts';
import { escapeLike } from '../db/like.ts';
import { AppError } from '../errors.ts';

export { escapeLike };

export type FilterKind = 'string' | 'integer' | 'date' | 'datetime';
type Kind = FilterKind;

const FIELDS: Record<FilterField, { column: string; kind: Kind }> = {
	createdAt: { column: 'created_at', kind: 'datetime' },
	updatedAt: { column: 'updated_at', kind: 'datetime' },
	dateOfBirth: { column: 'date_of_birth', kind: 'date' },
	email: { column: 'email', kind: 'string' },
	firstName: { column: 'first_name', kind: 'string' },
	lastName: { column: 'last_name', kind: 'string' },
	preferredFirstName: { column: 'preferred_first_name', kind: 'string' },
	id: { column: 'id', kind: 'integer' },
	oldReferenceId: { column: 'old_reference_id', kind: 'string' }
};

const OPERATORS_BY_KIND: Record<Kind, readonly FilterOperator[]> = {
	string: ['=', '!=', '<', '<=', '>', '>=', '~', '~~', '?', '!?'],
	integer: ['=', '!=', '<', '<=', '>', '>=', '?', '!?'],
	date: ['=', '!=', '<', '<=', '>', '>=', '?', '!?'],
	datetime: ['=', '!=', '<', '<=', '>', '>=', '?', '!?']
};

const COMPARISON: Partial<Record<FilterOperator, string>> = {
	'=': '=',
	'!=': '<>',
	'<': '<',
	'<=': '<=',
	'>': '>',
	'>=': '>='
};

export interface SqlFragment {
	sql: string;
	params: unknown[];
}

function invalid(index: number, message: string): AppError {
	return new AppError('BAD_REQUEST', message, { fieldErrors: { [`filters.${index}`]: [message] } });
}

/** `****-05-**`: a date where any part may be stars (born in May, whatever year and day). */
const DATE_PATTERN = /^(\d{4}|\*{4})-(\d{2}|\*{2})-(\d{2}|\*{2})$/;

function dateWildcard(column: string, value: string, negate: boolean): SqlFragment | null {
	const match = DATE_PATTERN.exec(value);
	if (!match || !value.includes('*')) return null;
	const parts: [string, string][] = [
		['year', match[1]!],
		['month', match[2]!],
		['day', match[3]!]
	];
	const conditions: string[] = [];
	const params: unknown[] = [];
	for (const [unit, part] of parts) {
		if (part.includes('*')) continue;
		conditions.push(`extract(${unit} from "${column}") = ?`);
		params.push(Number(part));
	}
	if (conditions.length === 0)
		return { sql: negate ? `"${column}" is null` : `"${column}" is not null`, params };
	const all = conditions.join(' and ');
	return { sql: negate ? `("${column}" is null or not (${all}))` : `(${all})`, params };
}

function parseValue(kind: Kind, value: string, index: number): unknown {
	switch (kind) {
		case 'integer':
			if (!/^\d{1,18}$/.test(value)) throw invalid(index, `"${value}" is not a whole number`);
			return value;
		case 'date':
			if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
				throw invalid(index, `"${value}" is not a date (YYYY-MM-DD, or with * wildcards like ****-05-**)`);
			}
			return value;
		case 'datetime': {
			const date = new Date(value);
			if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
				throw invalid(index, `"${value}" is not a date and time (ISO 8601, e.g. 2024-05-01T09:00:00Z)`);
			}
			return date;
		}
		default:
			return value;
	}
}

export function filterToSql(filter: PatientFilter, index: number): SqlFragment {
	return columnFilterToSql(FIELDS[filter.field], filter.field, filter, index);
}

/**
 * The same operators on any column: `column` is a plain column name (quoted here), `name` is how
 * error messages call the field. Other lists (cases in the REST API) filter with this too.
 */
export function columnFilterToSql(
	field: { column: string; kind: FilterKind },
	name: string,
	filter: { op: FilterOperator; value?: string },
	index: number
): SqlFragment {
	const { column, kind } = field;
	if (!OPERATORS_BY_KIND[kind].includes(filter.op)) {
		throw invalid(index, `The operator ${filter.op} does not apply to ${name}`);
	}
	if (filter.op === '?' || filter.op === '!?') {
		const isSet =
			kind === 'string' ? `("${column}" is not null and "${column}" <> '')` : `"${column}" is not null`;
		return { sql: filter.op === '?' ? isSet : `not ${isSet}`, params: [] };
	}
	const value = filter.value ?? '';
	if (value === '') throw invalid(index, `Give a value to compare ${name} with`);
	if (filter.op === '~') {
		return { sql: `"${column}" ilike ?`, params: [`%${escapeLike(value)}%`] };
	}
	if (filter.op === '~~') {
		// The caller's % are wildcards; everything else is literal.
		return { sql: `"${column}" ilike ?`, params: [value.replace(/[\\_]/g, (c) => `\\${c}`)] };
	}
	if (kind === 'date' && (filter.op === '=' || filter.op === '!=')) {
		const wildcard = dateWildcard(column, value, filter.op === '!=');
		if (wildcard) return wildcard;
	}
	const operator = COMPARISON[filter.op]!;
	const parsed = parseValue(kind, value, index);
	if (kind === 'string' && (filter.op === '=' || filter.op === '!=')) {
		// Text equality ignores case, as people expect from a search box.
		return { sql: `lower("${column}") ${operator} lower(?)`, params: [parsed] };
	}
	return { sql: `"${column}" ${operator} ?`, params: [parsed] };
}
