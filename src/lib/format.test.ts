import { describe, expect, it } from 'vitest';
import {
	formatCalendarDate,
	formatDate,
	formatDateRange,
	formatDateTime,
	formatHour,
	formatMinuteOfDay,
	formatShortDay,
	formatTime,
	formatTimeRange,
	formatWeekdayDateTime
} from './format.ts';

const SYDNEY = 'Australia/Sydney';
const twelve = { timeZone: SYDNEY, clock: '12h' } as const;
const twentyFour = { timeZone: SYDNEY, clock: '24h' } as const;

describe('formatDateTime', () => {
	// 04:30 UTC on 8 September is 14:30 in Sydney (AEST, +10).
	const afternoon = new Date('2026-09-08T04:30:00Z');

	it('shows the time on a 12-hour clock with am/pm', () => {
		expect(formatDateTime(afternoon, twelve)).toBe('8 Sep 2026, 2:30 pm');
	});

	it('shows the time on a 24-hour clock when the clinic chose it', () => {
		expect(formatDateTime(afternoon, twentyFour)).toBe('8 Sep 2026, 14:30');
	});

	it('writes September as "Sep", never "Sept", whatever the runtime locale data says', () => {
		expect(formatDate(afternoon, { timeZone: SYDNEY })).toBe('8 Sep 2026');
		expect(formatCalendarDate('2026-09-30')).toBe('30 Sep 2026');
		expect(formatShortDay('2026-09-07')).toBe('Mon 7 Sep');
		expect(formatDateTime(afternoon, twelve)).not.toMatch(/Sept/);
	});

	it('begins with the weekday for patients', () => {
		expect(formatWeekdayDateTime(afternoon, twelve)).toBe('Tue 8 Sep 2026, 2:30 pm');
		expect(formatDateTime(afternoon, { ...twentyFour, weekday: true })).toBe('Tue 8 Sep 2026, 14:30');
	});

	it('reads the date and time in the given zone, not the runtime one', () => {
		// 23:30 UTC on the 7th is already the 8th in Sydney, and still the 7th in Perth (+8: 07:30).
		const lateUtc = new Date('2026-09-07T23:30:00Z');
		expect(formatDateTime(lateUtc, twelve)).toBe('8 Sep 2026, 9:30 am');
		expect(formatDateTime(lateUtc, { timeZone: 'Australia/Perth', clock: '24h' })).toBe('8 Sep 2026, 07:30');
		expect(formatDateTime(lateUtc, { timeZone: 'UTC', clock: '24h' })).toBe('7 Sep 2026, 23:30');
	});

	it('says noon and midnight the usual way', () => {
		expect(formatTime(new Date('2026-09-08T02:00:00Z'), twelve)).toBe('12:00 pm');
		expect(formatTime(new Date('2026-09-07T14:00:00Z'), twelve)).toBe('12:00 am');
		expect(formatTime(new Date('2026-09-07T14:00:00Z'), twentyFour)).toBe('00:00');
	});

	it('gives an empty string for no value or an invalid one', () => {
		expect(formatDateTime(null, twelve)).toBe('');
		expect(formatDateTime(undefined, twelve)).toBe('');
		expect(formatDateTime('not a date', twelve)).toBe('');
		expect(formatCalendarDate(null)).toBe('');
	});

	it('accepts ISO strings as the wire sends them', () => {
		expect(formatDateTime('2026-09-08T04:30:00.000Z', twelve)).toBe('8 Sep 2026, 2:30 pm');
	});
});

describe('across daylight saving in Australia/Sydney', () => {
	it('shows 2:30 twice on the night clocks go back (5 April 2026), an hour apart', () => {
		// 03:00 AEDT (+11) becomes 02:00 AEST (+10): 15:30Z and 16:30Z both read 2:30 am.
		expect(formatDateTime(new Date('2026-04-04T15:30:00Z'), twelve)).toBe('5 Apr 2026, 2:30 am');
		expect(formatDateTime(new Date('2026-04-04T16:30:00Z'), twelve)).toBe('5 Apr 2026, 2:30 am');
		expect(formatTime(new Date('2026-04-04T16:30:00Z'), twentyFour)).toBe('02:30');
	});

	it('jumps from 1:59 to 3:00 on the night clocks go forward (4 October 2026)', () => {
		expect(formatTime(new Date('2026-10-03T15:59:00Z'), twelve)).toBe('1:59 am');
		expect(formatTime(new Date('2026-10-03T16:00:00Z'), twelve)).toBe('3:00 am');
		expect(formatDateTime(new Date('2026-10-03T16:00:00Z'), twentyFour)).toBe('4 Oct 2026, 03:00');
	});

	it('keeps the same wall-clock time either side of the change', () => {
		// 09:00 the day before (AEDT, +11) and 09:00 the day after (AEST, +10).
		expect(formatTime(new Date('2026-04-03T22:00:00Z'), twelve)).toBe('9:00 am');
		expect(formatTime(new Date('2026-04-05T23:00:00Z'), twelve)).toBe('9:00 am');
	});
});

describe('formatTimeRange', () => {
	it('names am/pm once when both ends share it', () => {
		expect(formatTimeRange(new Date('2026-09-07T23:00:00Z'), new Date('2026-09-07T23:45:00Z'), twelve)).toBe(
			'9:00–9:45 am'
		);
	});

	it('names both when the range crosses noon', () => {
		expect(formatTimeRange(new Date('2026-09-08T01:30:00Z'), new Date('2026-09-08T02:15:00Z'), twelve)).toBe(
			'11:30 am–12:15 pm'
		);
	});

	it('uses 24-hour times when the clinic chose them', () => {
		expect(
			formatTimeRange(new Date('2026-09-08T01:30:00Z'), new Date('2026-09-08T02:15:00Z'), twentyFour)
		).toBe('11:30–12:15');
	});
});

describe('calendar dates and clock marks', () => {
	it('never shifts a calendar date through a time zone', () => {
		expect(formatCalendarDate('2001-05-26')).toBe('26 May 2001');
		expect(formatCalendarDate('2026-11-23', { weekday: true })).toBe('Mon 23 Nov 2026');
		expect(formatCalendarDate('2026-11-23', { weekday: true, long: true })).toBe('Monday 23 November 2026');
	});

	it('returns what is not a calendar date as it is', () => {
		expect(formatCalendarDate('2026-02-30')).toBe('2026-02-30');
		expect(formatCalendarDate('soon')).toBe('soon');
	});

	it('writes a week within a month, across months and across years', () => {
		expect(formatDateRange('2026-11-23', '2026-11-29')).toBe('23 – 29 Nov 2026');
		expect(formatDateRange('2026-11-30', '2026-12-06')).toBe('30 Nov – 6 Dec 2026');
		expect(formatDateRange('2026-12-28', '2027-01-03')).toBe('28 Dec 2026 – 3 Jan 2027');
	});

	it('marks the hours of a time grid on either clock', () => {
		expect(formatHour(7, '12h')).toBe('7 am');
		expect(formatHour(12, '12h')).toBe('12 pm');
		expect(formatHour(0, '12h')).toBe('12 am');
		expect(formatHour(19, '24h')).toBe('19:00');
		expect(formatMinuteOfDay(9 * 60 + 15, '24h')).toBe('09:15');
		expect(formatMinuteOfDay(21 * 60 + 5, '12h')).toBe('9:05 pm');
	});
});
