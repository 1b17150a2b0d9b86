// API keys for the REST API (/api/v1): each staff member creates, lists and revokes their own. A key
// is 256 random bits, shown once; only its SHA-256 is stored. A request authenticates with a key
// that is not revoked and whose user is still active staff, and then acts as that user.
import { recordAudit, recordAuditNow } from '../audit/audit.service.ts';
import type { Actor, SessionUser } from './actor.ts';
import { toSessionUser } from './sessions.service.ts';
import { hashToken, newToken } from './tokens.ts';
import { User } from './user.entity.ts';
import type { Em } from '../db/orm.ts';
import { AppError, notFound } from '../errors.ts';
import { ApiKey } from './api-key.entity.ts';
import { createApiKeyInput, revokeApiKeyInput, type CreateApiKeyInput } from './api-keys.schemas.ts';

/** Every key starts with this, so a leaked one is easy to recognise (and to scan for). */
export const API_KEY_PREFIX = 'cbk_';
/** How many characters of a key are kept to tell keys apart ("cbk_" and 8 more: 48 of 256 bits). */
const SHOWN_LENGTH = API_KEY_PREFIX.length + 8;
/** How stale lastUsedAt may get before a request refreshes it (saves a write per request). */
const TOUCH_AFTER_MS = 60_000;
/** Live keys per person: plenty for every integration, few enough to review. */
export const MAX_LIVE_KEYS = 20;

export interface ApiKeyView {
	id: string;
	name: string;
	/** The first characters of the key, e.g. "cbk_Zx81Qa0b". */
	prefix: string;
	createdAt: Date;
	lastUsedAt: Date | null;
	revokedAt: Date | null;
	/** ['*'] for full access, or the scopes the key is limited to. */
	scopes: string[];
}

function toView(key: ApiKey): ApiKeyView {
	return {
		id: key.id,
		name: key.name,
		prefix: key.prefix,
		createdAt: key.createdAt,
		lastUsedAt: key.lastUsedAt ?? null,
		revokedAt: key.revokedAt ?? null,
		scopes: key.scopes ?? ['*']
	};
}

/** A new key: the prefix and 32 random bytes in base64url (43 characters). */
export function newApiKey(): string {
	return API_KEY_PREFIX + newToken();
}

/** The caller's own keys, live ones first, newest first. */
export async function findApiKeys(em: Em, actor: Actor): Promise<ApiKeyView[]> {
	const user = actor.user;
	if (!user) throw new AppError('UNAUTHORIZED', 'Please sign in.');
	const keys = await em.find(ApiKey, { user: user.id }, { orderBy: { createdAt: 'desc', id: 'desc' } });
	await recordAuditNow(em, actor, { action: 'api_key.list', recordType: 'user', recordId: user.id });
	return keys.map(toView).sort((a, b) => Number(a.revokedAt !== null) - Number(b.revokedAt !== null));
}

/**
 * Creates a key for `userId` (the caller themself; the CLI, acting as the system, names the user).
 * Returns the key once: it cannot be read again.
 */
export async function createApiKey(
	em: Em,
	actor: Actor,
	raw: CreateApiKeyInput & { userId: string },
	now = new Date()
): Promise<{ key: ApiKeyView; secret: string }> {
	const input = createApiKeyInput.parse(raw);
	if (actor.user && actor.user.id !== raw.userId) {
		throw new AppError('FORBIDDEN', 'You can only create API keys for yourself.');
	}
	return em.transactional(async (tx) => {
		const user = await tx.findOne(User, { id: raw.userId, kind: 'staff', isActive: true });
		if (!user) throw new AppError('NOT_FOUND', 'No active staff member with that account');
		const live = await tx.count(ApiKey, { user: user.id, revokedAt: null });
		if (live >= MAX_LIVE_KEYS) {
			throw new AppError(
				'CONFLICT',
				`You already have ${MAX_LIVE_KEYS} keys: revoke one you no longer use first.`
			);
		}
		const secret = newApiKey();
		const key = tx.create(ApiKey, {
			user,
			name: input.name,
			tokenHash: hashToken(secret),
			prefix: secret.slice(0, SHOWN_LENGTH),
			createdAt: now,
			scopes: input.scopes
		});
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'api_key.create',
			recordType: 'api_key',
			recordId: key.id,
			details: { userId: user.id, name: key.name, prefix: key.prefix, scopes: key.scopes }
		});
		return { key: toView(key), secret };
	});
}

/** Revokes one of the caller's own keys; revoking a revoked key changes nothing. */
export async function revokeApiKey(em: Em, actor: Actor, raw: { id: string }, now = new Date()) {
	const { id } = revokeApiKeyInput.parse(raw);
	const user = actor.user;
	if (!user) throw new AppError('UNAUTHORIZED', 'Please sign in.');
	return em.transactional(async (tx) => {
		// Someone else's key answers like a missing one: its existence is none of the caller's business.
		const key = await tx.findOne(ApiKey, { id, user: user.id });
		if (!key) throw notFound('API key');
		if (!key.revokedAt) {
			key.revokedAt = now;
			await tx.flush();
			recordAudit(tx, actor, {
				action: 'api_key.revoke',
				recordType: 'api_key',
				recordId: key.id,
				changedFields: ['revokedAt']
			});
		}
		return toView(key);
	});
}

/** The live keys of one person: for an admin's page of that person, or after a password reset. */
export async function findLiveApiKeysOf(em: Em, userId: string): Promise<ApiKeyView[]> {
	const keys = await em.find(
		ApiKey,
		{ user: userId, revokedAt: null },
		{ orderBy: { createdAt: 'desc', id: 'desc' } }
	);
	return keys.map(toView);
}

export async function countLiveApiKeys(em: Em, userId: string): Promise<number> {
	return em.count(ApiKey, { user: userId, revokedAt: null });
}

/**
 * Revokes every live key of `userId` at once (the person themself after a password reset, or an
 * admin after deactivating them or sending a reset link). The caller checks who may do this.
 */
export async function revokeApiKeysOf(
	em: Em,
	actor: Actor,
	userId: string,
	now = new Date()
): Promise<{ revoked: number }> {
	return em.transactional(async (tx) => {
		const keys = await tx.find(ApiKey, { user: userId, revokedAt: null });
		for (const key of keys) {
			key.revokedAt = now;
			recordAudit(tx, actor, {
				action: 'api_key.revoke',
				recordType: 'api_key',
				recordId: key.id,
				changedFields: ['revokedAt'],
				details: { userId, all: true }
			});
		}
		await tx.flush();
		return { revoked: keys.length };
	});
}

export interface ApiKeyIdentity {
	keyId: string;
	keyName: string;
	/** ['*'] or the scopes the key is limited to. */
	scopes: string[];
	user: SessionUser;
}

/**
 * The live key for `secret` and its user, or null (unknown, revoked, or its user is no longer
 * active staff). Works on its own fork, so the request's EntityManager holds nothing dirty.
 */
export async function authenticateApiKey(
	em: Em,
	secret: string,
	now = new Date()
): Promise<ApiKeyIdentity | null> {
	if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 100) return null;
	const fork = em.fork();
	const key = await fork.findOne(ApiKey, { tokenHash: hashToken(secret) }, { populate: ['user'] });
	if (!key || key.revokedAt) return null;
	const user = key.user as User;
	if (!user.isActive || user.kind !== 'staff') return null;
	if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= TOUCH_AFTER_MS) {
		key.lastUsedAt = now;
		await fork.flush();
	}
	return { keyId: key.id, keyName: key.name, scopes: key.scopes ?? ['*'], user: toSessionUser(user) };
}
