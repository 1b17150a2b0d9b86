// Test data builders: each call makes fresh, uniquely named rows, so tests never share state.
import type { Role } from '../../schemas/staff.ts';
import type { Actor } from '../auth/actor.ts';
import { hashPassword } from '../auth/passwords.ts';
import { toSessionUser } from '../auth/sessions.service.ts';
import { User } from '../auth/user.entity.ts';
import type { Em } from '../db/orm.ts';
import { logger } from '../logger.ts';
import type { Context } from '../trpc/context.ts';
import { createCaller } from '../app/router.ts';

export const TEST_PASSWORD = 'correct horse battery';
let hashed: Promise<string> | undefined;

export function uniqueSuffix(): string {
	return crypto.randomUUID().slice(0, 8);
}

export function uniqueIp(): string {
	const n = () => Math.floor(Math.random() * 250) + 1;
	return `10.${n()}.${n()}.${n()}`;
}

export async function createTestUser(
	em: Em,
	options: { roles?: Role[]; name?: string; email?: string; isActive?: boolean; mobile?: string | null } = {}
): Promise<User> {
	hashed ??= hashPassword(TEST_PASSWORD);
	const suffix = uniqueSuffix();
	const user = em.create(User, {
		kind: 'staff',
		name: options.name ?? `Test User ${suffix}`,
		email: options.email ?? `user-${suffix}@clinic.test`,
		mobile: options.mobile ?? null,
		roles: options.roles ?? ['scheduler'],
		isActive: options.isActive ?? true,
		passwordHash: await hashed,
		passwordChangedAt: new Date()
	});
	await em.flush();
	return user;
}

export function actorFor(user: User | null, options: { sessionId?: string; ip?: string } = {}): Actor {
	return {
		user: user ? toSessionUser(user) : null,
		sessionId: options.sessionId ?? null,
		requestId: `test-${uniqueSuffix()}`,
		ip: options.ip ?? uniqueIp()
	};
}

export function contextFor(
	em: Em,
	user: User | null,
	options: { sessionId?: string; ip?: string } = {}
): Context {
	return {
		em,
		actor: actorFor(user, options),
		userAgent: 'vitest',
		log: logger,
		responseHeaders: new Headers()
	};
}

/** The app router called in-process as `user` (or anonymously). */
export function callerFor(em: Em, user: User | null, options: { sessionId?: string; ip?: string } = {}) {
	return createCaller(contextFor(em, user, options));
}

/** The actor of a patient signed in to the portal. */
export function patientActorFor(
	patient: { id: string; firstName: string; lastName: string },
	timeZone = 'Australia/Sydney'
): Actor {
	return {
		user: null,
		patient: { id: patient.id, name: `${patient.firstName} ${patient.lastName}`, timeZone },
		sessionId: null,
		requestId: `test-${uniqueSuffix()}`,
		ip: uniqueIp()
	};
}

/** The app router called in-process as a portal patient. */
export function callerForPatient(em: Em, patient: { id: string; firstName: string; lastName: string }) {
	return createCaller({
		em,
		actor: patientActorFor(patient),
		userAgent: 'vitest',
		log: logger,
		responseHeaders: new Headers()
	});
}
