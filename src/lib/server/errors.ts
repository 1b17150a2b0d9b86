// One error type for rule violations in services, with codes that map to tRPC and HTTP in one place.
import {
	NotFoundError,
	OptimisticLockError,
	UniqueConstraintViolationException
} from '@mikro-orm/postgresql';
import { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';

export type AppErrorCode =
	| 'BAD_REQUEST'
	| 'UNAUTHORIZED'
	| 'FORBIDDEN'
	| 'NOT_FOUND'
	| 'CONFLICT'
	| 'TOO_MANY_REQUESTS'
	| 'PAYLOAD_TOO_LARGE';

import type { FieldErrors } from '../schemas/field-errors.ts';

export type { FieldErrors };

export class AppError extends Error {
	readonly code: AppErrorCode;
	readonly fieldErrors?: FieldErrors;
	/** Seconds until a rate-limited caller may try again. */
	readonly retryAfter?: number;
	/** Structured data the caller can act on (e.g. the likely duplicates of a new patient). */
	readonly details?: Record<string, unknown>;

	constructor(
		code: AppErrorCode,
		message: string,
		options: {
			fieldErrors?: FieldErrors;
			retryAfter?: number;
			cause?: unknown;
			details?: Record<string, unknown>;
		} = {}
	) {
		super(message, { cause: options.cause });
		this.name = 'AppError';
		this.code = code;
		this.fieldErrors = options.fieldErrors;
		this.retryAfter = options.retryAfter;
		this.details = options.details;
	}
}

export const HTTP_STATUS: Record<AppErrorCode, number> = {
	BAD_REQUEST: 400,
	UNAUTHORIZED: 401,
	FORBIDDEN: 403,
	NOT_FOUND: 404,
	CONFLICT: 409,
	TOO_MANY_REQUESTS: 429,
	PAYLOAD_TOO_LARGE: 413
};

/** A field-level error: `fieldError('email', 'Enter a valid email')`. */
export function fieldError(field: string, message: string, code: AppErrorCode = 'BAD_REQUEST'): AppError {
	return new AppError(code, message, { fieldErrors: { [field]: [message] } });
}

export function notFound(what: string): AppError {
	return new AppError('NOT_FOUND', `${what} not found`);
}

/** Zod issues keyed by dotted path ("phoneNumbers.0.number"); form-level issues under "". */
export function zodFieldErrors(error: ZodError): FieldErrors {
	const out: FieldErrors = {};
	for (const issue of error.issues) {
		const key = issue.path.map(String).join('.');
		(out[key] ??= []).push(issue.message);
	}
	return out;
}

const PG_EXCLUSION_VIOLATION = '23P01';

/** Maps anything a service may throw to what the caller should see; null for real bugs. */
export function toAppError(error: unknown): AppError | null {
	if (error instanceof AppError) return error;
	if (error instanceof ZodError) {
		return new AppError('BAD_REQUEST', 'Some fields need attention', {
			fieldErrors: zodFieldErrors(error),
			cause: error
		});
	}
	if (error instanceof OptimisticLockError) {
		return new AppError(
			'CONFLICT',
			'Someone else changed this record since you opened it. Reload to see their changes.',
			{ cause: error }
		);
	}
	if (error instanceof NotFoundError) return new AppError('NOT_FOUND', 'Not found', { cause: error });
	if (error instanceof UniqueConstraintViolationException) {
		return new AppError('CONFLICT', 'That already exists', { cause: error });
	}
	// The clinical_note trigger: a final note is never changed (issue 22).
	if ((error as { code?: string } | null)?.code === 'CB001') {
		return new AppError('CONFLICT', 'This note is final: it cannot be changed, only amended.', { cause: error });
	}
	if ((error as { code?: string } | null)?.code === PG_EXCLUSION_VIOLATION) {
		return new AppError('CONFLICT', 'That time is taken', { cause: error });
	}
	return null;
}

export function toTRPCError(error: unknown): TRPCError {
	if (error instanceof TRPCError) return error;
	const app = toAppError(error);
	if (app) {
		const code = app.code === 'PAYLOAD_TOO_LARGE' ? 'PAYLOAD_TOO_LARGE' : app.code;
		return new TRPCError({ code, message: app.message, cause: app });
	}
	return new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong', cause: error });
}
