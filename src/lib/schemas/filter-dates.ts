// Date values in list filters (Cliniko's `q[]=created_at:>2024-05-01`, tRPC `filters`): checked
// before any query, so a day that does not exist (2024-02-30, year 0000) is a field error naming
// the value, never a database error. JavaScript's Date rolls 2024-02-30 over to 1 March, and
// PostgreSQL refuses it (or year 0) outright: neither may decide.

export type FilterDateKind = 'date' | 'datetime';

/** The operators that compare a field with a value (the others test text, or take none). */
const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

const DATE_PARTS = /^(\d{4}|\*{4})-(\d{2}|\*{2})-(\d{2}|\*{2})$/;
const DATETIME_START = /^(\d{4})-(\d{2})-(\d{2})(?=$|[T ])/;

function isLeapYear(year: number): boolean {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number | null, month: number): number {
	if (month === 2) return year === null || isLeapYear(year) ? 29 : 28;
	return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Year 0001 to 9999, month 1 to 12, a day that month has; a null part is a wildcard. */
function partsExist(year: number | null, month: number | null, day: number | null): boolean {
	if (year !== null && (year < 1 || year > 9999)) return false;
	if (month !== null && (month < 1 || month > 12)) return false;
	if (day !== null && (day < 1 || day > (month === null ? 31 : daysInMonth(year, month)))) return false;
	return true;
}

/** True for a YYYY-MM-DD that is a day of the calendar (years 0001 to 9999). */
export function isExistingDate(value: string): boolean {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
	return !!match && partsExist(Number(match[1]), Number(match[2]), Number(match[3]));
}

/**
 * What is wrong with `value` as a filter on a date (YYYY-MM-DD, or with * wildcards for = and !=)
 * or date-and-time (ISO 8601) field, or null when it is fine. Only comparisons are checked: an
 * operator that does not fit the field is the query's to refuse, with its own message.
 */
export function filterDateProblem(
	kind: FilterDateKind,
	op: string,
	value: string | undefined
): string | null {
	if (!COMPARISONS.has(op) || value === undefined || value === '') return null;
	if (kind === 'date') {
		const match = DATE_PARTS.exec(value);
		const hasWildcard = value.includes('*');
		if (!match || (hasWildcard && op !== '=' && op !== '!='))
			return `"${value}" is not a date (YYYY-MM-DD, or with * wildcards like ****-05-**)`;
		const [year, month, day] = [match[1]!, match[2]!, match[3]!].map((part) =>
			part.includes('*') ? null : Number(part)
		) as [number | null, number | null, number | null];
		return partsExist(year, month, day) ? null : `"${value}" is not a real date: there is no such day`;
	}
	const match = DATETIME_START.exec(value);
	const instant = new Date(value);
	if (!match || Number.isNaN(instant.getTime()))
		return `"${value}" is not a date and time (ISO 8601, e.g. 2024-05-01T09:00:00Z)`;
	if (!partsExist(Number(match[1]), Number(match[2]), Number(match[3])))
		return `"${value}" is not a real date and time: there is no such day`;
	const year = instant.getUTCFullYear();
	if (year < 1 || year > 9999) return `"${value}" is outside the years 0001 to 9999`;
	return null;
}
