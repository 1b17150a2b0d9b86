// Text PostgreSQL cannot take: U+0000 (refused in text and jsonb alike: the query fails) and half of
// a surrogate pair (JSON.stringify writes it as an escape that jsonb refuses; in a text column it
// would silently become U+FFFD). Inputs holding either are refused at the edge (tRPC, REST) with a
// field error instead of failing in the database with a 500.

export const UNSTORABLE_TEXT =
	'This text contains a character that cannot be stored (U+0000 or a broken emoji)';

export function isStorableText(text: string): boolean {
	return !text.includes('\0') && text.isWellFormed();
}

/** The path ("windows.0.note") of the first string, or object key, in `input` that cannot be stored. */
export function pathOfUnstorableText(input: unknown): string | null {
	// Iterative: a hostile body may nest deeper than the call stack (and superjson can make cycles).
	const stack: [unknown, string][] = [[input, '']];
	const seen = new Set<object>();
	while (stack.length) {
		const [value, path] = stack.pop()!;
		if (typeof value === 'string') {
			if (!isStorableText(value)) return path;
		} else if (
			value !== null &&
			typeof value === 'object' &&
			!(value instanceof FormData) &&
			!seen.has(value)
		) {
			seen.add(value);
			const entries: [unknown, unknown][] =
				value instanceof Map ? [...value.entries()] : Object.entries(value);
			for (const [key, item] of entries) {
				const name = typeof key === 'string' || typeof key === 'number' ? String(key) : '?';
				const itemPath = path ? `${path}.${name}` : name;
				if (typeof key === 'string' && !isStorableText(key)) return itemPath;
				stack.push([item, itemPath]);
			}
		}
	}
	return null;
}
