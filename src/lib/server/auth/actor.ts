// Who is acting, as services see it: the signed-in user (if any) and where the request came from.
import type { Role } from '../../schemas/staff.ts';
import type { UserKind } from './user.entity.ts';

export interface SessionUser {
	id: string;
	kind: UserKind;
	name: string;
	email: string;
	roles: Role[];
	hasTwoFactor: boolean;
}

/** A patient signed in to the portal (their own session, never a staff one). */
export interface PortalPatient {
	id: string;
	name: string;
	/** The patient's own IANA time zone, else the clinic's. */
	timeZone: string;
}

export interface Actor {
	user: SessionUser | null;
	/** Set only for portal requests; a portal actor never has a `user`. */
	patient?: PortalPatient | null;
	sessionId: string | null;
	requestId: string | null;
	ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { user: null, sessionId: null, requestId: null, ip: null };

export function hasRole(user: Pick<SessionUser, 'roles'>, role: Role): boolean {
	// An admin can do everything a scheduler or practitioner can.
	return user.roles.includes('admin') || user.roles.includes(role);
}
