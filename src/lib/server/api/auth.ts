// Who is calling the REST API: HTTP Basic with an API key as the user name and an empty password,
// as Cliniko does (`curl -u KEY:`). Staff session cookies are never used here.
import { authenticateApiKey, type ApiKeyIdentity } from '../auth/api-keys.service.ts';
import type { Em } from '../db/orm.ts';
import { ApiError } from './http.ts';

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Casebook API", charset="UTF-8"' };

/** The key in an `Authorization: Basic …` header (the user name; any password is ignored). */
export function keyFromAuthorization(header: string | null): string | null {
	if (!header) return null;
	const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
	if (!match) return null;
	let decoded: string;
	try {
		decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
	} catch {
		return null;
	}
	const colon = decoded.indexOf(':');
	const user = (colon === -1 ? decoded : decoded.slice(0, colon)).trim();
	return user || null;
}

/** The key's identity, or a 401 that says what to send. */
export async function authenticate(em: Em, request: Request, now: Date): Promise<ApiKeyIdentity> {
	const key = keyFromAuthorization(request.headers.get('authorization'));
	if (!key) {
		throw new ApiError(
			401,
			'Authentication required: send your API key as the user name of HTTP Basic authentication, with an empty password (curl -u YOUR_KEY:).',
			{ headers: CHALLENGE }
		);
	}
	const identity = await authenticateApiKey(em, key, now);
	if (!identity) {
		throw new ApiError(
			401,
			'That API key is not valid: it may have been revoked, or its user deactivated. Create a new key in My account → API keys.',
			{ headers: CHALLENGE }
		);
	}
	return identity;
}
