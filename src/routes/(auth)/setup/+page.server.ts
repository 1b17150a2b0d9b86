// The first admin: reached from the one-time link Casebook prints at start-up on an empty database.
import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { createFirstAdmin, hasActiveAdmin, isTokenUsable, signIn } from '$lib/server/auth/auth.service';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { formAction, formValues, isFailure } from '$lib/server/forms';
import { actorFromEvent } from '$lib/server/trpc/http';
import { email, newPassword, personName } from '$lib/schemas/staff';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ url, locals }) => {
	if (await hasActiveAdmin(locals.em)) redirect(303, '/sign-in');
	const token = url.searchParams.get('token') ?? '';
	return { token, isValid: await isTokenUsable(locals.em, token, 'first_admin') };
};

const schema = z
	.object({
		token: z.string().min(1).max(100),
		name: personName,
		email,
		password: newPassword,
		confirm: z.string()
	})
	.refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'The two passwords do not match' });

export const actions = {
	default: async (event) => {
		const values = await formValues(event.request);
		const actor = actorFromEvent(event);
		const result = await formAction(
			async () => {
				const input = schema.parse(values);
				await createFirstAdmin(event.locals.em, actor, input);
				return signIn(event.locals.em, actor, { email: input.email, password: input.password });
			},
			{ name: values.name, email: values.email }
		);
		if (isFailure(result)) return result;
		if (result.status === 'signed_in') setSessionCookie(event.cookies, result.token);
		redirect(303, '/admin/staff');
	}
} satisfies Actions;
