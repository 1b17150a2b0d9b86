// Who may call what, decided in one place for both ways in: the tRPC procedure builders
// (init.ts) and the page guard that runs before any page load or form action (web/route-guard.ts).
import type { Role } from '../../schemas/staff.ts';
import type { PortalPatient, SessionUser } from '../auth/actor.ts';
import { hasRole } from '../auth/actor.ts';

export interface Access {
	/**
	 * Who may call: anyone, clinic staff, referrers (outside the clinic), either of those (senders),
	 * or a patient signed in to the portal.
	 */
	access?: 'public' | 'staff' | 'referrer' | 'sender' | 'patient';
	/** For staff: any one of these roles (admin counts as every role). */
	roles?: Role[];
	/** Usable by staff who still have to set up a required second factor. */
	allowWithoutTwoFactor?: boolean;
	/**
	 * Callable only in-process by pages (through the server caller), never over /api/trpc: sign-in
	 * and set-up answer with a session token that only the page may turn into an HttpOnly cookie.
	 */
	pageOnly?: boolean;
}

export interface Caller {
	user: SessionUser | null;
	patient?: PortalPatient | null;
}

export type Refusal =
	| { code: 'UNAUTHORIZED'; message: string; signIn: 'staff' | 'portal' }
	| { code: 'FORBIDDEN'; message: string; reason: 'kind' | 'role' | 'two-factor' };

export const TWO_FACTOR_REQUIRED =
	'Your clinic requires two-factor authentication. Set it up in My account to continue.';

/**
 * Why `caller` may not use something declared with `rule`, or null when they may.
 * `requireTwoFactor` is the clinic's setting; it is asked for only when it matters (a staff member
 * without a second factor), so callers can pass a function that reads it lazily.
 */
export async function refusalFor(
	rule: Access,
	caller: Caller,
	requireTwoFactor: () => Promise<boolean>
): Promise<Refusal | null> {
	const access = rule.access ?? 'public';
	if (access === 'public') return null;
	if (access === 'patient') {
		return caller.patient
			? null
			: { code: 'UNAUTHORIZED', message: 'Please sign in to the portal.', signIn: 'portal' };
	}
	const user = caller.user;
	if (!user) return { code: 'UNAUTHORIZED', message: 'Please sign in.', signIn: 'staff' };
	if (access === 'referrer' && user.kind !== 'referrer') {
		return { code: 'FORBIDDEN', message: 'This is for referrers.', reason: 'kind' };
	}
	if (access === 'staff' && user.kind !== 'staff') {
		return { code: 'FORBIDDEN', message: 'This is for clinic staff only.', reason: 'kind' };
	}
	const isStaffLike = user.kind === 'staff' && (access === 'staff' || access === 'sender');
	if (isStaffLike && !user.hasTwoFactor && !rule.allowWithoutTwoFactor && (await requireTwoFactor())) {
		return { code: 'FORBIDDEN', message: TWO_FACTOR_REQUIRED, reason: 'two-factor' };
	}
	if (access === 'staff' && rule.roles?.length && !rule.roles.some((role) => hasRole(user, role))) {
		return { code: 'FORBIDDEN', message: 'You do not have permission to do that.', reason: 'role' };
	}
	return null;
}
