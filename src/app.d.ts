import type { PortalPatient, SessionUser } from '$lib/server/auth/actor';
import type { Em } from '$lib/server/db/orm';
import type { Logger } from '$lib/server/logger';

declare global {
	namespace App {
		interface Error {
			message: string;
			requestId?: string;
		}
		interface Locals {
			requestId: string;
			em: Em;
			log: Logger;
			ip: string;
			user: SessionUser | null;
			sessionId: string | null;
			/** The patient signed in to the portal (own cookie), if any. */
			patient: PortalPatient | null;
			portalSessionId: string | null;
		}
	}
}

export {};
