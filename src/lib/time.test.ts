import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, instantToZoned, startOfWeek, zonedToInstant } from './time.ts';

describe('clinic wall-clock times', () => {
	it('turns a Sydney wall-clock time into the right instant in summer and winter', () => {
		expect(zonedToInstant('2026-01-15T09:30', 'Australia/Sydney').toISOString()).toBe(
			'2026-01-14T22:30:00.000Z'
		);
		expect(zonedToInstant('2026-07-15T09:30', 'Australia/Sydney').toISOString()).toBe(
			'2026-07-14T23:30:00.000Z'
		);
	});

	it('moves a time in the spring-forward gap to after the gap', () => {
		// Sydney skips 02:00-03:00 on 2026-10-04.
		expect(zonedToInstant('2026-10-04T02:30', 'Australia/Sydney').toISOString()).toBe(
			'2026-10-03T16:30:00.000Z'
		);
	});

	it('reads an instant back as the same wall-clock time', () => {
		const instant = zonedToInstant('2026-04-05T01:15', 'Australia/Sydney');
		expect(instantToZoned(instant, 'Australia/Sydney')).toMatchObject({ date: '2026-04-05', time: '01:15' });
		expect(instantToZoned(new Date('2026-11-22T23:00:00Z'), 'Australia/Sydney')).toEqual({
			date: '2026-11-23',
			time: '10:00',
			weekday: 1,
			minuteOfDay: 600
		});
	});

	it('does calendar arithmetic on dates', () => {
		expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
		expect(startOfWeek('2026-11-22')).toBe('2026-11-16');
		expect(startOfWeek('2026-11-23')).toBe('2026-11-23');
		expect(daysBetween('2026-11-22', '2026-12-22')).toBe(30);
	});

	it('rejects text that is not a local date-time', () => {
		expect(() => zonedToInstant('tomorrow', 'UTC')).toThrow(RangeError);
	});
});
