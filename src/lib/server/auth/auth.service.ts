// Signing in and out, two-factor, password reset and the first admin. Every outcome is audited;
// failures answer the same whatever the reason, so nobody can learn which emails have accounts.
// Failed sign-ins are counted per account and source, per account and per IP: someone guessing from
// elsewhere cannot lock the owner out, and signing in successfully never counts against anyone.
import { LockMode } from '@mikro-orm/postgresql';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { countLiveApiKeys } from './api-keys.service.ts';
import { recordAudit, recordAuditNow } from '../audit/audit.service.ts';
import { enqueue } from '../jobs/boss.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import { ClinicSettings } from '../settings/clinic-settings.entity.ts';
import type { Actor } from './actor.ts';
import { passwordResetSendJob } from './auth.jobs.ts';
import { OneTimeToken, type TokenPurpose } from './one-time-token.entity.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';
import {
	clearLimit,
	clearLimitsStartingWith,
	hitLimit,
	peekLimit,
	peekLimits,
	type Limit
} from './rate-limit.ts';
import { createSession, endSession, endUserSessions, toSessionUser } from './sessions.service.ts';
import { hashToken, newToken } from './tokens.ts';
import { User, type UserKind } from './user.entity.ts';

export const SIGN_IN_FAILED = 'That email and password do not match an active account.';
const LINK_INVALID = 'This link has expired or was already used. Ask for a new one.';

