import { describe, expect, it } from 'vitest';
import { zonedToInstant } from '$lib/time';
import { appointmentLabel, caseBadge } from './appointment-text';
import {
	blockColour,
	hourRange,
	nextQuarterHour,
	parseLocalDateTime,
	placeInLanes,
	segmentOn,
	shiftDate,
	visibleDays,
	visibleRange
} from './calendar';

const SYDNEY = 'Australia/Sydney';
const at = (local: string) => zonedToInstant(local, SYDNEY);

describe('visible days', () => {
	it('shows Monday to Sunday of the week that holds the date', () => {
		expect(visibleDays('week', '2026-11-26')).toEqual([
			'2026-11-23',
			'2026-11-24',
			'2026-11-25',
			'2026-11-26',
			'2026-11-27',
			'2026-11-28',
			'2026-11-29'
		]);
		expect(visibleDays('week', '2026-11-29')[0]).toBe('2026-11-23');
		expect(visibleDays('day', '2026-11-26')).toEqual(['2026-11-26']);
	});

	it('spans local midnight to local midnight', () => {
		const range = visibleRange(['2026-11-23'], SYDNEY);
		expect(range.from.toISOString()).toBe('2026-11-22T13:00:00.000Z');
		expect(range.to.toISOString()).toBe('2026-11-23T13:00:00.000Z');
	});

	it('moves by a day or a week', () => {
		expect(shiftDate('day', '2026-11-30', 1)).toBe('2026-12-01');
		expect(shiftDate('week', '2026-11-30', -1)).toBe('2026-11-23');
	});
});

describe('segments on a day', () => {
	it('places an appointment by its wall-clock start and end', () => {
		expect(segmentOn('2026-11-23', at('2026-11-23T10:30'), at('2026-11-23T11:15'), SYDNEY)).toEqual({
			startMinute: 630,
			endMinute: 675
		});
		expect(segmentOn('2026-11-24', at('2026-11-23T10:30'), at('2026-11-23T11:15'), SYDNEY)).toBeNull();
	});

	it('splits an appointment over midnight across both days', () => {
		const start = at('2026-11-23T23:30');
		const end = at('2026-11-24T00:30');
		expect(segmentOn('2026-11-23', start, end, SYDNEY)).toEqual({ startMinute: 1410, endMinute: 1440 });
		expect(segmentOn('2026-11-24', start, end, SYDNEY)).toEqual({ startMinute: 0, endMinute: 30 });
		expect(segmentOn('2026-11-24', at('2026-11-23T23:00'), at('2026-11-24T00:00'), SYDNEY)).toBeNull();
	});

	it('keeps the length of an appointment in the hour clocks go back', () => {
		// Sydney leaves daylight saving on 2026-04-05: 02:00–03:00 happens twice.
		const start = at('2026-04-05T02:30');
		const end = new Date(start.getTime() + 60 * 60_000);
		expect(segmentOn('2026-04-05', start, end, SYDNEY)).toEqual({ startMinute: 150, endMinute: 210 });
	});
});

describe('hours shown', () => {
	it('is 07:00 to 20:00 unless an appointment is earlier or later', () => {
		expect(hourRange([])).toEqual({ firstHour: 7, lastHour: 20 });
		expect(hourRange([{ startMinute: 6 * 60 + 30, endMinute: 7 * 60 }])).toEqual({
			firstHour: 6,
			lastHour: 20
		});
		expect(hourRange([{ startMinute: 20 * 60, endMinute: 21 * 60 + 15 }])).toEqual({
			firstHour: 7,
			lastHour: 22
		});
	});
});

