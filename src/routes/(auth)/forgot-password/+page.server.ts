import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions } from './$types';

export const actions = {
	default: async (event) => {
		const values = await formValues(event.request);
		const email = field(values, 'email');
		const result = await formAction(
			async () => {
				await serverCaller(event).account.requestPasswordReset({ email });
				return { sent: true as const, email: email.trim().toLowerCase() };
			},
			{ email: values.email }
		);
		if (isFailure(result) && result.data.retryAfter) {
			event.setHeaders({ 'Retry-After': String(result.data.retryAfter) });
		}
		return result;
	}
} satisfies Actions;