export const LIMITS = {
	/** Failed sign-ins to one account from one IP address: someone guessing that person's password. */
	signInFailuresPerAccountAndIp: { points: 5, windowSeconds: 15 * 60 },
	/**
	 * Failed sign-ins to one account from anywhere: high enough that nobody can lock its owner out at
	 * will, low enough to stop guessing spread over many addresses.
	 */
	signInFailuresPerAccount: { points: 50, windowSeconds: 15 * 60 },
	/** Failed sign-ins from one IP address, whatever the account (trying one password on many). */
	signInFailuresPerIp: { points: 30, windowSeconds: 15 * 60 },
	/** Wrong current passwords (changing it, turning two-factor off) per signed-in user. */
	passwordCheckFailuresPerUser: { points: 5, windowSeconds: 15 * 60 },
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

function minutesText(retryAfter: number): string {
	const minutes = Math.ceil(retryAfter / 60);
	return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

function tooMany(retryAfter: number): AppError {
	return new AppError('TOO_MANY_REQUESTS', `Too many attempts. Try again in ${minutesText(retryAfter)}.`, {
		retryAfter
	});
}

type SignInScope = 'account_and_ip' | 'account' | 'ip';

/** One account's failure counter for one source; the email is hashed to keep keys short. */
function accountSourcePrefix(email: string): string {
	return `signin:account-ip:${hashToken(email).slice(0, 32)}:`;
}

function signInCounters(email: string, ip: string | null) {
	return [
		{
			scope: 'account_and_ip',
			key: accountSourcePrefix(email) + (ip ?? 'unknown'),
			limit: LIMITS.signInFailuresPerAccountAndIp
		},
		{ scope: 'account', key: `signin:account:${email}`, limit: LIMITS.signInFailuresPerAccount },
		{ scope: 'ip', key: `signin:ip:${ip ?? 'unknown'}`, limit: LIMITS.signInFailuresPerIp }
	] as const satisfies readonly { scope: SignInScope; key: string; limit: Limit }[];
}

/** Which counter (if any) stops this sign-in now, and for how long. */
async function signInBlock(
	em: Em,
	email: string,
	ip: string | null,
	now: Date
): Promise<{ scope: SignInScope; retryAfter: number } | null> {
	const counters = signInCounters(email, ip);
	const states = await peekLimits(em, counters, now);
	const over = counters.flatMap((c, i) => (states[i]!.count >= c.limit.points ? [{ c, s: states[i]! }] : []));
	if (over.length === 0) return null;
	return { scope: over[0]!.c.scope, retryAfter: Math.max(...over.map((o) => o.s.retryAfter)) };
}

async function countSignInFailure(em: Em, email: string, ip: string | null, now: Date): Promise<void> {
	for (const counter of signInCounters(email, ip)) await hitLimit(em, counter.key, counter.limit, now);
}

/** A locked-out person is told how long to wait, and what else they can do. */
function signInLocked(scope: SignInScope, retryAfter: number): AppError {
	const wait = minutesText(retryAfter);
	const message =
		scope === 'ip'
			? `Too many failed sign-ins from your network. Try again in ${wait}, or ask a Casebook admin at your clinic for help.`
			: `Too many failed sign-ins to this account. Try again in ${wait}, or choose a new password with “Forgot your password?” (an admin at your clinic can also send you a reset link).`;
	return new AppError('TOO_MANY_REQUESTS', message, { retryAfter, details: { lockedOut: scope } });
}

/** A successful reset proves the person owns the account: its failure counters start again. */
async function clearAccountSignInFailures(em: Em, email: string): Promise<void> {
	await clearLimit(em, `signin:account:${email}`);
	await clearLimitsStartingWith(em, accountSourcePrefix(email));
}

/**
 * Ends a user's outstanding one-time tokens of these purposes: only the newest reset link works, and
 * none works once the password has changed another way.
 */
export async function endOutstandingTokens(
	em: Em,
	userId: string,
	purposes: TokenPurpose[],
	now = new Date()
): Promise<number> {
	return em.nativeUpdate(
		OneTimeToken,
		{ user: userId, purpose: { $in: purposes }, usedAt: null, expiresAt: { $gt: now } },
		{ expiresAt: now }
	);
}

/** After a password change: no older reset link, and no sign-in half done with the old password. */
export function endPasswordLinks(em: Em, userId: string, now = new Date()): Promise<number> {
	return endOutstandingTokens(em, userId, ['password_reset', 'two_factor'], now);
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

type SignedIn = { status: 'signed_in'; token: string; user: User; sessionId: string };
export type SignInResult = SignedIn | { status: 'needs_two_factor'; challenge: string };

export async function signIn(
	em: Em,
	actor: Actor,
	input: { email: string; password: string; userAgent?: string | null; now?: Date }
): Promise<SignInResult> {
	const now = input.now ?? new Date();
	const email = input.email.trim().toLowerCase();
	const block = await signInBlock(em, email, actor.ip, now);
	if (block) {
		await recordAuditNow(em, actor, {
			action: 'auth.sign_in_blocked',
			actorType: 'anonymous',
			actorLabel: email,
			details: { reason: `${block.scope}_rate_limit` }
		});
		throw signInLocked(block.scope, block.retryAfter);
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
		await countSignInFailure(em, email, actor.ip, now);
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
): Promise<SignedIn> {
	// The owner got in from here: their typos from this source are forgotten. The account-wide count
	// stays, so an attacker spread over many addresses gains nothing from the owner signing in.
	await clearLimit(em, accountSourcePrefix(user.email) + (actor.ip ?? 'unknown'));
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
	const block = await signInBlock(em, user.email, actor.ip, now);
	if (block) throw signInLocked(block.scope, block.retryAfter);
	if (!user.isActive || !acceptTotp(user, input.code, now)) {
		await countSignInFailure(em, user.email, actor.ip, now);
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

/**
 * "Forgot your password?": answers the same, after the same work, whether or not the address has an
 * account. It only enqueues a job; the job (sendRequestedPasswordReset) looks the account up and
 * emails a link when there is one, so the answer's timing says nothing either.
 */
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
	await em.transactional(async (tx) => {
		await enqueue(tx, passwordResetSendJob, {
			email,
			requestedAt: now.toISOString(),
			requestId: actor.requestId,
			ip: actor.ip
		});
	});
}

/**
 * The job behind "Forgot your password?": emails a reset link when the address belongs to an active
 * account, and audits the request either way. A request older than a link's lifetime is dropped:
 * nobody is waiting for that email any more. Returns whether a link was sent.
 */
export async function sendRequestedPasswordReset(
	em: Em,
	data: { email: string; requestedAt: string; requestId: string | null; ip: string | null },
	now = new Date()
): Promise<boolean> {
	const requestedAt = new Date(data.requestedAt);
	if (now.getTime() - requestedAt.getTime() >= TOKEN_LIFETIME_MINUTES.password_reset * 60_000) return false;
	const actor: Actor = { user: null, sessionId: null, requestId: data.requestId, ip: data.ip };
	return em.transactional(async (tx) => {
		const user = await tx.findOne(User, { email: data.email, isActive: true });
		recordAudit(tx, actor, {
			action: 'auth.password_reset_requested',
			actorType: 'anonymous',
			actorLabel: data.email,
			recordType: user ? 'user' : undefined,
			recordId: user?.id,
			details: user ? undefined : { unknownEmail: true }
		});
		if (user) await sendPasswordLink(tx, user, 'reset', now);
		return Boolean(user);
	});
}

/** Queues the "set your password" email for a new colleague or the reset email (inside a transaction). */
export async function sendPasswordLink(em: Em, user: User, kind: 'welcome' | 'reset', now = new Date()) {
	// Only the newest link works: an older email left in an inbox (or a backup) opens nothing.
	await endOutstandingTokens(em, user.id, ['password_reset'], now);
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
		await endPasswordLinks(tx, user.id, now);
		await clearAccountSignInFailures(tx, user.email);
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

export interface SignedInSession {
	/** The session cookie's value: the caller sets it (HttpOnly) and never shows it. */
	token: string;
	kind: UserKind;
}

export interface PasswordResetOutcome {
	/** Set when the person is signed straight in: no second factor to ask for. */
	session: SignedInSession | null;
	/** Live API keys: a new password does not stop them, so the confirmation offers to revoke them. */
	liveApiKeys: number;
}

/** The reset-password page: a new password from a link, then signed in (unless two-factor is on). */
export async function completePasswordReset(
	em: Em,
	actor: Actor,
	input: { token: string; password: string; userAgent?: string | null; now?: Date }
): Promise<PasswordResetOutcome> {
	const now = input.now ?? new Date();
	const { id } = await resetPassword(em, actor, { ...input, now });
	const user = await em.findOneOrFail(User, { id });
	const liveApiKeys = user.kind === 'staff' ? await countLiveApiKeys(em, user.id) : 0;
	// Two-factor users sign in normally: the link proves the mailbox, not the second factor.
	if (user.totpEnabledAt) return { session: null, liveApiKeys };
	const { token } = await finishSignIn(em, actor, user, {
		now,
		userAgent: input.userAgent,
		method: 'password_reset'
	});
	return { session: { token, kind: user.kind }, liveApiKeys };
}

type PasswordCheckPurpose = 'change_password' | 'disable_two_factor';

/**
 * Checks the signed-in user's current password before a sensitive change. Limited per user (a
 * stolen session cannot be used to guess the password) and audited whether it passes or fails.
 */
async function checkCurrentPassword(
	em: Em,
	actor: Actor,
	input: { password: string; purpose: PasswordCheckPurpose; field: string; now: Date }
): Promise<User> {
	const user = actor.user && (await loadWithSecrets(em, { id: actor.user.id }));
	if (!user) throw new AppError('UNAUTHORIZED', 'Please sign in.');
	const key = `password-check:user:${user.id}`;
	const limit = LIMITS.passwordCheckFailuresPerUser;
	const state = await peekLimit(em, key, limit, input.now);
	if (state.count >= limit.points) {
		await recordAuditNow(em, actor, {
			action: 'auth.password_check_blocked',
			recordType: 'user',
			recordId: user.id,
			details: { for: input.purpose }
		});
		throw new AppError(
			'TOO_MANY_REQUESTS',
			`Too many wrong passwords. Try again in ${minutesText(state.retryAfter)}. If you have forgotten your password, sign out and use “Forgot your password?”.`,
			{ retryAfter: state.retryAfter }
		);
	}
	let isRight = false;
	if (user.passwordHash) isRight = await verifyPassword(user.passwordHash, input.password);
	else await burnPasswordCheck(input.password);
	if (!isRight) {
		await hitLimit(em, key, limit, input.now);
		await recordAuditNow(em, actor, {
			action: 'auth.password_check_failed',
			recordType: 'user',
			recordId: user.id,
			details: { for: input.purpose }
		});
		const message =
			input.field === 'currentPassword' ? 'Your current password is not right' : 'Your password is not right';
		throw new AppError('BAD_REQUEST', `${message}.`, { fieldErrors: { [input.field]: [message] } });
	}
	await clearLimit(em, key);
	await recordAuditNow(em, actor, {
		action: 'auth.password_check_passed',
		recordType: 'user',
		recordId: user.id,
		details: { for: input.purpose }
	});
	return user;
}

export async function changePassword(
	em: Em,
	actor: Actor,
	input: { currentPassword: string; newPassword: string; now?: Date }
): Promise<void> {
	const now = input.now ?? new Date();
	const user = await checkCurrentPassword(em, actor, {
		password: input.currentPassword,
		purpose: 'change_password',
		field: 'currentPassword',
		now
	});
	await em.transactional(async (tx) => {
		const fresh = (await loadWithSecrets(tx, { id: user.id }))!;
		fresh.passwordHash = await hashPassword(input.newPassword);
		fresh.passwordChangedAt = now;
		await tx.flush();
		const ended = await endUserSessions(tx, user.id, 'password_changed', { except: actor.sessionId, now });
		await endPasswordLinks(tx, user.id, now);
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

/**
 * Turns two-factor on once the first code checks out, and signs the user out everywhere else: a
 * session someone else may hold was started without the second factor. Returns how many ended.
 */
export async function confirmTwoFactor(
	em: Em,
	actor: Actor,
	input: { code: string; now?: Date }
): Promise<{ otherSessionsEnded: number }> {
	const now = input.now ?? new Date();
	return em.transactional(async (tx) => {
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
		await tx.flush();
		const otherSessionsEnded = await endUserSessions(tx, user.id, 'two_factor_enabled', {
			except: actor.sessionId,
			now
		});
		recordAudit(tx, actor, {
			action: 'auth.two_factor_enabled',
			recordType: 'user',
			recordId: user.id,
			changedFields: ['twoFactor'],
			details: { otherSessionsEnded }
		});
		return { otherSessionsEnded };
	});
}

export async function disableTwoFactor(em: Em, actor: Actor, input: { password: string; now?: Date }) {
	const now = input.now ?? new Date();
	const settings = await em.findOneOrFail(ClinicSettings, { id: 1 });
	if (settings.requireTwoFactor) {
		throw new AppError('FORBIDDEN', 'Your clinic requires two-factor authentication for every account.');
	}
	const checked = await checkCurrentPassword(em, actor, {
		password: input.password,
		purpose: 'disable_two_factor',
		field: 'password',
		now
	});
	await em.transactional(async (tx) => {
		const user = (await loadWithSecrets(tx, { id: checked.id }))!;
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

/** The setup page: creates the first admin from the setup link and signs them in. */
export async function setUpFirstAdmin(
	em: Em,
	actor: Actor,
	input: {
		token: string;
		name: string;
		email: string;
		password: string;
		userAgent?: string | null;
		now?: Date;
	}
): Promise<SignedInSession> {
	const now = input.now ?? new Date();
	const { id } = await createFirstAdmin(em, actor, { ...input, now });
	const user = await em.findOneOrFail(User, { id });
	const { token } = await finishSignIn(em, actor, user, {
		now,
		userAgent: input.userAgent,
		method: 'setup_link'
	});
	return { token, kind: user.kind };
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
