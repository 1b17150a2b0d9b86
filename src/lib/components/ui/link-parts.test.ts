import { describe, expect, it } from 'vitest';
import { linkParts } from './link-parts.ts';

describe('linkParts', () => {
	it('turns http(s) addresses into links and keeps the rest as text', () => {
		expect(linkParts('Sign in: https://clinic.test/portal/link/abc-123. It expires in 1 hour.')).toEqual([
			{ kind: 'text', text: 'Sign in: ' },
			{
				kind: 'link',
				text: 'https://clinic.test/portal/link/abc-123',
				href: 'https://clinic.test/portal/link/abc-123'
			},
			{ kind: 'text', text: '. It expires in 1 hour.' }
		]);
	});

	it('finds several links, with queries, and leaves a text without links alone', () => {
		const parts = linkParts('Case: http://127.0.0.1:5173/cases/12?acknowledge=1\nOr http://x.test/b');
		expect(parts.filter((p) => p.kind === 'link').map((p) => p.text)).toEqual([
			'http://127.0.0.1:5173/cases/12?acknowledge=1',
			'http://x.test/b'
		]);
		expect(linkParts('Reply Y to confirm.')).toEqual([{ kind: 'text', text: 'Reply Y to confirm.' }]);
	});

	it('never links another scheme, and keeps markup as text (Svelte escapes it)', () => {
		for (const text of [
			'javascript:alert(1)',
			'data:text/html,<b>x</b>',
			'ftp://files.test/a',
			'see <a href="x">'
		])
			expect(linkParts(text).every((p) => p.kind === 'text')).toBe(true);
		const parts = linkParts('https://x.test/"><script>alert(1)</script>');
		expect(parts[0]).toEqual({ kind: 'link', text: 'https://x.test/', href: 'https://x.test/' });
		expect(
			parts
				.slice(1)
				.map((p) => p.text)
				.join('')
		).toBe('"><script>alert(1)</script>');
	});
});
