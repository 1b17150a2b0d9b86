import { describe, expect, it } from 'vitest';
import { ageInYears, ageLabel, formatCalendarDate, todayIn } from './dates.ts';

describe('todayIn', () => {
	it("is the clinic's calendar date, not the server's", () => {
		const instant = new Date('2025-05-25T20:00:00Z');
		expect(todayIn('Australia/Sydney', instant)).toBe('2025-05-26');
		expect(todayIn('America/New_York', instant)).toBe('2025-05-25');
	});
});

describe('formatCalendarDate', () => {
	it('shows the date as written, whatever the time zone', () => {
		expect(formatCalendarDate('2001-05-26')).toBe('26 May 2001');
		expect(formatCalendarDate('2000-01-01')).toBe('1 Jan 2000');
	});

	it('is empty without a date', () => {
		expect(formatCalendarDate(null)).toBe('');
	});
});

describe('ageInYears', () => {
	it('counts completed years', () => {
		expect(ageInYears('2001-05-26', '2025-05-25')).toBe(23);
		expect(ageInYears('2001-05-26', '2025-05-26')).toBe(24);
		expect(ageInYears('2001-05-26', '2025-12-31')).toBe(24);
	});

	it('has a leap-day birthday on 1 March in other years', () => {
		expect(ageInYears('2004-02-29', '2025-02-28')).toBe(20);
		expect(ageInYears('2004-02-29', '2025-03-01')).toBe(21);
	});

	it('is unknown for a date after today or not a date', () => {
		expect(ageInYears('2030-01-01', '2025-01-01')).toBeNull();
		expect(ageInYears('soon', '2025-01-01')).toBeNull();
	});
});

describe('ageLabel', () => {
	it('uses years from age two, months before', () => {
		expect(ageLabel('2001-05-26', '2025-06-01')).toBe('24 years');
		expect(ageLabel('2023-06-01', '2025-05-31')).toBe('23 months');
		expect(ageLabel('2025-04-01', '2025-05-01')).toBe('1 month');
		expect(ageLabel('2025-05-20', '2025-06-01')).toBe('under 1 month');
	});

	it('is empty without a date of birth', () => {
		expect(ageLabel(null, '2025-06-01')).toBe('');
	});
});
