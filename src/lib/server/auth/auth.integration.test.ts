import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { AppError } from '../errors.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { ClinicSettings } from '../settings/clinic-settings.entity.ts';
import { updateStaff } from '../staff/staff.service.ts';
import { actorFor, createTestUser, TEST_PASSWORD, uniqueIp, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import {
	completeTwoFactor,
	confirmTwoFactor,
	createFirstAdmin,
	issueToken,
	LIMITS,
	requestPasswordReset,
	resetPassword,
	SIGN_IN_FAILED,
	signIn,
	startTwoFactor
} from './auth.service.ts';
import { SESSION_CACHE_MS } from './session-cache.ts';
import { createSession, validateSession } from './sessions.service.ts';
import { User } from './user.entity.ts';

let db: TestDb;
beforeAll(async () => {
	db = await openTestDb();
});
afterAll(async () => {
	await db?.close();
});

async function rejection(promise: Promise<unknown>): Promise<AppError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof AppError) return error;
		throw error;
	}
	throw new Error('expected the call to fail');
}

async function auditFor(userId: string, action: string) {
	return db.em().find(AuditEvent, { actorId: userId, action }, { orderBy: { id: 'desc' } });
}

describe('sign-in', () => {
	it('signs in with the right password, creates a session and audits it', async () => {
		const user = await createTestUser(db.em());
		const result = await signIn(db.em(), actorFor(null), {
			email: user.email.toUpperCase(),
			password: TEST_PASSWORD
		});
		expect(result.status).toBe('signed_in');
		if (result.status !== 'signed_in') return;
		expect(result.token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
		const valid = await validateSession(db.em(), result.token);
		expect(valid?.user.id).toBe(user.id);
		expect(await auditFor(user.id, 'auth.sign_in')).toHaveLength(1);
	});

	it('answers a wrong password and an unknown email identically, and audits both', async () => {
		const user = await createTestUser(db.em());
		const wrong = await rejection(
			signIn(db.em(), actorFor(null), { email: user.email, password: 'not the password' })
		);
		const unknownEmail = `nobody-${uniqueSuffix()}@clinic.test`;
		const unknown = await rejection(
			signIn(db.em(), actorFor(null), { email: unknownEmail, password: 'whatever it is' })
		);
		expect(wrong.code).toBe('UNAUTHORIZED');
		expect(unknown.code).toBe(wrong.code);
		expect(unknown.message).toBe(wrong.message);
		expect(wrong.message).toBe(SIGN_IN_FAILED);
		const failures = await db
			.em()
			.find(AuditEvent, { action: 'auth.sign_in_failed', actorLabel: { $in: [user.email, unknownEmail] } });
		expect(failures.map((f) => f.details?.reason).sort()).toEqual(['unknown_email', 'wrong_password']);
	});

	it('refuses an inactive account with the same message', async () => {
		const user = await createTestUser(db.em(), { isActive: false });
		const error = await rejection(
			signIn(db.em(), actorFor(null), { email: user.email, password: TEST_PASSWORD })
		);
		expect(error.message).toBe(SIGN_IN_FAILED);
	});

	it('locks an account after repeated failures, even for the right password, with a retry time', async () => {
		const user = await createTestUser(db.em());
		for (let i = 0; i < LIMITS.signInFailuresPerAccount.points; i++) {
			// Different IPs: the per-account limit holds across addresses.
			await rejection(
				signIn(db.em(), actorFor(null, { ip: uniqueIp() }), { email: user.email, password: `wrong-${i}` })
			);
		}
		const blocked = await rejection(
			signIn(db.em(), actorFor(null), { email: user.email, password: TEST_PASSWORD })
		);
		expect(blocked.code).toBe('TOO_MANY_REQUESTS');
		expect(blocked.retryAfter).toBeGreaterThan(0);
		expect(blocked.retryAfter).toBeLessThanOrEqual(LIMITS.signInFailuresPerAccount.windowSeconds);
		// The window passes: the right password works again.
		const later = new Date(Date.now() + (LIMITS.signInFailuresPerAccount.windowSeconds + 1) * 1000);
		const again = await signIn(db.em(), actorFor(null), {
			email: user.email,
			password: TEST_PASSWORD,
			now: later
		});
		expect(again.status).toBe('signed_in');
	});

	it('limits attempts per IP address', async () => {
		const ip = uniqueIp();
		const actor = actorFor(null, { ip });
		let limited: AppError | null = null;
		for (let i = 0; i <= LIMITS.signInPerIp.points && !limited; i++) {
			const error = await rejection(
				signIn(db.em(), actor, { email: `spray-${i}-${uniqueSuffix()}@clinic.test`, password: 'guess' })
			);
			if (error.code === 'TOO_MANY_REQUESTS') limited = error;
		}
		expect(limited?.code).toBe('TOO_MANY_REQUESTS');
	});
});

describe('sessions', () => {
	const policy = { idleMinutes: 30, absoluteHours: 12 };

	it('expire after 30 idle minutes, counted from the last request', async () => {
		const user = await createTestUser(db.em());
		const t0 = new Date('2026-01-05T09:00:00Z');
		const { token } = await createSession(db.em(), { user, now: t0, policy });
		const minutes = (m: number) => new Date(t0.getTime() + m * 60_000);
		expect(await validateSession(db.em(), token, { now: minutes(29), policy })).not.toBeNull();
		expect(await validateSession(db.em(), token, { now: minutes(58), policy })).not.toBeNull();
		expect(await validateSession(db.em(), token, { now: minutes(89), policy })).toBeNull();
		// Once ended, it stays ended.
		expect(await validateSession(db.em(), token, { now: minutes(90), policy })).toBeNull();
	});

	it('expire 12 hours after sign-in however active', async () => {
		const user = await createTestUser(db.em());
		const t0 = new Date('2026-01-05T08:00:00Z');
		const { token } = await createSession(db.em(), { user, now: t0, policy });
		for (let m = 20; m < 12 * 60; m += 20) {
			expect(
				await validateSession(db.em(), token, { now: new Date(t0.getTime() + m * 60_000), policy })
			).not.toBeNull();
		}
		expect(
			await validateSession(db.em(), token, { now: new Date(t0.getTime() + 12 * 3_600_000), policy })
		).toBeNull();
	});

	it('die when the user is deactivated', async () => {
		const admin = await createTestUser(db.em(), { roles: ['admin'] });
		const user = await createTestUser(db.em());
		const { token } = await createSession(db.em(), { user });
		expect(await validateSession(db.em(), token)).not.toBeNull();
		await updateStaff(db.em(), actorFor(admin), {
			id: user.id,
			version: user.version,
			name: user.name,
			email: user.email,
			mobile: null,
			roles: user.roles,
			isActive: false
		});
		expect(await validateSession(db.em(), token)).toBeNull();
		const event = await db.em().findOneOrFail(AuditEvent, { action: 'staff.deactivate', recordId: user.id });
		expect(event.details).toEqual({ sessionsEnded: 1 });
	});

	it('show a role change and a deactivation on the very next request, though sessions are remembered', async () => {
		const admin = await createTestUser(db.em(), { roles: ['admin'] });
		const user = await createTestUser(db.em(), { roles: ['practitioner'] });
		const { token } = await createSession(db.em(), { user });
		expect((await validateSession(db.em(), token))?.user.roles).toEqual(['practitioner']);
		const edit = { id: user.id, name: user.name, email: user.email, mobile: null };
		await updateStaff(db.em(), actorFor(admin), {
			...edit,
			version: user.version,
			roles: ['scheduler'],
			isActive: true
		});
		expect((await validateSession(db.em(), token))?.user.roles).toEqual(['scheduler']);
		// A change made outside this process is seen once the remembered row is older than the cache.
		await db
			.em()
			.getConnection()
			.execute(`update app_user set name = 'Renamed elsewhere' where id = ?`, [user.id]);
		expect((await validateSession(db.em(), token))?.user.name).toBe(user.name);
		const later = new Date(Date.now() + SESSION_CACHE_MS + 1);
		vi.useFakeTimers({ now: later, toFake: ['Date'] });
		try {
			expect((await validateSession(db.em(), token))?.user.name).toBe('Renamed elsewhere');
		} finally {
			vi.useRealTimers();
		}
	});

	it('are unknown for a token that was never issued', async () => {
		expect(await validateSession(db.em(), 'x'.repeat(43))).toBeNull();
	});
});

describe('two-factor sign-in', () => {
	it('asks for a code after the password, refuses a wrong or replayed code, accepts the right one', async () => {
		const user = await createTestUser(db.em());
		const actor = actorFor(user);
		const enrollment = await startTwoFactor(db.em(), actor);
		const totp = new OTPAuth.TOTP({
			secret: OTPAuth.Secret.fromBase32(enrollment.secret),
			digits: 6,
			period: 30
		});
		const t0 = new Date();
		await confirmTwoFactor(db.em(), actor, { code: totp.generate({ timestamp: t0.getTime() }), now: t0 });

		const t1 = new Date(t0.getTime() + 60_000);
		const step = await signIn(db.em(), actorFor(null), {
			email: user.email,
			password: TEST_PASSWORD,
			now: t1
		});
		expect(step.status).toBe('needs_two_factor');
		if (step.status !== 'needs_two_factor') return;

		const wrong = await rejection(
			completeTwoFactor(db.em(), actorFor(null), { challenge: step.challenge, code: '000000', now: t1 })
		);
		expect(wrong.code).toBe('UNAUTHORIZED');

		const code = totp.generate({ timestamp: t1.getTime() });
		const done = await completeTwoFactor(db.em(), actorFor(null), {
			challenge: step.challenge,
			code,
			now: t1
		});
		expect(done.status).toBe('signed_in');

		// The challenge is used up, and the same code cannot be used for a second sign-in.
		const reused = await rejection(
			completeTwoFactor(db.em(), actorFor(null), { challenge: step.challenge, code, now: t1 })
		);
		expect(reused.code).toBe('UNAUTHORIZED');
		const second = await signIn(db.em(), actorFor(null), {
			email: user.email,
			password: TEST_PASSWORD,
			now: t1
		});
		if (second.status !== 'needs_two_factor') throw new Error('expected a second challenge');
		const replay = await rejection(
			completeTwoFactor(db.em(), actorFor(null), { challenge: second.challenge, code, now: t1 })
		);
		expect(replay.code).toBe('UNAUTHORIZED');
	});
});

describe('password reset', () => {
	async function resetLinkFor(email: string): Promise<string> {
		const user = await db.em().findOneOrFail(User, { email });
		const mail = await db
			.em()
			.findOneOrFail(Notification, { relatedType: 'user', relatedId: user.id }, { orderBy: { id: 'desc' } });
		const match = /reset-password\?token=([\w-]+)/.exec(mail.body);
		if (!match) throw new Error(`no link in ${mail.body}`);
		return decodeURIComponent(match[1]!);
	}

	it('emails a single-use link that sets a new password and ends existing sessions', async () => {
		const user = await createTestUser(db.em());
		const { token: sessionToken } = await createSession(db.em(), { user });
		await requestPasswordReset(db.em(), actorFor(null), { email: user.email });
		const token = await resetLinkFor(user.email);
		await resetPassword(db.em(), actorFor(null), { token, password: 'a brand new password' });
		expect(await validateSession(db.em(), sessionToken)).toBeNull();
		expect(
			(await signIn(db.em(), actorFor(null), { email: user.email, password: 'a brand new password' })).status
		).toBe('signed_in');
		const reused = await rejection(
			resetPassword(db.em(), actorFor(null), { token, password: 'another new password' })
		);
		expect(reused.code).toBe('BAD_REQUEST');
	});

	it('refuses a link older than 30 minutes', async () => {
		const user = await createTestUser(db.em());
		const now = new Date();
		const token = await db
			.em()
			.transactional((tx) =>
				issueToken(tx, { purpose: 'password_reset', user: tx.getReference(User, user.id), now })
			);
		const late = new Date(now.getTime() + 31 * 60_000);
		const error = await rejection(
			resetPassword(db.em(), actorFor(null), { token, password: 'too late for this', now: late })
		);
		expect(error.message).toMatch(/expired/);
	});

	it('answers the same for an unknown email and sends nothing', async () => {
		const email = `ghost-${uniqueSuffix()}@clinic.test`;
		await expect(requestPasswordReset(db.em(), actorFor(null), { email })).resolves.toBeUndefined();
		expect(await db.em().count(Notification, { recipient: email })).toBe(0);
	});
});

describe('the audit trail', () => {
	it('cannot be changed or deleted, even by the application', async () => {
		const user = await createTestUser(db.em());
		await signIn(db.em(), actorFor(null), { email: user.email, password: TEST_PASSWORD });
		const [event] = await auditFor(user.id, 'auth.sign_in');
		const connection = db.em().getConnection();
		await expect(
			connection.execute(`update audit_event set action = 'tampered' where id = ?`, [event!.id])
		).rejects.toThrow(/append-only/);
		await expect(connection.execute(`delete from audit_event where id = ?`, [event!.id])).rejects.toThrow(
			/append-only/
		);
		await expect(connection.execute(`truncate audit_event`)).rejects.toThrow(/append-only/);
		expect((await db.em().findOneOrFail(AuditEvent, { id: event!.id })).action).toBe('auth.sign_in');
	});
});

describe('the first admin', () => {
	it('is created once; a second attempt is refused', async () => {
		// The shared test database already has admins from other tests, so check the guard directly.
		await createTestUser(db.em(), { roles: ['admin'] });
		const error = await rejection(
			createFirstAdmin(db.em(), actorFor(null), {
				token: null,
				name: 'Late',
				email: `late-${uniqueSuffix()}@clinic.test`,
				password: 'a long password'
			})
		);
		expect(error.code).toBe('CONFLICT');
		expect(await db.em().findOne(ClinicSettings, { id: 1 })).not.toBeNull();
	});
});
