// The browser's tRPC client. It imports only the router's type, never server code.
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '$lib/server/trpc/router';

export const trpc = createTRPCClient<AppRouter>({
	links: [httpBatchLink({ url: '/api/trpc', transformer: superjson })]
});

export type FieldErrors = Record<string, string[]>;

/** The field-level errors of a failed call, keyed by dotted path, for forms to show. */
export function fieldErrorsOf(error: unknown): FieldErrors {
	if (error instanceof TRPCClientError) {
		const data = error.data as { fieldErrors?: FieldErrors } | undefined;
		return data?.fieldErrors ?? {};
	}
	return {};
}

export function messageOf(error: unknown): string {
	if (error instanceof TRPCClientError) return error.message;
	if (error instanceof Error) return 'Could not reach Casebook. Check your connection and try again.';
	return 'Something went wrong.';
}
