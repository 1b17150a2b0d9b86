// Standard Webhooks signatures (https://www.standardwebhooks.com): `webhook-signature` is
// `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`, keyed with the base64
// part of a `whsec_` secret; several signatures (during a secret rotation) are separated by spaces.
import { createHmac, randomBytes } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';

/** A new secret: 32 random bytes, as `whsec_<base64>`. */
export function newWebhookSecret(): string {
	return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** `msg_` and 24 random URL-safe characters: the webhook-id of one event for one endpoint. */
export function newMessageId(): string {
	return `msg_${randomBytes(18).toString('base64url')}`;
}

export function signatureOf(secret: string, messageId: string, timestamp: number, body: string): string {
	const key = Buffer.from(
		secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
		'base64'
	);
	const mac = createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64');
	return `v1,${mac}`;
}

/** The three headers of one attempt, signed with every secret given (current first). */
export function signedHeaders(
	secrets: string[],
	messageId: string,
	at: Date,
	body: string
): Record<string, string> {
	const timestamp = Math.floor(at.getTime() / 1000);
	return {
		'webhook-id': messageId,
		'webhook-timestamp': String(timestamp),
		'webhook-signature': secrets.map((s) => signatureOf(s, messageId, timestamp, body)).join(' ')
	};
}
