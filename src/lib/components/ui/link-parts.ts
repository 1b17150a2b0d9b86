// Splits a message's plain text into text and http(s) links, so the Outbox can show links as links.
// Only http: and https: become links (never javascript:, data: or anything else); the text itself
// is rendered by Svelte, which escapes it.
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that ends a sentence rather than the link ("see https://x.test/a."). */
const TRAILING = /[.,;:!?)\]}'"]+$/;

export function linkParts(text: string): TextPart[] {
	const parts: TextPart[] = [];
	let last = 0;
	for (const match of text.matchAll(URL_PATTERN)) {
		const start = match.index;
		const candidate = match[0].replace(TRAILING, '');
		const href = safeHref(candidate);
		if (!href) continue;
		if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
		parts.push({ kind: 'link', text: candidate, href });
		last = start + candidate.length;
	}
	if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
	return parts;
}

function safeHref(candidate: string): string | null {
	try {
		const url = new URL(candidate);
		return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
	} catch {
		return null;
	}
}
