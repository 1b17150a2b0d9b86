// Walks the whole app router: every procedure must declare its access, refuse anonymous callers
// unless it is on the public allow-list, and refuse staff without one of its declared roles.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../schemas/staff.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { callerFor, callerForPatient, createTestUser } from '../testing/factories.ts';
import { createPatient } from '../testing/clinic-fixtures.ts';
import { User as UserEntity, type User } from '../auth/user.entity.ts';
import type { Meta } from './init.ts';
import { appRouter } from '../app/router.ts';

/** The only procedures anyone may call without signing in. Adding one here is a security decision. */
const PUBLIC_ALLOW_LIST = new Set([
	'health.get',
	'portal.requestLink',
	'settings.clinic',
	// Page-only (never over /api/trpc): the sign-in, forgotten-password and setup pages.
	'account.signIn',
	'account.completeTwoFactor',
	'account.requestPasswordReset',
	'account.checkLink',
	'account.resetPassword',
	'account.setupStatus',
	'account.setUp',
	'portal.beginSession'
]);

interface ProcedureInfo {
	path: string;
	type: 'query' | 'mutation' | 'subscription';
	meta: Meta | undefined;
}

const procedures: ProcedureInfo[] = Object.entries(
	appRouter._def.procedures as unknown as Record<
		string,
		{ _def: { type: ProcedureInfo['type']; meta?: Meta } }
	>
).map(([path, procedure]) => ({ path, type: procedure._def.type, meta: procedure._def.meta }));

async function callAs(db: TestDb, user: User | null, path: string, input: unknown): Promise<unknown> {
	let target: unknown = callerFor(db.em(), user);
	for (const key of path.split('.')) target = (target as Record<string, unknown>)[key];
	return (target as (input: unknown) => Promise<unknown>)(input);
}

async function callAsPatient(db: TestDb, path: string, input: unknown): Promise<unknown> {
	let target: unknown = callerForPatient(db.em(), portalPatient);
	for (const key of path.split('.')) target = (target as Record<string, unknown>)[key];
	return (target as (input: unknown) => Promise<unknown>)(input);
}

async function errorCode(promise: Promise<unknown>): Promise<string | null> {
	try {
		await promise;
		return null;
	} catch (error) {
		if (error instanceof TRPCError) return error.code;
		throw error;
	}
}

let db: TestDb;
const usersByRole = new Map<Role, User>();
let referrer: User;
let portalPatient: { id: string; firstName: string; lastName: string };

beforeAll(async () => {
	db = await openTestDb();
	for (const role of ROLES) usersByRole.set(role, await createTestUser(db.em(), { roles: [role] }));
	const em = db.em();
	referrer = em.create(UserEntity, {
		kind: 'referrer',
		name: 'Outside Referrer',
		email: `referrer-${Date.now()}@practice.test`,
		roles: []
	});
	await em.flush();
	portalPatient = await createPatient(db.em(), 'Portal');
});
afterAll(async () => {
	await db?.close();
});

describe('access to every procedure', () => {
	it('finds the procedures', () => {
		expect(procedures.length).toBeGreaterThan(10);
	});

	it.each(procedures.map((p) => [p.path, p] as const))('%s declares who may call it', (_path, p) => {
		expect(
			p.meta?.access,
			`${p.path} has no access in its meta: build it from a procedure builder`
		).toBeDefined();
		if (p.meta?.access === 'public')
			expect(PUBLIC_ALLOW_LIST.has(p.path), `${p.path} is public but not on the allow-list`).toBe(true);
	});

	it.each(procedures.filter((p) => !PUBLIC_ALLOW_LIST.has(p.path)).map((p) => [p.path, p] as const))(
		'%s refuses an anonymous caller',
		async (path) => {
			expect(await errorCode(callAs(db, null, path, undefined))).toBe('UNAUTHORIZED');
		}
	);

	it.each(procedures.filter((p) => p.meta?.access === 'staff').map((p) => [p.path, p] as const))(
		'%s refuses a referrer (staff only)',
		async (path) => {
			expect(await errorCode(callAs(db, referrer, path, undefined))).toBe('FORBIDDEN');
		}
	);

	it.each(procedures.filter((p) => p.meta?.access === 'referrer').map((p) => [p.path, p] as const))(
		'%s refuses clinic staff (referrers only)',
		async (path) => {
			expect(await errorCode(callAs(db, usersByRole.get('admin')!, path, undefined))).toBe('FORBIDDEN');
		}
	);

	it.each(procedures.filter((p) => p.meta?.access === 'patient').map((p) => [p.path, p] as const))(
		'%s refuses staff and referrers (portal patients only)',
		async (path) => {
			expect(await errorCode(callAs(db, usersByRole.get('admin')!, path, undefined))).toMatch(
				/UNAUTHORIZED|FORBIDDEN/
			);
			expect(await errorCode(callAs(db, referrer, path, undefined))).toMatch(/UNAUTHORIZED|FORBIDDEN/);
		}
	);

	it.each(
		procedures
			.filter((p) => p.meta?.access !== 'patient' && !PUBLIC_ALLOW_LIST.has(p.path))
			.map((p) => [p.path, p] as const)
	)('%s refuses a portal patient', async (path) => {
		expect(await errorCode(callAsPatient(db, path, undefined))).toMatch(/UNAUTHORIZED|FORBIDDEN/);
	});

	const roleGuarded = procedures.filter((p) => p.meta?.roles?.length);
	it.each(roleGuarded.map((p) => [p.path, p] as const))(
		'%s refuses staff without its roles',
		async (path, p) => {
			const allowed = p.meta!.roles!;
			const refused = ROLES.filter((role) => role !== 'admin' && !allowed.includes(role));
			for (const role of refused) {
				expect(
					await errorCode(callAs(db, usersByRole.get(role)!, path, undefined)),
					`${path} as ${role}`
				).toBe('FORBIDDEN');
			}
			// An admin is let through the guard (the call may still fail on its missing input).
			if (p.type === 'query') {
				const code = await errorCode(callAs(db, usersByRole.get('admin')!, path, undefined));
				expect(code ?? 'OK').not.toMatch(/UNAUTHORIZED|FORBIDDEN/);
			}
		}
	);

	it('keeps admin-only areas admin-only', () => {
		const adminOnly = procedures.filter(
			(p) =>
				(p.path.startsWith('admin.caseTemplates.') && p.type === 'mutation') ||
				(p.path.startsWith('services.') && p.type === 'mutation') ||
				(p.path.startsWith('appointmentTypes.') && p.type === 'mutation') ||
				(p.path.startsWith('bodyParts.') && p.type === 'mutation') ||
				(p.path.startsWith('concessionTypes.') && p.type === 'mutation') ||
				p.path === 'patients.undoMerge' ||
				p.path === 'patients.findMerges'
		);
		for (const p of adminOnly) expect(p.meta?.roles, p.path).toEqual(['admin']);
		const adminAreas = procedures.filter(
			(p) =>
				p.path.startsWith('staff.') ||
				p.path.startsWith('audit.') ||
				p.path.startsWith('notifications.') ||
				p.path === 'settings.update'
		);
		expect(adminAreas.length).toBeGreaterThan(0);
		for (const p of adminAreas) expect(p.meta?.roles, p.path).toEqual(['admin']);
	});
});
