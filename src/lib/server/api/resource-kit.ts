// Shared pieces of the smaller Cliniko resources (issue 21): request bodies read into 422s, list
// envelopes, and Cliniko's filters, sorts and pages applied in memory to lists that are small by
// nature (a patient's alerts, a case's attachments, the clinic's practitioners and types). Large
// lists (appointments) filter in SQL instead.
import type { z } from 'zod';
import type { FilterOperator } from '../../schemas/patient.ts';
import { ApiError, validationFailed } from './http.ts';
import type { ListParams } from './list-params.ts';
import { apiIssueMessage } from './zod-messages.ts';

/** A body checked by `schema`, or a 422 naming every bad field (API names, dotted paths). */
export function parseApiBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
	const parsed = schema.safeParse(body ?? {}, { error: apiIssueMessage });
	if (parsed.success) return parsed.data;
	const errors: Record<string, string> = {};
	for (const issue of parsed.error.issues) {
		const key = issue.path.map(String).join('.') || 'base';
		errors[key] = errors[key] ? `${errors[key]}; ${issue.message}` : issue.message;
	}
	throw validationFailed(errors);
}

export type FieldValue = number | string | Date | null;

function compare(a: FieldValue, b: FieldValue): number {
	if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
	if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
	if (typeof a === 'number' && typeof b === 'number') return a - b;
	return String(a).localeCompare(String(b), 'en', { sensitivity: 'base' });
}

/** The filter's value as the field's kind, or a 400 naming the filter. */
function valueFor(sample: FieldValue | undefined, raw: string, name: string): FieldValue {
	if (sample instanceof Date) {
		const date = new Date(raw);
		if (Number.isNaN(date.getTime())) throw badFilter(name, `"${raw}" is not a date`);
		return date;
	}
	if (typeof sample === 'number') {
		if (!/^-?\d{1,18}$/.test(raw)) throw badFilter(name, `"${raw}" is not a whole number`);
		return Number(raw);
	}
	return raw;
}

function badFilter(name: string, message: string): ApiError {
	return new ApiError(400, `Filter on ${name}: ${message}`, { errors: { 'q[]': message } });
}

function matches(value: FieldValue, op: FilterOperator, raw: string | undefined, name: string): boolean {
	if (op === '?') return value !== null && value !== '';
	if (op === '!?') return value === null || value === '';
	if (raw === undefined || raw === '') throw badFilter(name, `give a value to compare ${name} with`);
	if (op === '~' || op === '~~') {
		if (typeof value !== 'string' && value !== null)
			throw badFilter(name, `the operator ${op} applies to text only`);
		const text = (value ?? '').toLowerCase();
		if (op === '~') return text.includes(raw.toLowerCase());
		const pattern = raw
			.toLowerCase()
			.split('%')
			.map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
			.join('.*');
		return new RegExp(`^${pattern}$`, 's').test(text);
	}
	const wanted = valueFor(value ?? undefined, raw, name);
	if (value === null) return op === '!=';
	const order = compare(value, wanted);
	switch (op) {
		case '=':
			return order === 0;
		case '!=':
			return order !== 0;
		case '<':
			return order < 0;
		case '<=':
			return order <= 0;
		case '>':
			return order > 0;
		default:
			return order >= 0;
	}
}

/**
 * Cliniko's filters, sort (default: id) and page over a whole list held in memory. Each entry gives
 * the values of the fields the list spec names.
 */
export function inMemoryPage<T, F extends string>(
	entries: { item: T; fields: Record<F, FieldValue> }[],
	params: ListParams<F, F>
): { items: T[]; total: number } {
	let kept = entries;
	params.filters.forEach((filter, index) => {
		const name = params.rawFilters[index]?.split(':')[0] ?? filter.field;
		kept = kept.filter((e) => matches(e.fields[filter.field], filter.op, filter.value, name));
	});
	const sort = params.sort.length ? params.sort : [{ field: 'id' as F, direction: 'asc' as const }];
	kept = [...kept].sort((a, b) => {
		for (const { field, direction } of sort) {
			const order = compare(a.fields[field] ?? null, b.fields[field] ?? null);
			if (order) return direction === 'desc' ? -order : order;
		}
		return 0;
	});
	const start = (params.page - 1) * params.perPage;
	return { items: kept.slice(start, start + params.perPage).map((e) => e.item), total: kept.length };
}
