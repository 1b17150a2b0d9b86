// Signing in and out, two-factor, password reset and the first admin. Every outcome is audited;
// failures answer the same whatever the reason, so nobody can learn which emails have accounts.
import { LockMode } from '@mikro-orm/postgresql';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { recordAudit, recordAuditNow } from '../audit/audit.service.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import { ClinicSettings } from '../settings/clinic-settings.entity.ts';
import type { Actor } from './actor.ts';
import { OneTimeToken, type TokenPurpose } from './one-time-token.entity.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';
import { clearLimit, hitLimit, peekLimit, type Limit } from './rate-limit.ts';
import { createSession, endSession, endUserSessions, toSessionUser } from './sessions.service.ts';
import { hashToken, newToken } from './tokens.ts';
import { User } from './user.entity.ts';

export const SIGN_IN_FAILED = 'That email and password do not match an active account.';
const LINK_INVALID = 'This link has expired or was already used. Ask for a new one.';

export const LIMITS = {
	signInPerIp: { points: 30, windowSeconds: 15 * 60 },
	signInFailuresPerAccount: { points: 5, windowSeconds: 15 * 60 },
	resetPerAccount: { points: 3, windowSeconds: 60 * 60 },
	resetPerIp: { points: 10, windowSeconds: 60 * 60 }
} satisfies Record<string, Limit>;

const TOKEN_LIFETIME_MINUTES: Record<TokenPurpose, number> = {
	first_admin: 24 * 60,
	password_reset: 30,
	two_factor: 5
};
/** A new colleague's "set your password" link lives longer than a reset link. */
const WELCOME_LINK_MINUTES = 72 * 60;

