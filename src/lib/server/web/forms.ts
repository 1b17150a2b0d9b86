// Form actions call the same tRPC procedures as the browser does (through serverCaller) and turn
// their errors into SvelteKit `fail(...)` data that forms show next to each field.
import { error as httpError, fail, isActionFailure, type ActionFailure } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { isStorableText, UNSTORABLE_TEXT } from '../db/storable-text.ts';
import { AppError, HTTP_STATUS, toAppError, type FieldErrors } from '../errors.ts';

export interface FormFailure {
	message: string;
	fieldErrors: FieldErrors;
	values?: Record<string, unknown>;
	/** Seconds, for a 429. */
	retryAfter?: number;
	details?: Record<string, unknown>;
}

/** Runs `fn`; a rule violation becomes `fail(status, { message, fieldErrors, values })`. */
export async function formAction<T>(
	fn: () => Promise<T>,
	values?: Record<string, unknown>
): Promise<T | ActionFailure<FormFailure>> {
	try {
		return await fn();
	} catch (error) {
		const app = error instanceof TRPCError ? toAppError(error.cause) : toAppError(error);
		if (app) {
			return fail(statusOf(app, error), {
				message: app.message,
				fieldErrors: app.fieldErrors ?? {},
				values,
				retryAfter: app.retryAfter,
				details: app.details
			});
		}
		if (error instanceof TRPCError && error.code !== 'INTERNAL_SERVER_ERROR') {
			return fail(getHTTPStatusCodeFromError(error), { message: error.message, fieldErrors: {}, values });
		}
		throw error;
	}
}

function statusOf(app: AppError, error: unknown): number {
	if (error instanceof TRPCError) return getHTTPStatusCodeFromError(error);
	return HTTP_STATUS[app.code];
}

/** A submitted form: plain strings, or arrays for repeated names and names ending in `[]`. */
export { field, fieldList, isChecked, type FormValues } from '../../forms/values.ts';
import type { FormValues } from '../../forms/values.ts';

/**
 * Form fields as plain strings (checkboxes: 'on' | undefined; repeated names: arrays). Text the
 * database cannot store (U+0000, half an emoji) is a 400 here, before any query would fail on it.
 */
export async function formValues(request: Request): Promise<FormValues> {
	return formValuesOf(await request.formData());
}

/** `formValues` for a form already read, when the action also needs its files. */
export function formValuesOf(data: FormData): FormValues {
	// No prototype: a field named `__proto__` or `toString` is a field like any other.
	const out: FormValues = Object.create(null);
	for (const key of new Set(data.keys())) {
		const all = data.getAll(key).filter((v): v is string => typeof v === 'string');
		if (!isStorableText(key) || !all.every(isStorableText)) httpError(400, UNSTORABLE_TEXT);
		out[key] = all.length > 1 || key.endsWith('[]') ? all : (all[0] ?? '');
	}
	return out;
}

/** Narrows a formAction result to its failure (Kit's isActionFailure does not keep the data type). */
export function isFailure<T>(result: T | ActionFailure<FormFailure>): result is ActionFailure<FormFailure> {
	return isActionFailure(result);
}
