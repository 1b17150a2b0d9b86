import { describe, expect, it } from 'vitest';
import { safeNext } from './safe-next.ts';

describe('safeNext', () => {
	it('keeps a path on our own site, with its query', () => {
		expect(safeNext('/patients?q=smith')).toBe('/patients?q=smith');
		expect(safeNext('/cases/12#triage')).toBe('/cases/12#triage');
	});

	it.each([
		['nothing', null],
		['an absolute URL', 'https://evil.example/'],
		['a scheme-relative URL', '//evil.example'],
		['a tab that browsers drop', '/\t/evil.example'],
		['a newline that browsers drop', '/\n/evil.example'],
		['a backslash browsers read as a slash', '/\\evil.example'],
		['backslashes after the slash', '/\\\\evil.example'],
		['an encoded slash', '/%2F/evil.example'],
		['an encoded backslash', '/%5cevil.example'],
		['a javascript: URL', 'javascript:alert(1)'],
		['a control character', '/\u0000/x'],
		['a non-ASCII slash look-alike', '/\u2215evil.example'],
		['a relative path', 'patients']
	])('sends %s to the home page', (_label, value) => {
		expect(safeNext(value)).toBe('/');
	});
});
