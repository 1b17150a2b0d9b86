// The REST API's HTTP vocabulary: JSON responses, one error type, and the mapping from service
// errors (AppError, zod, ORM conflicts) to Cliniko's statuses and bodies. Every 4xx and 5xx is JSON:
// `{ "message": "…" }`, and for a failed create or update `{ "message": "Validation Failed",
// "errors": { "<field>": "<message>" } }` with the API's (snake_case) field names.
import { ZodError } from 'zod';
import { HTTP_STATUS, toAppError, zodFieldErrors, type FieldErrors } from '../errors.ts';

export const JSON_TYPE = 'application/json; charset=utf-8';

/** What an API error body looks like. */
export interface ErrorBody {
	message: string;
	errors?: Record<string, string>;
}

/** An error with its HTTP status, body and headers, thrown anywhere in the REST layer. */
export class ApiError extends Error {
	readonly status: number;
	readonly errors?: Record<string, string>;
	readonly headers: Record<string, string>;

	constructor(
		status: number,
		message: string,
		options: { errors?: Record<string, string>; headers?: Record<string, string> } = {}
	) {
		super(message);
		this.name = 'ApiError';
		this.status = status;
		this.errors = options.errors;
		this.headers = options.headers ?? {};
	}

	body(): ErrorBody {
		return this.errors ? { message: this.message, errors: this.errors } : { message: this.message };
	}
}

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
	return new Response(JSON.stringify(body), {
		status,
		headers: { 'Content-Type': JSON_TYPE, 'Cache-Control': 'no-store', ...headers }
	});
}

export function emptyResponse(status = 204, headers: Record<string, string> = {}): Response {
	return new Response(null, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

export function validationFailed(errors: Record<string, string>): ApiError {
	return new ApiError(422, 'Validation Failed', { errors });
}

/**
 * Renames field-error keys to the API's names: `rename` maps the first segment of a dotted path
 * (a service field such as `firstName`) to its API name; the rest of the path is kept, with any
 * camelCase segment turned into snake_case (`phoneNumbers.0.phoneType` → `patient_phone_numbers.0.phone_type`).
 * Several messages for one field are joined into one sentence list.
 */
export function apiFieldErrors(
	fieldErrors: FieldErrors,
	rename: (field: string) => string
): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [path, messages] of Object.entries(fieldErrors)) {
		const [head = '', ...rest] = path.split('.');
		const key = [rename(head), ...rest.map(snakeCase)].filter((part) => part !== '').join('.') || 'base';
		const text = messages.join('; ');
		out[key] = out[key] ? `${out[key]}; ${text}` : text;
	}
	return out;
}

/** `phoneType` → `phone_type`, `address1` → `address_1`. */
export function snakeCase(name: string): string {
	return name.replace(/([a-z])([A-Z0-9])/g, '$1_$2').toLowerCase();
}

/**
 * Turns anything a service throws into an ApiError; null for a real bug (a 500). In a write
 * (`isWrite`), every error that names fields is a 422 with those fields.
 */
export function toApiError(
	error: unknown,
	options: { isWrite: boolean; rename: (field: string) => string }
): ApiError | null {
	if (error instanceof ApiError) return error;
	if (error instanceof ZodError && options.isWrite) {
		return validationFailed(apiFieldErrors(zodFieldErrors(error), options.rename));
	}
	const app = toAppError(error);
	if (!app) return null;
	if (options.isWrite && app.fieldErrors && Object.keys(app.fieldErrors).length) {
		return validationFailed(apiFieldErrors(app.fieldErrors, options.rename));
	}
	const headers: Record<string, string> = app.retryAfter ? { 'Retry-After': String(app.retryAfter) } : {};
	return new ApiError(HTTP_STATUS[app.code], app.message, { headers });
}
