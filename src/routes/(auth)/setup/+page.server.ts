// The first admin: reached from the one-time link Casebook prints at start-up on an empty database.
import { fail, redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { field, formAction, formValues, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = serverCaller(event);
	if ((await caller.account.setupStatus()).hasAdmin) redirect(303, '/sign-in');
	const token = event.url.searchParams.get('token') ?? '';
	const { isUsable } = await caller.account.checkLink({ token: token.slice(0, 200), purpose: 'first_admin' });
	return { token, isValid: isUsable };
};

export const actions = {
	// The session cookie is set here, from the token the procedure returns: only a page can set it.
	default: async (event) => {
		const values = await formValues(event.request);
		const typed = { name: values.name, email: values.email };
		const password = field(values, 'password');
		if (password !== field(values, 'confirm')) {
			const mismatch: FormFailure = {
				message: 'The two passwords do not match.',
				fieldErrors: { confirm: ['The two passwords do not match'] },
				values: typed
			};
			return fail(400, mismatch);
		}
		const result = await formAction(
			() =>
				serverCaller(event).account.setUp({
					token: field(values, 'token'),
					name: field(values, 'name'),
					email: field(values, 'email'),
					password
				}),
			typed
		);
		if (isFailure(result)) return result;
		setSessionCookie(event.cookies, result.token);
		redirect(303, '/admin/staff');
	}
} satisfies Actions;
