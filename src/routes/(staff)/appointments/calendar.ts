// Lays the calendar out in the clinic's wall clock: which days are shown, which hours, and where each
// appointment's block sits (minutes from the top of its day, and lanes side by side when they overlap).
import { addDays, instantToZoned, startOfWeek, zonedToInstant } from '$lib/time';

export const CALENDAR_VIEWS = ['day', 'week'] as const;
export type CalendarView = (typeof CALENDAR_VIEWS)[number];

export const DEFAULT_FIRST_HOUR = 7;
export const DEFAULT_LAST_HOUR = 20;
/** Empty slots are offered in steps of this many minutes. */
export const SLOT_MINUTES = 15;

/** The calendar dates a view shows: the day, or Monday to Sunday of its week. */
export function visibleDays(view: CalendarView, date: string): string[] {
	if (view === 'day') return [date];
	const monday = startOfWeek(date);
	return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** The instants from the first day's midnight to the midnight after the last day, in `timeZone`. */
export function visibleRange(days: readonly string[], timeZone: string): { from: Date; to: Date } {
	return {
		from: zonedToInstant(days[0]!, timeZone),
		to: zonedToInstant(addDays(days.at(-1)!, 1), timeZone)
	};
}

/** Where the view moves with "previous" and "next". */
export function shiftDate(view: CalendarView, date: string, direction: -1 | 1): string {
	return addDays(date, direction * (view === 'day' ? 1 : 7));
}

/** A stretch of one day in wall-clock minutes since midnight (end exclusive, at most 1440). */
export interface Segment {
	startMinute: number;
	endMinute: number;
}

/**
 * The part of an appointment that falls on `day`, or null. An appointment past midnight shows on
 * both days; on the night clocks go back an end that reads earlier than the start keeps its length.
 */
export function segmentOn(day: string, startsAt: Date, endsAt: Date, timeZone: string): Segment | null {
	const start = instantToZoned(startsAt, timeZone);
	const end = instantToZoned(endsAt, timeZone);
	if (start.date > day || end.date < day) return null;
	const startMinute = start.date < day ? 0 : start.minuteOfDay;
	let endMinute = end.date > day ? 1440 : end.minuteOfDay;
	if (start.date === day && end.date === day && endMinute <= startMinute) {
		const length = Math.round((endsAt.getTime() - startsAt.getTime()) / 60_000);
		endMinute = Math.min(1440, startMinute + Math.max(length, SLOT_MINUTES));
	}
	if (endMinute <= startMinute) return null;
	return { startMinute, endMinute };
}

/** 07:00–20:00, stretched to whole hours that take in every segment. */
export function hourRange(segments: readonly Segment[]): { firstHour: number; lastHour: number } {
	let firstHour = DEFAULT_FIRST_HOUR;
	let lastHour = DEFAULT_LAST_HOUR;
	for (const s of segments) {
		firstHour = Math.min(firstHour, Math.floor(s.startMinute / 60));
		lastHour = Math.max(lastHour, Math.ceil(s.endMinute / 60));
	}
	return { firstHour, lastHour };
}

export interface Placed<T> extends Segment {
	item: T;
	/** 0-based lane within its group of overlapping blocks, and how many lanes the group has. */
	lane: number;
	lanes: number;
}

/**
 * Side-by-side lanes for overlapping blocks: each block takes the first free lane, and every block
 * of a group of (transitively) overlapping blocks shares the group's lane count.
 */
export function placeInLanes<T>(blocks: readonly (Segment & { item: T })[]): Placed<T>[] {
	const sorted = [...blocks].sort((a, b) => a.startMinute - b.startMinute || b.endMinute - a.endMinute);
	const placed: Placed<T>[] = [];
	let group: Placed<T>[] = [];
	let laneEnds: number[] = [];
	let groupEnd = -1;
	const closeGroup = () => {
		for (const p of group) p.lanes = laneEnds.length;
		group = [];
		laneEnds = [];
	};
	for (const block of sorted) {
		if (block.startMinute >= groupEnd) closeGroup();
		let lane = laneEnds.findIndex((end) => end <= block.startMinute);
		if (lane === -1) lane = laneEnds.push(block.endMinute) - 1;
		else laneEnds[lane] = block.endMinute;
		const p: Placed<T> = { ...block, lane, lanes: 1 };
		group.push(p);
		placed.push(p);
		groupEnd = Math.max(groupEnd, block.endMinute);
	}
	closeGroup();
	return placed;
}

/** 'HH:mm' for minutes since midnight. */
export function clockTime(minuteOfDay: number): string {
	const h = Math.floor(minuteOfDay / 60);
	const m = minuteOfDay % 60;
	return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

/** A local 'YYYY-MM-DDTHH:mm' split into its date and time, or null if it is not one. */
export function parseLocalDateTime(value: string | null | undefined): { date: string; time: string } | null {
	const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})$/.exec(value ?? '');
	if (!match) return null;
	const [, date, time] = match as unknown as [string, string, string];
	const [h, m] = time.split(':').map(Number) as [number, number];
	if (h > 23 || m > 59 || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) return null;
	return { date, time };
}

/** The next quarter hour on the clinic's clock (09:07 → 09:15; 09:15 stays), for a new booking. */
export function nextQuarterHour(now: Date, timeZone: string): { date: string; time: string } {
	const zoned = instantToZoned(now, timeZone);
	const minute = Math.ceil(zoned.minuteOfDay / SLOT_MINUTES) * SLOT_MINUTES;
	if (minute >= 1440) return { date: addDays(zoned.date, 1), time: '00:00' };
	return { date: zoned.date, time: clockTime(minute) };
}

/** A block shorter than this (in minutes) has room for one line: the status first, then the rest. */
export const SHORT_BLOCK_MINUTES = 30;

/**
 * An appointment's colour in the calendar: its service's, as Admin → Services promises; a type that
 * belongs to no service keeps its own colour.
 */
export function blockColour(a: {
	service: { colour: string } | null;
	appointmentType: { colour: string };
}): string {
	return a.service?.colour ?? a.appointmentType.colour;
}
