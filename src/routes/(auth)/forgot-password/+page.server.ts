import { z } from 'zod';
import { requestPasswordReset } from '$lib/server/auth/auth.service';
import { formAction, formValues, isFailure } from '$lib/server/forms';
import { actorFromEvent } from '$lib/server/trpc/http';
import { email } from '$lib/schemas/staff';
import type { Actions } from './$types';

export const actions = {
	default: async (event) => {
		const values = await formValues(event.request);
		const result = await formAction(
			async () => {
				const input = z.object({ email }).parse(values);
				await requestPasswordReset(event.locals.em, actorFromEvent(event), input);
				return { sent: true as const, email: input.email };
			},
			{ email: values.email }
		);
		if (isFailure(result) && result.data.retryAfter) {
			event.setHeaders({ 'Retry-After': String(result.data.retryAfter) });
		}
		return result;
	}
} satisfies Actions;
