// Where to go after signing in, from a `next` that a link chose: only a path on our own origin.
// Parsed the way a browser will parse it (tabs and newlines dropped, backslashes read as slashes),
// so `/\t/evil.example` or `/\evil.example` cannot turn into `//evil.example`.

const ORIGIN = 'http://casebook.invalid';

export function safeNext(value: string | null | undefined, fallback = '/'): string {
	if (!value || value.length > 2000 || !value.startsWith('/')) return fallback;
	// Any control or non-ASCII character: refuse rather than guess how a browser reads it.
	if (/[^\x21-\x7e]/.test(value)) return fallback;
	if (value.startsWith('//') || value.startsWith('/\\')) return fallback;
	let url: URL;
	try {
		url = new URL(value, ORIGIN);
	} catch {
		return fallback;
	}
	if (url.origin !== ORIGIN) return fallback;
	// Encoded slashes or backslashes at the start could be decoded into `//host` by a later hop.
	if (/^\/(%2f|%5c)/i.test(url.pathname)) return fallback;
	return url.pathname + url.search + url.hash;
}
