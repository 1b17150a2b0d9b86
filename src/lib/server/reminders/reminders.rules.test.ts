import { describe, expect, it } from 'vitest';
import { renderTemplate, smsLength, smsText, unknownPlaceholders } from '../../schemas/reminders.ts';
import { afterQuietHours, calendarFile, reminderDueAt } from './reminders.rules.ts';

const values = {
	first_name: 'Jo',
	date: 'Tue 8 Sep 2026',
	time: '2:30 pm',
	practitioner: 'Sam',
	clinic_name: 'Clinic',
	clinic_phone: '02 9999 0000',
	portal_link: 'https://c.test/portal'
};

describe('templates', () => {
	it('fill placeholders and end an SMS with the reply instruction', () => {
		expect(renderTemplate('Hi {first_name}, {date} {time} {nope}', values)).toBe(
			'Hi Jo, Tue 8 Sep 2026 2:30 pm {nope}'
		);
		expect(smsText('See you {date}.', values)).toBe(
			'See you Tue 8 Sep 2026. Reply Y to confirm, N to cancel'
		);
		expect(unknownPlaceholders('{first_name} {firstname} {}')).toEqual(['firstname', '']);
	});

	it('count SMS segments: GSM-7 160/153, extension characters twice, UCS-2 70/67', () => {
		expect(smsLength('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
		expect(smsLength('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2, perSegment: 153 });
		expect(smsLength('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
		expect(smsLength('a'.repeat(70) + '’')).toMatchObject({ encoding: 'UCS-2', units: 71, segments: 2 });
		expect(smsLength('😀'.repeat(35))).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1 });
	});
});

describe('timing', () => {
	const tz = 'Australia/Sydney';
	const startsAt = new Date('2026-09-08T04:30:00Z'); // 14:30 in Sydney

	it('puts "1 day before at 9" at 9:00 local the day before; "2 hours before" two hours before', () => {
		expect(reminderDueAt({ kind: 'days_before', days: 1, hour: 9 }, startsAt, tz).toISOString()).toBe(
			'2026-09-06T23:00:00.000Z'
		);
		expect(reminderDueAt({ kind: 'hours_before', hours: 2 }, startsAt, tz).toISOString()).toBe(
			'2026-09-08T02:30:00.000Z'
		);
	});

	it('moves an instant inside quiet hours (spanning midnight) to their end', () => {
		const quiet = { startMinute: 21 * 60, endMinute: 8 * 60 };
		const late = new Date('2026-09-07T12:00:00Z'); // 22:00 Sydney
		expect(afterQuietHours(late, quiet, tz).toISOString()).toBe('2026-09-07T22:00:00.000Z');
		const early = new Date('2026-09-07T19:00:00Z'); // 05:00 Sydney
		expect(afterQuietHours(early, quiet, tz).toISOString()).toBe('2026-09-07T22:00:00.000Z');
		const day = new Date('2026-09-07T02:00:00Z'); // 12:00 Sydney
		expect(afterQuietHours(day, quiet, tz)).toBe(day);
	});
});

describe('calendar file', () => {
	it('is an RFC 5545 event with escaped text and folded lines', () => {
		const ics = calendarFile({
			uid: 'appointment-1@casebook',
			sequence: 3,
			startsAt,
			endsAt: new Date(startsAt.getTime() + 30 * 60_000),
			summary: 'Consult, follow-up; with Sam',
			description: 'x'.repeat(200),
			organizerName: 'Clinic',
			now: startsAt
		});
		expect(ics).toContain('DTSTART:20260908T043000Z\r\n');
		expect(ics).toContain('SUMMARY:Consult\\, follow-up\\; with Sam\r\n');
		expect(ics.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
		expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
	});
	const startsAt = new Date('2026-09-08T04:30:00Z');
});
