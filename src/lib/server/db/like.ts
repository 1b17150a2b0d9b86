/** Escapes LIKE/ILIKE wildcards so user text is matched literally. */
export function escapeLike(value: string): string {
	return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