describe('lanes', () => {
	it('puts overlapping blocks side by side and the rest full width', () => {
		const placed = placeInLanes([
			{ item: 'a', startMinute: 540, endMinute: 600 },
			{ item: 'b', startMinute: 570, endMinute: 630 },
			{ item: 'c', startMinute: 600, endMinute: 660 },
			{ item: 'd', startMinute: 700, endMinute: 730 }
		]);
		const byItem = Object.fromEntries(placed.map((p) => [p.item, { lane: p.lane, lanes: p.lanes }]));
		expect(byItem).toEqual({
			a: { lane: 0, lanes: 2 },
			b: { lane: 1, lanes: 2 },
			c: { lane: 0, lanes: 2 },
			d: { lane: 0, lanes: 1 }
		});
	});
});

describe('new booking defaults', () => {
	it('rounds up to the next quarter hour on the clinic clock', () => {
		expect(nextQuarterHour(at('2026-11-23T09:07'), SYDNEY)).toEqual({ date: '2026-11-23', time: '09:15' });
		expect(nextQuarterHour(at('2026-11-23T09:15'), SYDNEY)).toEqual({ date: '2026-11-23', time: '09:15' });
		expect(nextQuarterHour(at('2026-11-23T23:50'), SYDNEY)).toEqual({ date: '2026-11-24', time: '00:00' });
	});

	it('reads a clicked slot and refuses anything else', () => {
		expect(parseLocalDateTime('2026-11-23T09:30')).toEqual({ date: '2026-11-23', time: '09:30' });
		expect(parseLocalDateTime('2026-11-23T24:00')).toBeNull();
		expect(parseLocalDateTime('2026-11-23')).toBeNull();
		expect(parseLocalDateTime(null)).toBeNull();
	});
});

describe('labels', () => {
	const appointment = {
		patient: { name: 'Jane Citizen' },
		practitioner: { name: 'Dr Smith' },
		appointmentType: { name: 'Initial consultation' },
		startsAt: at('2026-11-23T10:30'),
		endsAt: at('2026-11-23T11:15'),
		status: 'booked' as const,
		case: null
	};

	it("reads the whole appointment, on the clinic's clock", () => {
		expect(appointmentLabel(appointment, { timeZone: SYDNEY, clock: '12h' })).toBe(
			'10:30–11:15 am Jane Citizen, Initial consultation, with Dr Smith, Booked'
		);
		expect(appointmentLabel(appointment, { timeZone: SYDNEY, clock: '24h' })).toBe(
			'10:30–11:15 Jane Citizen, Initial consultation, with Dr Smith, Booked'
		);
	});

	it('shows the case usage', () => {
		const ref = { name: 'Knee', number: 3, of: 10, amountLeftCents: null, isOverAmount: false };
		expect(caseBadge(ref)).toBe('Knee · 3 of 10');
		expect(caseBadge({ ...ref, of: null, amountLeftCents: 12_000 })).toBe('Knee · $120.00 left');
		expect(appointmentLabel({ ...appointment, case: ref }, { timeZone: SYDNEY, clock: '24h' })).toMatch(
			/, case Knee · 3 of 10$/
		);
	});

	it("ends with the patient record's appointment notes, on one line and shortened", () => {
		const notes = `Wheelchair access:\nuse the side entrance. ${'x'.repeat(300)}`;
		const label = appointmentLabel(
			{ ...appointment, status: 'completed', patient: { name: 'Jane Citizen', appointmentNotes: notes } },
			{ timeZone: SYDNEY, clock: '24h' }
		);
		expect(label).toMatch(/, Completed, appointment notes: Wheelchair access: use the side entrance\. x+…$/);
		expect(label.length).toBeLessThan(300);
	});
});

describe('block colour', () => {
	it('is the service colour, as Admin → Services says, not the appointment type colour', () => {
		expect(blockColour({ service: { colour: '#7c3aed' }, appointmentType: { colour: '#0284c7' } })).toBe(
			'#7c3aed'
		);
	});

	it('falls back to the type colour for a type that belongs to no service', () => {
		expect(blockColour({ service: null, appointmentType: { colour: '#0284c7' } })).toBe('#0284c7');
	});
});
