import { describe, expect, it } from 'vitest';
import { isTimeZone } from './time-zone.ts';

describe('isTimeZone', () => {
	it.each([
		'Australia/Sydney',
		'Asia/Kolkata',
		'Europe/Kyiv',
		'Etc/UTC',
		'Australia/Canberra',
		'US/Eastern',
		'UTC',
		'America/Argentina/Buenos_Aires',
		'Etc/GMT+10'
	])('accepts %s, canonical or an alias', (zone) => expect(isTimeZone(zone)).toBe(true));

	it.each(['Nowhere/Land', '+05:00', 'Australia/', '', 'Australia/Sydney; drop table', 'x'.repeat(80)])(
		'refuses %j',
		(zone) => expect(isTimeZone(zone)).toBe(false)
	);
});
