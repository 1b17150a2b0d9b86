import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { isTokenUsable, resetPassword, signIn } from '$lib/server/auth/auth.service';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { formAction, formValues, isFailure } from '$lib/server/forms';
import { actorFromEvent } from '$lib/server/trpc/http';
import { newPassword } from '$lib/schemas/staff';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	const token = url.searchParams.get('token') ?? '';
	return { token, isValid: await isTokenUsable(locals.em, token, 'password_reset') };
};

const schema = z
	.object({ token: z.string().min(1).max(100), password: newPassword, confirm: z.string() })
	.refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords do not match' });

export const actions = {
	default: async (event) => {
		const values = await formValues(event.request);
		const actor = actorFromEvent(event);
		const result = await formAction(async () => {
			const input = schema.parse(values);
			const user = await resetPassword(event.locals.em, actor, input);
			// Signing straight in saves typing the new password again (two-factor users sign in normally).
			return user.totpEnabledAt
				? null
				: signIn(event.locals.em, actor, { email: user.email, password: input.password });
		});
		if (isFailure(result)) return result;
		if (result?.status === 'signed_in') {
			setSessionCookie(event.cookies, result.token);
			redirect(303, result.user.kind === 'referrer' ? '/referrer' : '/');
		}
		redirect(303, '/sign-in');
	}
} satisfies Actions;
