import * as OTPAuth from 'otpauth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { AppError } from '../errors.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { ClinicSettings } from '../settings/clinic-settings.entity.ts';
import { updateStaff } from '../staff/staff.service.ts';
import {
	actorFor,
	callerFor,
	contextFor,
	createTestUser,
	TEST_PASSWORD,
	uniqueIp,
	uniqueSuffix
} from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { authenticateApiKey, createApiKey } from './api-keys.service.ts';
import { failureOf } from '../testing/failures.ts';
import { queuedJobs } from '../testing/queued-jobs.ts';
import { statementsOf } from '../testing/sql-statements.ts';
import { createCaller } from '../app/router.ts';
import { passwordResetSendJob } from './auth.jobs.ts';
import {
	changePassword,
	completeTwoFactor,
	confirmTwoFactor,
	createFirstAdmin,
	issueToken,
	LIMITS,
	requestPasswordReset,
	resetPassword,
	sendRequestedPasswordReset,
	SIGN_IN_FAILED,
	signIn,
	startTwoFactor
} from './auth.service.ts';
import { OneTimeToken } from './one-time-token.entity.ts';
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

	it('stops guessing from one address after five wrong passwords, and tells that person what to do', async () => {
		const user = await createTestUser(db.em());
		const guesser = actorFor(null, { ip: uniqueIp() });
		for (let i = 0; i < LIMITS.signInFailuresPerAccountAndIp.points; i++) {
			const error = await rejection(signIn(db.em(), guesser, { email: user.email, password: `wrong-${i}` }));
			expect(error.message).toBe(SIGN_IN_FAILED);
		}
		const blocked = await rejection(signIn(db.em(), guesser, { email: user.email, password: TEST_PASSWORD }));
		expect(blocked.code).toBe('TOO_MANY_REQUESTS');
		expect(blocked.retryAfter).toBeGreaterThan(0);
		expect(blocked.retryAfter).toBeLessThanOrEqual(LIMITS.signInFailuresPerAccountAndIp.windowSeconds);
		// How long to wait, and the way out that needs no waiting.
		expect(blocked.message).toMatch(/Try again in 15 minutes/);
		expect(blocked.message).toMatch(/Forgot your password\?/);
		expect(blocked.message).toMatch(/admin/);
		expect(await auditFor(user.id, 'auth.sign_in')).toHaveLength(0);
		// The window passes: the right password works again from there.
		const later = new Date(Date.now() + (LIMITS.signInFailuresPerAccountAndIp.windowSeconds + 1) * 1000);
		expect(
			(await signIn(db.em(), guesser, { email: user.email, password: TEST_PASSWORD, now: later })).status
		).toBe('signed_in');
	});

	it('lets the owner sign in from elsewhere while someone else is locked out of their account', async () => {
		const user = await createTestUser(db.em());
		const attacker = actorFor(null, { ip: uniqueIp() });
		for (let i = 0; i < LIMITS.signInFailuresPerAccountAndIp.points + 2; i++) {
			await rejection(signIn(db.em(), attacker, { email: user.email, password: `wrong-${i}` }));
		}
		const owner = await signIn(db.em(), actorFor(null, { ip: uniqueIp() }), {
			email: user.email,
			password: TEST_PASSWORD
		});
		expect(owner.status).toBe('signed_in');
		// The owner signing in does not let the attacker start again.
		const stillBlocked = await rejection(
			signIn(db.em(), attacker, { email: user.email, password: TEST_PASSWORD })
		);
		expect(stillBlocked.code).toBe('TOO_MANY_REQUESTS');
	});

	it('locks an account for everyone after many failures from many addresses, until a password reset', async () => {
		const user = await createTestUser(db.em());
		for (let i = 0; i < LIMITS.signInFailuresPerAccount.points; i++) {
			await rejection(
				signIn(db.em(), actorFor(null, { ip: uniqueIp() }), { email: user.email, password: `wrong-${i}` })
			);
		}
		const blocked = await rejection(
			signIn(db.em(), actorFor(null, { ip: uniqueIp() }), { email: user.email, password: TEST_PASSWORD })
		);
		expect(blocked.code).toBe('TOO_MANY_REQUESTS');
		expect(blocked.message).toMatch(/Forgot your password\?/);
		// Choosing a new password from an emailed link proves the mailbox: the lock is lifted.
		const token = await db
			.em()
			.transactional((tx) =>
				issueToken(tx, { purpose: 'password_reset', user: tx.getReference(User, user.id) })
			);
		await resetPassword(db.em(), actorFor(null), { token, password: 'a brand new password' });
		expect(
			(
				await signIn(db.em(), actorFor(null, { ip: uniqueIp() }), {
					email: user.email,
					password: 'a brand new password'
				})
			).status
		).toBe('signed_in');
	});

	it('does not count successful sign-ins toward the limit of one address', async () => {
		const user = await createTestUser(db.em());
		const office = actorFor(null, { ip: uniqueIp() });
		for (let i = 0; i <= LIMITS.signInFailuresPerIp.points; i++) {
			const result = await signIn(db.em(), office, { email: user.email, password: TEST_PASSWORD });
			expect(result.status, `sign-in ${i + 1}`).toBe('signed_in');
		}
	});

	it('limits failed attempts per IP address, whatever the account', async () => {
		const actor = actorFor(null, { ip: uniqueIp() });
		let limited: AppError | null = null;
		for (let i = 0; i <= LIMITS.signInFailuresPerIp.points && !limited; i++) {
			const error = await rejection(
				signIn(db.em(), actor, { email: `spray-${i}-${uniqueSuffix()}@clinic.test`, password: 'guess' })
			);
			if (error.code === 'TOO_MANY_REQUESTS') limited = error;
		}
		expect(limited?.code).toBe('TOO_MANY_REQUESTS');
		expect(limited?.message).toMatch(/Try again in \d+ minutes?/);
	});

	it('answers through the router with the session token and nothing else of the account', async () => {
		const user = await createTestUser(db.em());
		const answer = await callerFor(db.em(), null).account.signIn({
			email: user.email,
			password: TEST_PASSWORD
		});
		expect(Object.keys(answer).sort()).toEqual(['kind', 'status', 'token']);
		expect(answer).toMatchObject({ status: 'signed_in', kind: 'staff' });
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

describe('turning two-factor on', () => {
	it('signs the user out everywhere else and keeps this session', async () => {
		const user = await createTestUser(db.em());
		const here = await createSession(db.em(), { user });
		const elsewhere = await createSession(db.em(), { user });
		const actor = actorFor(user, { sessionId: here.session.id });
		const enrollment = await startTwoFactor(db.em(), actor);
		const totp = new OTPAuth.TOTP({
			secret: OTPAuth.Secret.fromBase32(enrollment.secret),
			digits: 6,
			period: 30
		});
		const now = new Date();
		const result = await confirmTwoFactor(db.em(), actor, {
			code: totp.generate({ timestamp: now.getTime() }),
			now
		});
		expect(result).toEqual({ otherSessionsEnded: 1 });
		expect(await validateSession(db.em(), here.token)).not.toBeNull();
		expect(await validateSession(db.em(), elsewhere.token)).toBeNull();
	});
});

describe('password reset', () => {
	const resetJobsFor = (email: string) =>
		queuedJobs<Parameters<typeof sendRequestedPasswordReset>[1]>(
			db,
			passwordResetSendJob.name,
			'email',
			email
		);

	/** "Forgot your password?" as the page asks it, then the job it enqueued, run as the worker would. */
	async function requestReset(email: string): Promise<void> {
		await requestPasswordReset(db.em(), actorFor(null), { email });
		const job = (await resetJobsFor(email.toLowerCase())).at(-1);
		if (!job) throw new Error(`no reset job for ${email}`);
		await sendRequestedPasswordReset(db.em(), job);
	}

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
		await requestReset(user.email);
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
		const [job] = await resetJobsFor(email);
		expect(await sendRequestedPasswordReset(db.em(), job!)).toBe(false);
		expect(await db.em().count(Notification, { recipient: email })).toBe(0);
		const audit = await db
			.em()
			.findOneOrFail(AuditEvent, { action: 'auth.password_reset_requested', actorLabel: email });
		expect(audit.details).toEqual({ unknownEmail: true });
	});

	it('does the same work for a known and an unknown address while the person waits, and sends from the job', async () => {
		const user = await createTestUser(db.em());
		const unknown = `ghost-${uniqueSuffix()}@clinic.test`;
		const tokensBefore = await db.em().count(OneTimeToken, { user: user.id });
		const knownStatements = await statementsOf(db, () =>
			requestPasswordReset(db.em(), actorFor(null), { email: user.email })
		);
		const unknownStatements = await statementsOf(db, () =>
			requestPasswordReset(db.em(), actorFor(null), { email: unknown })
		);
		expect(knownStatements.length).toBeGreaterThan(0);
		expect(knownStatements).toEqual(unknownStatements);
		// Nothing is looked up, issued or queued to send before the answer: one job each, no link yet.
		expect(await resetJobsFor(user.email)).toHaveLength(1);
		expect(await resetJobsFor(unknown)).toHaveLength(1);
		expect(await db.em().count(OneTimeToken, { user: user.id })).toBe(tokensBefore);
		expect(await db.em().count(Notification, { recipient: { $in: [user.email, unknown] } })).toBe(0);

		const [job] = await resetJobsFor(user.email);
		expect(await sendRequestedPasswordReset(db.em(), job!)).toBe(true);
		expect(await db.em().count(Notification, { recipient: user.email })).toBe(1);
	});

	it('ends an older link when a newer one is sent', async () => {
		const user = await createTestUser(db.em());
		await requestReset(user.email);
		const older = await resetLinkFor(user.email);
		await requestReset(user.email);
		const newer = await resetLinkFor(user.email);
		expect(newer).not.toBe(older);
		const error = await rejection(
			resetPassword(db.em(), actorFor(null), { token: older, password: 'from the old email' })
		);
		expect(error.message).toMatch(/expired or was already used/);
		await resetPassword(db.em(), actorFor(null), { token: newer, password: 'from the new email' });
	});

	it('ends every other outstanding link once one is used', async () => {
		const user = await createTestUser(db.em());
		// Two links out at once (an admin's and the person's own, say).
		const [first, second] = await db.em().transactional(async (tx) => {
			const ref = tx.getReference(User, user.id);
			return [
				await issueToken(tx, { purpose: 'password_reset', user: ref }),
				await issueToken(tx, { purpose: 'password_reset', user: ref })
			];
		});
		await resetPassword(db.em(), actorFor(null), { token: second!, password: 'chosen with the second' });
		const error = await rejection(
			resetPassword(db.em(), actorFor(null), { token: first!, password: 'chosen with the first' })
		);
		expect(error.code).toBe('BAD_REQUEST');
		expect(
			(await signIn(db.em(), actorFor(null), { email: user.email, password: 'chosen with the second' }))
				.status
		).toBe('signed_in');
	});

	it('ends outstanding links when the password is changed in My account', async () => {
		const user = await createTestUser(db.em());
		await requestReset(user.email);
		const link = await resetLinkFor(user.email);
		await changePassword(db.em(), actorFor(user), {
			currentPassword: TEST_PASSWORD,
			newPassword: 'changed in my account'
		});
		const error = await rejection(
			resetPassword(db.em(), actorFor(null), { token: link, password: 'from the link' })
		);
		expect(error.code).toBe('BAD_REQUEST');
	});

	it('says how many API keys still work after a reset, and lets the person revoke them all', async () => {
		const user = await createTestUser(db.em());
		const keys = await Promise.all(
			['Website', 'Reports'].map((name) => createApiKey(db.em(), actorFor(user), { name, userId: user.id }))
		);
		await requestReset(user.email);
		const token = await resetLinkFor(user.email);
		const outcome = await callerFor(db.em(), null).account.resetPassword({
			token,
			password: 'a new password here'
		});
		expect(outcome.liveApiKeys).toBe(2);
		expect(outcome.session).not.toBeNull();

		const session = await validateSession(db.em(), outcome.session!.token);
		const me = callerFor(db.em(), user, { sessionId: session!.sessionId });
		expect(await me.account.revokeApiKeys()).toEqual({ revoked: 2 });
		for (const { secret } of keys) expect(await authenticateApiKey(db.em(), secret)).toBeNull();
	});
});

