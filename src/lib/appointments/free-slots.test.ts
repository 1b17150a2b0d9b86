import { describe, expect, it } from 'vitest';
import { zonedToInstant } from '$lib/time';
import { freeSlotsOn, preferredOn, wantedMinutes, type FreeSlot, type TimeRange } from './free-slots';

const SYDNEY = 'Australia/Sydney';
/** A clinic wall-clock time ('YYYY-MM-DDTHH:mm') in Sydney. */
const at = (local: string) => zonedToInstant(local, SYDNEY);
const range = (from: string, to: string): TimeRange => ({ startsAt: at(from), endsAt: at(to) });
const booked = (from: string, to: string, status = 'booked') => ({ ...range(from, to), status });
/** Long before any day in these tests: nothing has begun. */
const LONG_AGO = new Date('2000-01-01T00:00:00Z');

const DAY = '2026-06-02';
const morning = [range(`${DAY}T09:00`, `${DAY}T12:00`)];

/** "09:00–09:30" for each slot, as the page lists them. */
function labels(slots: FreeSlot[]): string[] {
	const clock = (m: number) =>
		`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
	return slots.map((s) => `${clock(s.startMinute)}–${clock(s.endMinute)}`);
}

function free(options: Partial<Parameters<typeof freeSlotsOn>[0]> = {}): FreeSlot[] {
	return freeSlotsOn({
		day: DAY,
		timeZone: SYDNEY,
		windows: morning,
		appointments: [],
		minutes: 30,
		now: LONG_AGO,
		...options
	});
}

describe('free slots in the preferred windows', () => {
	it('offers the whole window when nothing is booked', () => {
		const slots = free();
		expect(labels(slots)).toEqual(['09:00–12:00']);
		expect(slots[0]?.startsAt).toEqual(at(`${DAY}T09:00`));
		expect(slots[0]?.endsAt).toEqual(at(`${DAY}T12:00`));
	});

	it('offers the gaps between bookings', () => {
		const slots = free({
			appointments: [booked(`${DAY}T09:30`, `${DAY}T10:00`), booked(`${DAY}T10:30`, `${DAY}T11:00`)]
		});
		expect(labels(slots)).toEqual(['09:00–09:30', '10:00–10:30', '11:00–12:00']);
	});

	it('treats overlapping and touching bookings as one, and restarts on the 5-minute grid', () => {
		const slots = free({
			appointments: [
				booked(`${DAY}T09:00`, `${DAY}T09:40`),
				booked(`${DAY}T09:20`, `${DAY}T10:00`),
				booked(`${DAY}T10:00`, `${DAY}T10:32`)
			]
		});
		expect(labels(slots)).toEqual(['10:35–12:00']);
	});

	it('leaves out gaps too short for the duration, and keeps one that fits exactly', () => {
		const appointments = [booked(`${DAY}T09:30`, `${DAY}T10:00`), booked(`${DAY}T10:45`, `${DAY}T11:15`)];
		expect(labels(free({ appointments, minutes: 45 }))).toEqual(['10:00–10:45', '11:15–12:00']);
		expect(labels(free({ appointments, minutes: 50 }))).toEqual([]);
		expect(labels(free({ minutes: 181 }))).toEqual([]);
	});

	it('ignores bookings outside the windows and offers nothing on a day without one', () => {
		const appointments = [booked(`${DAY}T08:00`, `${DAY}T09:00`), booked(`${DAY}T12:00`, `${DAY}T13:00`)];
		expect(labels(free({ appointments }))).toEqual(['09:00–12:00']);
		expect(free({ day: '2026-06-03' })).toEqual([]);
	});

	it('does not let cancelled appointments, or ones the patient missed, block the time', () => {
		const slots = free({
			appointments: [
				booked(`${DAY}T09:00`, `${DAY}T10:00`, 'cancelled'),
				booked(`${DAY}T10:00`, `${DAY}T11:00`, 'did_not_arrive')
			]
		});
		expect(labels(slots)).toEqual(['09:00–12:00']);
	});

	it('lets reserved, arrived and completed appointments block the time', () => {
		const slots = free({
			appointments: [
				booked(`${DAY}T09:00`, `${DAY}T09:30`, 'reserved'),
				booked(`${DAY}T10:00`, `${DAY}T10:30`, 'arrived'),
				booked(`${DAY}T11:00`, `${DAY}T11:30`, 'completed')
			]
		});
		expect(labels(slots)).toEqual(['09:30–10:00', '10:30–11:00', '11:30–12:00']);
	});
});

describe('free slots and the clock', () => {
	it('offers nothing that has begun: today from the next 5 minutes, a past day not at all', () => {
		expect(labels(free({ now: new Date(at(`${DAY}T10:07`).getTime() + 30_000) }))).toEqual(['10:10–12:00']);
		expect(labels(free({ now: at(`${DAY}T11:45`) }))).toEqual([]);
		expect(free({ now: at('2026-06-03T08:00') })).toEqual([]);
	});

	it('keeps to the clinic day: a window past midnight is offered in two parts', () => {
		const windows = [range(`${DAY}T22:00`, '2026-06-03T02:00')];
		expect(labels(free({ windows, minutes: 120 }))).toEqual(['22:00–24:00']);
		expect(labels(free({ windows, minutes: 120, day: '2026-06-03' }))).toEqual(['00:00–02:00']);
		// Three hours fit in the window, but in neither day's part of it.
		expect(free({ windows, minutes: 180 })).toEqual([]);
		expect(free({ windows, minutes: 180, day: '2026-06-03' })).toEqual([]);
	});

	it("reads days and times on the clinic's clock", () => {
		// 23:00 UTC on 1 June is 09:00 on 2 June in Sydney (AEST, +10).
		const windows = [
			{ startsAt: new Date('2026-06-01T23:00:00Z'), endsAt: new Date('2026-06-02T02:00:00Z') }
		];
		expect(labels(free({ windows }))).toEqual(['09:00–12:00']);
		expect(free({ windows, day: '2026-06-01' })).toEqual([]);
		expect(labels(free({ windows, day: '2026-06-01', timeZone: 'UTC' }))).toEqual(['23:00–24:00']);
	});

	it('counts real minutes on the day clocks go forward (Sydney, 4 Oct 2026, 02:00 → 03:00)', () => {
		const day = '2026-10-04';
		// 01:00 to 04:00 on the wall clock is two hours.
		const windows = [range(`${day}T01:00`, `${day}T04:00`)];
		expect(free({ day, windows, minutes: 150 })).toEqual([]);
		const slots = free({ day, windows, minutes: 120 });
		expect(labels(slots)).toEqual(['01:00–04:00']);
		expect(slots[0]!.endsAt.getTime() - slots[0]!.startsAt.getTime()).toBe(120 * 60_000);
		// A booking until 01:30 leaves 01:30 to 04:00: an hour and a half.
		const appointments = [booked(`${day}T00:30`, `${day}T01:30`)];
		expect(labels(free({ day, windows, appointments, minutes: 90 }))).toEqual(['01:30–04:00']);
		expect(free({ day, windows, appointments, minutes: 95 })).toEqual([]);
	});

	it('counts real minutes on the day clocks go back (Sydney, 5 Apr 2026, 03:00 → 02:00)', () => {
		const day = '2026-04-05';
		// 01:00 to 04:00 on the wall clock is four hours: 02:00 to 03:00 happens twice.
		const windows = [range(`${day}T01:00`, `${day}T04:00`)];
		const slots = free({ day, windows, minutes: 240 });
		expect(labels(slots)).toEqual(['01:00–04:00']);
		expect(free({ day, windows, minutes: 245 })).toEqual([]);
		// Booked for the first 02:00–03:00 (AEDT): free again from the second 02:00 (AEST), the same
		// wall-clock time as the booking's start.
		const firstTwo = at(`${day}T02:00`);
		const appointments = [
			{ startsAt: firstTwo, endsAt: new Date(firstTwo.getTime() + 3_600_000), status: 'booked' }
		];
		const around = free({ day, windows, appointments, minutes: 60 });
		expect(labels(around)).toEqual(['01:00–02:00', '02:00–04:00']);
		expect(around[1]!.startsAt.getTime()).toBe(firstTwo.getTime() + 3_600_000);
		expect(around[1]!.endsAt.getTime() - around[1]!.startsAt.getTime()).toBe(120 * 60_000);
	});
});

describe('preferred windows on a day', () => {
	it('merges overlapping windows and clips them to the day', () => {
		const windows = [
			range(`${DAY}T09:00`, `${DAY}T11:00`),
			range(`${DAY}T10:00`, `${DAY}T12:00`),
			range(`${DAY}T23:00`, '2026-06-03T01:00')
		];
		expect(preferredOn(DAY, windows, SYDNEY)).toEqual([
			{ startMinute: 540, endMinute: 720 },
			{ startMinute: 1380, endMinute: 1440 }
		]);
		expect(preferredOn('2026-06-03', windows, SYDNEY)).toEqual([{ startMinute: 0, endMinute: 60 }]);
	});
});

describe('the minutes to look for', () => {
	it('follows the duration as it is typed, and the request while it is not a bookable one', () => {
		expect(wantedMinutes('45', 30)).toBe(45);
		expect(wantedMinutes(' 60 ', 30)).toBe(60);
		expect(wantedMinutes('', 30)).toBe(30);
		expect(wantedMinutes('4', 30)).toBe(30);
		expect(wantedMinutes('485', 30)).toBe(30);
		expect(wantedMinutes('4.5', 30)).toBe(30);
	});
});
