import { fail, redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { field, formAction, formValues, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const token = event.url.searchParams.get('token') ?? '';
	const { isUsable } = await serverCaller(event).account.checkLink({
		token: token.slice(0, 200),
		purpose: 'password_reset'
	});
	return { token, isValid: isUsable };
};

/** Where someone with live API keys confirms them: a new password does not stop a key. */
const API_KEYS_AFTER_RESET = '/account/api-keys?after=password-reset';

export const actions = {
	// The session cookie is set here, from the token the procedure returns: only a page can set it.
	default: async (event) => {
		const values = await formValues(event.request);
		const password = field(values, 'password');
		if (password !== field(values, 'confirm')) {
			const mismatch: FormFailure = {
				message: 'The two passwords do not match.',
				fieldErrors: { confirm: ['The two passwords do not match'] }
			};
			return fail(400, mismatch);
		}
		const result = await formAction(() =>
			serverCaller(event).account.resetPassword({ token: field(values, 'token'), password })
		);
		if (isFailure(result)) return result;
		const { session, liveApiKeys } = result;
		if (session) {
			setSessionCookie(event.cookies, session.token);
			if (session.kind === 'referrer') redirect(303, '/referrer');
			redirect(303, liveApiKeys > 0 ? API_KEYS_AFTER_RESET : '/');
		}
		// Two-factor users sign in normally, then see their keys.
		redirect(
			303,
			liveApiKeys > 0
				? `/sign-in?reset=1&next=${encodeURIComponent(API_KEYS_AFTER_RESET)}`
				: '/sign-in?reset=1'
		);
	}
} satisfies Actions;