function tooMany(retryAfter: number): AppError {
	const minutes = Math.ceil(retryAfter / 60);
	return new AppError(
		'TOO_MANY_REQUESTS',
		`Too many attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
		{ retryAfter }
	);
}

export async function issueToken(
	em: Em,
	options: { purpose: TokenPurpose; user?: User | null; now?: Date; minutes?: number }
): Promise<string> {
	const now = options.now ?? new Date();
	const token = newToken();
	em.create(OneTimeToken, {
		purpose: options.purpose,
		tokenHash: hashToken(token),
		user: options.user ?? null,
		createdAt: now,
		expiresAt: new Date(now.getTime() + (options.minutes ?? TOKEN_LIFETIME_MINUTES[options.purpose]) * 60_000)
	});
	await em.flush();
	return token;
}

/** Marks a token used and returns it, or null when unknown, expired or already used. */
async function consumeToken(
	em: Em,
	token: string,
	purpose: TokenPurpose,
	now: Date
): Promise<OneTimeToken | null> {
	if (!token || token.length > 100) return null;
	const tokenHash = hashToken(token);
	// A conditional update: two requests racing with the same token cannot both succeed.
	const updated = await em.nativeUpdate(
		OneTimeToken,
		{ tokenHash, purpose, usedAt: null, expiresAt: { $gt: now } },
		{ usedAt: now }
	);
	if (updated !== 1) return null;
	return em.findOne(OneTimeToken, { tokenHash }, { populate: ['user'] });
}

/** Whether a token is still usable, without using it (to show the form behind a link). */
export async function isTokenUsable(em: Em, token: string, purpose: TokenPurpose, now = new Date()) {
	if (!token || token.length > 100) return false;
	const found = await em.count(OneTimeToken, {
		tokenHash: hashToken(token),
		purpose,
		usedAt: null,
		expiresAt: { $gt: now }
	});
	return found === 1;
}

async function loadWithSecrets(em: Em, where: { email: string } | { id: string }): Promise<User | null> {
	return em.findOne(User, where, { populate: ['passwordHash', 'totpSecret'] });
}

export type SignInResult =
	| { status: 'signed_in'; token: string; user: User; sessionId: string }
	| { status: 'needs_two_factor'; challenge: string };

export async function signIn(
	em: Em,
	actor: Actor,
	input: { email: string; password: string; userAgent?: string | null; now?: Date }
): Promise<SignInResult> {
	const now = input.now ?? new Date();
	const email = input.email.trim().toLowerCase();
	const accountKey = `signin:account:${email}`;
	const ipState = await hitLimit(em, `signin:ip:${actor.ip ?? 'unknown'}`, LIMITS.signInPerIp, now);
	const accountState = await peekLimit(em, accountKey, LIMITS.signInFailuresPerAccount, now);
	if (ipState.isOver || accountState.count >= LIMITS.signInFailuresPerAccount.points) {
		await recordAuditNow(em, actor, {
			action: 'auth.sign_in_blocked',
			actorType: 'anonymous',
			actorLabel: email,
			details: { reason: ipState.isOver ? 'ip_rate_limit' : 'account_rate_limit' }
		});
		throw tooMany(ipState.isOver ? ipState.retryAfter : accountState.retryAfter);
	}

	const user = await loadWithSecrets(em, { email });
	let reason: string | null = null;
	if (!user || !user.passwordHash) {
		await burnPasswordCheck(input.password);
		reason = user ? 'no_password' : 'unknown_email';
	} else if (!(await verifyPassword(user.passwordHash, input.password))) {
		reason = 'wrong_password';
	} else if (!user.isActive) {
		reason = 'inactive';
	}
	if (reason) {
		await hitLimit(em, accountKey, LIMITS.signInFailuresPerAccount, now);
		await recordAuditNow(em, actor, {
			action: 'auth.sign_in_failed',
			actorType: 'anonymous',
			actorId: user?.id ?? null,
			actorLabel: email,
			details: { reason }
		});
		throw new AppError('UNAUTHORIZED', SIGN_IN_FAILED);
	}

	if (user!.totpEnabledAt) {
		const challenge = await issueToken(em, { purpose: 'two_factor', user, now });
		return { status: 'needs_two_factor', challenge };
	}
	return finishSignIn(em, actor, user!, { now, userAgent: input.userAgent, method: 'password' });
}

async function finishSignIn(
	em: Em,
	actor: Actor,
	user: User,
	options: { now: Date; userAgent?: string | null; method: string }
): Promise<SignInResult> {
	await clearLimit(em, `signin:account:${user.email}`);
	user.lastSignInAt = options.now;
	const { token, session } = await createSession(em, {
		user,
		ip: actor.ip,
		userAgent: options.userAgent,
		now: options.now
	});
	await recordAuditNow(
		em,
		{ ...actor, user: toSessionUser(user), sessionId: session.id },
		{ action: 'auth.sign_in', recordType: 'user', recordId: user.id, details: { method: options.method } }
	);
	return { status: 'signed_in', token, user, sessionId: session.id };
}

function totpFor(user: User, secret: string): OTPAuth.TOTP {
	return new OTPAuth.TOTP({
		issuer: 'Casebook',
		label: user.email,
		algorithm: 'SHA1',
		digits: 6,
		period: 30,
		secret: OTPAuth.Secret.fromBase32(secret)
	});
}

/** Checks a code and remembers its time step, so the same code cannot be replayed. */
function acceptTotp(user: User, code: string, now: Date): boolean {
	if (!user.totpSecret) return false;
	const delta = totpFor(user, user.totpSecret).validate({ token: code, timestamp: now.getTime(), window: 1 });
	if (delta === null) return false;
	const step = Math.floor(now.getTime() / 30_000) + delta;
	if (user.totpLastStep !== null && user.totpLastStep !== undefined && step <= user.totpLastStep)
		return false;
	user.totpLastStep = step;
	return true;
}

export async function completeTwoFactor(
	em: Em,
	actor: Actor,
	input: { challenge: string; code: string; userAgent?: string | null; now?: Date }
): Promise<SignInResult> {
	const now = input.now ?? new Date();
	const pending = await em.findOne(
		OneTimeToken,
		{ tokenHash: hashToken(input.challenge), purpose: 'two_factor', usedAt: null, expiresAt: { $gt: now } },
		{ populate: ['user'] }
	);
	if (!pending?.user) throw new AppError('UNAUTHORIZED', 'Your sign-in timed out. Please start again.');
	const user = (await loadWithSecrets(em, { id: pending.user.id }))!;
	const accountKey = `signin:account:${user.email}`;
	const state = await peekLimit(em, accountKey, LIMITS.signInFailuresPerAccount, now);
	if (state.count >= LIMITS.signInFailuresPerAccount.points) throw tooMany(state.retryAfter);
	if (!user.isActive || !acceptTotp(user, input.code, now)) {
		await hitLimit(em, accountKey, LIMITS.signInFailuresPerAccount, now);
		await recordAuditNow(em, actor, {
			action: 'auth.sign_in_failed',
			actorType: 'anonymous',
			actorId: user.id,
			actorLabel: user.email,
			details: { reason: 'wrong_two_factor_code' }
		});
		throw new AppError(
			'UNAUTHORIZED',
			'That code is not right. Check your authenticator app and try again.',
			{
				fieldErrors: { code: ['That code is not right'] }
			}
		);
	}
	pending.usedAt = now;
	return finishSignIn(em, actor, user, { now, userAgent: input.userAgent, method: 'password+totp' });
}

export async function signOut(em: Em, actor: Actor, now = new Date()): Promise<void> {
	if (!actor.sessionId) return;
	await em.transactional(async (tx) => {
		await endSession(tx, actor.sessionId!, 'signed_out', now);
		recordAudit(tx, actor, { action: 'auth.sign_out', recordType: 'user', recordId: actor.user?.id });
	});
}

/** Emails a reset link when the address belongs to an active account; answers the same either way. */
export async function requestPasswordReset(
	em: Em,
	actor: Actor,
	input: { email: string; now?: Date }
): Promise<void> {
	const now = input.now ?? new Date();
	const email = input.email.trim().toLowerCase();
	const perIp = await hitLimit(em, `reset:ip:${actor.ip ?? 'unknown'}`, LIMITS.resetPerIp, now);
	const perAccount = await hitLimit(em, `reset:account:${email}`, LIMITS.resetPerAccount, now);
	if (perIp.isOver || perAccount.isOver) throw tooMany(Math.max(perIp.retryAfter, perAccount.retryAfter));
	const user = await em.findOne(User, { email, isActive: true });
	await em.transactional(async (tx) => {
		recordAudit(tx, actor, {
			action: 'auth.password_reset_requested',
			actorType: actor.user ? undefined : 'anonymous',
			actorLabel: actor.user ? undefined : email,
			recordType: user ? 'user' : undefined,
			recordId: user?.id,
			details: user ? undefined : { unknownEmail: true }
		});
		if (user) await sendPasswordLink(tx, user, 'reset', now);
	});
}

/** Queues the "set your password" email for a new colleague or the reset email (inside a transaction). */
export async function sendPasswordLink(em: Em, user: User, kind: 'welcome' | 'reset', now = new Date()) {
	const token = await issueToken(em, {
		purpose: 'password_reset',
		user,
		now,
		minutes: kind === 'welcome' ? WELCOME_LINK_MINUTES : undefined
	});
	const origin = getConfig().ORIGIN;
	const link = `${origin}/reset-password?token=${encodeURIComponent(token)}`;
	const body =
		kind === 'welcome'
			? `Hello ${user.name},\n\nAn account has been created for you in Casebook. Choose your password here (the link works for 72 hours):\n\n${link}\n\nYour sign-in email is ${user.email}.`
			: `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset your Casebook password. Choose a new one here; the link works once, for 30 minutes:\n\n${link}\n\nIf you did not ask for this, you can ignore this email: your password stays as it is.`;
	await queueNotification(em, {
		channel: 'email',
		recipient: user.email,
		purpose: `password-link:${hashToken(token).slice(0, 32)}`,
		subject: kind === 'welcome' ? 'Your Casebook account' : 'Reset your Casebook password',
		body,
		related: { type: 'user', id: user.id }
	});
}

export async function resetPassword(
	em: Em,
	actor: Actor,
	input: { token: string; password: string; now?: Date }
): Promise<User> {
	const now = input.now ?? new Date();
	return em.transactional(async (tx) => {
		const token = await consumeToken(tx, input.token, 'password_reset', now);
		if (!token?.user) throw new AppError('BAD_REQUEST', LINK_INVALID);
		const user = (await loadWithSecrets(tx, { id: token.user.id }))!;
		if (!user.isActive) throw new AppError('BAD_REQUEST', LINK_INVALID);
		user.passwordHash = await hashPassword(input.password);
		user.passwordChangedAt = now;
		await tx.flush();
		const ended = await endUserSessions(tx, user.id, 'password_reset', { now });
		recordAudit(tx, actor, {
			action: 'auth.password_reset',
			actorType: 'anonymous',
			actorId: user.id,
			actorLabel: user.email,
			recordType: 'user',
			recordId: user.id,
			changedFields: ['password'],
			details: { sessionsEnded: ended }
		});
		return user;
	});
}

export async function changePassword(
	em: Em,
	actor: Actor,
	input: { currentPassword: string; newPassword: string; now?: Date }
): Promise<void> {
	const now = input.now ?? new Date();
	const user = actor.user && (await loadWithSecrets(em, { id: actor.user.id }));
	if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
		throw new AppError('BAD_REQUEST', 'Your current password is not right.', {
			fieldErrors: { currentPassword: ['Your current password is not right'] }
		});
	}
	await em.transactional(async (tx) => {
		const fresh = (await loadWithSecrets(tx, { id: user.id }))!;
		fresh.passwordHash = await hashPassword(input.newPassword);
		fresh.passwordChangedAt = now;
		await tx.flush();
		const ended = await endUserSessions(tx, user.id, 'password_changed', { except: actor.sessionId, now });
		recordAudit(tx, actor, {
			action: 'auth.password_changed',
			recordType: 'user',
			recordId: user.id,
			changedFields: ['password'],
			details: { otherSessionsEnded: ended }
		});
	});
}

export interface TwoFactorEnrollment {
	secret: string;
	uri: string;
	qrSvg: string;
}

/** Generates a new (not yet active) secret for the signed-in user and returns how to add it. */
export async function startTwoFactor(em: Em, actor: Actor): Promise<TwoFactorEnrollment> {
	const user = await loadWithSecrets(em, { id: actor.user!.id });
	if (!user) throw new AppError('NOT_FOUND', 'Account not found');
	if (user.totpEnabledAt) throw new AppError('CONFLICT', 'Two-factor authentication is already on.');
	const secret = new OTPAuth.Secret({ size: 20 }).base32;
	user.totpSecret = secret;
	await em.flush();
	const uri = totpFor(user, secret).toString();
	const qrSvg = await QRCode.toString(uri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
	return { secret, uri, qrSvg };
}

export async function confirmTwoFactor(em: Em, actor: Actor, input: { code: string; now?: Date }) {
	const now = input.now ?? new Date();
	await em.transactional(async (tx) => {
		const user = await loadWithSecrets(tx, { id: actor.user!.id });
		if (!user?.totpSecret)
			throw new AppError('BAD_REQUEST', 'Start setting up two-factor authentication first.');
		if (user.totpEnabledAt) throw new AppError('CONFLICT', 'Two-factor authentication is already on.');
		if (!acceptTotp(user, input.code, now)) {
			throw new AppError('BAD_REQUEST', 'That code is not right.', {
				fieldErrors: { code: ['That code is not right. Check the time on your phone and try again.'] }
			});
		}
		user.totpEnabledAt = now;
		recordAudit(tx, actor, {
			action: 'auth.two_factor_enabled',
			recordType: 'user',
			recordId: user.id,
			changedFields: ['twoFactor']
		});
	});
}

export async function disableTwoFactor(em: Em, actor: Actor, input: { password: string }) {
	const settings = await em.findOneOrFail(ClinicSettings, { id: 1 });
	if (settings.requireTwoFactor) {
		throw new AppError('FORBIDDEN', 'Your clinic requires two-factor authentication for every account.');
	}
	await em.transactional(async (tx) => {
		const user = await loadWithSecrets(tx, { id: actor.user!.id });
		if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.password))) {
			throw new AppError('BAD_REQUEST', 'Your password is not right.', {
				fieldErrors: { password: ['Your password is not right'] }
			});
		}
		user.totpSecret = null;
		user.totpEnabledAt = null;
		user.totpLastStep = null;
		recordAudit(tx, actor, {
			action: 'auth.two_factor_disabled',
			recordType: 'user',
			recordId: user.id,
			changedFields: ['twoFactor']
		});
	});
}

export async function hasActiveAdmin(em: Em): Promise<boolean> {
	const count = await em.count(User, { kind: 'staff', isActive: true, roles: { $contains: ['admin'] } });
	return count > 0;
}

/** A fresh setup link for the first admin (older ones stop working). */
export async function issueFirstAdminToken(em: Em, now = new Date()): Promise<string> {
	await em.nativeUpdate(OneTimeToken, { purpose: 'first_admin', usedAt: null }, { usedAt: now });
	return issueToken(em, { purpose: 'first_admin', now });
}

export async function createFirstAdmin(
	em: Em,
	actor: Actor,
	input: { token: string | null; name: string; email: string; password: string; now?: Date }
): Promise<User> {
	const now = input.now ?? new Date();
	return em.transactional(async (tx) => {
		// Serialises concurrent set-ups: only one can create the first admin.
		await tx.findOneOrFail(ClinicSettings, { id: 1 }, { lockMode: LockMode.PESSIMISTIC_WRITE });
		if (await hasActiveAdmin(tx))
			throw new AppError('CONFLICT', 'Casebook already has an admin. Sign in instead.');
		if (input.token !== null) {
			const token = await consumeToken(tx, input.token, 'first_admin', now);
			if (!token)
				throw new AppError('BAD_REQUEST', 'This setup link has expired. Restart Casebook for a new one.');
		}
		if (await tx.count(User, { email: input.email })) {
			throw new AppError('CONFLICT', 'That email already has an account.', {
				fieldErrors: { email: ['That email already has an account'] }
			});
		}
		const user = tx.create(User, {
			kind: 'staff',
			name: input.name,
			email: input.email,
			roles: ['admin'],
			passwordHash: await hashPassword(input.password),
			passwordChangedAt: now
		});
		await tx.flush();
		recordAudit(
			tx,
			{ ...actor, user: toSessionUser(user) },
			{
				action: 'staff.create',
				recordType: 'user',
				recordId: user.id,
				changedFields: ['name', 'email', 'roles'],
				details: { firstAdmin: true, via: input.token === null ? 'environment' : 'setup_link' }
			}
		);
		return user;
	});
}
