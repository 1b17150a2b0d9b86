import { describe, expect, it } from 'vitest';
import { throttledErrors } from './error-throttle.ts';

describe('throttledErrors', () => {
	it('logs the first error of a burst, then one line per window with the number left out', () => {
		let clock = 0;
		const logged: [unknown, number][] = [];
		const report = throttledErrors(
			(error, leftOut) => logged.push([error, leftOut]),
			10_000,
			() => clock
		);
		for (let i = 0; i < 20; i += 1) {
			report(`down ${i}`);
			clock += 500;
		}
		// 20 errors over 10 s: the first, and the one at 10 s having left out 19.
		expect(logged).toEqual([['down 0', 0]]);
		report('down 20');
		expect(logged).toEqual([
			['down 0', 0],
			['down 20', 19]
		]);
		clock += 60_000;
		report('again');
		expect(logged.at(-1)).toEqual(['again', 0]);
	});
});
