import { redirect } from '@sveltejs/kit';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { safeNext } from '$lib/server/web/safe-next';
import type { Actions, PageServerLoad } from './$types';

/**
 * Where a signed-in person goes: referrers have their own area (/referrer) and nothing else, so a
 * `next` outside it (or a staff page) would only bounce them back here.
 */
function landingFor(kind: 'staff' | 'referrer', next: string): string {
	const isReferrerPath =
		next === '/referrer' || next.startsWith('/referrer/') || next.startsWith('/referrer?');
	if (kind === 'referrer') return isReferrerPath ? next : '/referrer';
	return isReferrerPath ? '/' : next;
}

export const load: PageServerLoad = async (event) => {
	const { locals, url } = event;
	if (locals.user) redirect(303, landingFor(locals.user.kind, safeNext(url.searchParams.get('next'))));
	const { hasAdmin } = await serverCaller(event).account.setupStatus();
	return {
		needsSetup: !hasAdmin,
		next: safeNext(url.searchParams.get('next')),
		wasPasswordReset: url.searchParams.get('reset') === '1'
	};
};

export const actions = {
	// The session cookie is set here, from the token the procedure returns: only a page can set it.
	default: async (event) => {
		const values = await formValues(event.request);
		const next = safeNext(field(values, 'next') || null);
		const caller = serverCaller(event);
		const challenge = field(values, 'challenge');
		const result = await formAction(
			() =>
				challenge
					? caller.account.completeTwoFactor({ challenge, code: field(values, 'code') })
					: caller.account.signIn({ email: field(values, 'email'), password: field(values, 'password') }),
			{ email: values.email, challenge: values.challenge }
		);
		if (isFailure(result)) {
			if (result.data.retryAfter) event.setHeaders({ 'Retry-After': String(result.data.retryAfter) });
			return result;
		}
		if (result.status === 'needs_two_factor') return { challenge: result.challenge, email: values.email };
		setSessionCookie(event.cookies, result.token);
		redirect(303, landingFor(result.kind, next));
	}
} satisfies Actions;