describe('checking the current password', () => {
	it('limits wrong current passwords per user, with a retry time, and audits every check', async () => {
		const user = await createTestUser(db.em());
		const me = callerFor(db.em(), user);
		const limit = LIMITS.passwordCheckFailuresPerUser;
		for (let i = 0; i < limit.points; i++) {
			const failure = await failureOf(
				me.account.changePassword({ currentPassword: `wrong-${i}`, newPassword: 'a new password here' })
			);
			expect(failure.code).toBe('BAD_REQUEST');
			expect(failure.fieldErrors.currentPassword).toEqual(['Your current password is not right']);
		}
		// Even the right password now waits: a stolen session cannot be used to guess it.
		const context = contextFor(db.em(), user);
		const blocked = await failureOf(
			createCaller(context).account.changePassword({
				currentPassword: TEST_PASSWORD,
				newPassword: 'a new password here'
			})
		);
		expect(blocked.code).toBe('TOO_MANY_REQUESTS');
		expect(blocked.message).toMatch(/Try again in 15 minutes/);
		expect(Number(context.responseHeaders.get('Retry-After'))).toBeGreaterThan(0);
		// Turning two-factor off asks for the same password: the same limit applies.
		expect((await failureOf(me.account.disableTwoFactor({ password: TEST_PASSWORD }))).code).toBe(
			'TOO_MANY_REQUESTS'
		);
		expect(await auditFor(user.id, 'auth.password_check_failed')).toHaveLength(limit.points);
		expect(await auditFor(user.id, 'auth.password_check_blocked')).toHaveLength(2);

		const later = new Date(Date.now() + (limit.windowSeconds + 1) * 1000);
		await changePassword(db.em(), actorFor(user), {
			currentPassword: TEST_PASSWORD,
			newPassword: 'a new password here',
			now: later
		});
		const passed = await auditFor(user.id, 'auth.password_check_passed');
		expect(passed.map((e) => e.details)).toEqual([{ for: 'change_password' }]);
	});

	it('audits a wrong password when turning two-factor off', async () => {
		const user = await createTestUser(db.em());
		const failure = await failureOf(
			callerFor(db.em(), user).account.disableTwoFactor({ password: 'not it' })
		);
		expect(failure.fieldErrors.password).toEqual(['Your password is not right']);
		const [event] = await auditFor(user.id, 'auth.password_check_failed');
		expect(event?.details).toEqual({ for: 'disable_two_factor' });
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
