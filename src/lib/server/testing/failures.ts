// Reads the failure of a tRPC call the way a form would: its code, message and field errors.
import { TRPCError } from '@trpc/server';
import type { FieldErrors } from '../errors.ts';

export interface CallFailure {
	code: string;
	message: string;
	fieldErrors: FieldErrors;
	details: Record<string, unknown> | undefined;
}

export async function failureOf(promise: Promise<unknown>): Promise<CallFailure> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof TRPCError) {
			const cause = error.cause as
				{ fieldErrors?: FieldErrors; details?: Record<string, unknown> } | undefined;
			return {
				code: error.code,
				message: error.message,
				fieldErrors: cause?.fieldErrors ?? {},
				details: cause?.details
			};
		}
		throw error;
	}
	throw new Error('expected the call to fail');
}
