import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import { completeTwoFactor, hasActiveAdmin, signIn } from '$lib/server/auth/auth.service';
import { setSessionCookie } from '$lib/server/auth/cookies';
import { formAction, formValues, isFailure } from '$lib/server/forms';
import { actorFromEvent } from '$lib/server/trpc/http';
import { totpCode } from '$lib/schemas/staff';
import type { Actions, PageServerLoad } from './$types';

/** Only same-site paths: never redirect off to somewhere a link chose. */
function safeNext(value: string | null): string {
	return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/';
}

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

export const load: PageServerLoad = async ({ locals, url }) => {
	if (locals.user) redirect(303, landingFor(locals.user.kind, safeNext(url.searchParams.get('next'))));
	return { needsSetup: !(await hasActiveAdmin(locals.em)), next: safeNext(url.searchParams.get('next')) };
};

const passwordStep = z.object({
	email: z.string().trim().min(1, 'Enter your email').max(254),
	password: z.string().min(1, 'Enter your password').max(200)
});
const codeStep = z.object({ challenge: z.string().min(10).max(100), code: totpCode });

export const actions = {
	default: async (event) => {
		const values = await formValues(event.request);
		const next = safeNext(typeof values.next === 'string' ? values.next : null);
		const actor = actorFromEvent(event);
		const userAgent = event.request.headers.get('user-agent');
		const result = await formAction(
			async () => {
				if (values.challenge) {
					const input = codeStep.parse(values);
					return completeTwoFactor(event.locals.em, actor, { ...input, userAgent });
				}
				const input = passwordStep.parse(values);
				return signIn(event.locals.em, actor, { ...input, userAgent });
			},
			{ email: values.email, challenge: values.challenge }
		);
		if (isFailure(result)) {
			if (result.data.retryAfter) event.setHeaders({ 'Retry-After': String(result.data.retryAfter) });
			return result;
		}
		if (result.status === 'needs_two_factor') return { challenge: result.challenge, email: values.email };
		setSessionCookie(event.cookies, result.token);
		redirect(303, landingFor(result.user.kind, next));
	}
} satisfies Actions;
