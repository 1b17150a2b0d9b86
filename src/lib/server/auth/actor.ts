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

export interface Actor {
	user: SessionUser | null;
	sessionId: string | null;
	requestId: string | null;
	ip: string | null;
}

export const SYSTEM_ACTOR: Actor = { user: null, sessionId: null, requestId: null, ip: null };

export function hasRole(user: Pick<SessionUser, 'roles'>, role: Role): boolean {
	// An admin can do everything a scheduler or practitioner can.
	return user.roles.includes('admin') || user.roles.includes(role);
}
