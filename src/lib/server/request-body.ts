// Request bodies read with limits (tRPC and REST), before anything parses them: a large or deeply nested JSON body
// from a stranger must not keep the server busy (JSON.parse, superjson and zod all walk it).

export const JSON_BODY_LIMIT = 1024 * 1024;
export const JSON_DEPTH_LIMIT = 32;

export class BodyRefused extends Error {
	readonly status: 400 | 413;
	constructor(status: 400 | 413, message: string) {
		super(message);
		this.status = status;
	}
}

/** The body as text, refused (413) as soon as it passes `limit` bytes, without reading the rest. */
export async function readLimitedText(request: Request, limit: number): Promise<string> {
	const declared = Number(request.headers.get('content-length') ?? 'NaN');
	if (declared > limit) throw tooLarge(limit);
	if (!request.body) return '';
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel().catch(() => {});
			throw tooLarge(limit);
		}
		chunks.push(value);
	}
	return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(limit: number): BodyRefused {
	return new BodyRefused(413, `The request is too large (at most ${Math.round(limit / 1024)} KB).`);
}

/**
 * How deeply arrays and objects nest in JSON `text` (not parsing it: one pass over the characters,
 * skipping strings). Stops counting once past `stopAt`.
 */
export function jsonDepth(text: string, stopAt = Infinity): number {
	let depth = 0;
	let deepest = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c)
				i++; // backslash: skip the escaped character
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) inString = true;
		else if (c === 0x5b || c === 0x7b) {
			depth++;
			if (depth > deepest) {
				deepest = depth;
				if (deepest > stopAt) return deepest;
			}
		} else if (c === 0x5d || c === 0x7d) depth--;
	}
	return deepest;
}

/** Refuses (400) JSON text nested deeper than `limit`. */
export function assertShallowJson(text: string, limit = JSON_DEPTH_LIMIT): void {
	if (jsonDepth(text, limit) > limit) {
		throw new BodyRefused(400, `The request is nested too deeply (at most ${limit} levels).`);
	}
}
