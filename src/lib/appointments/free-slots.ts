// The free times the request page offers a scheduler: inside the patient's preferred windows on one
// clinic day, held by no other appointment, not begun yet, and long enough for the appointment.
// Client-safe (nothing from $lib/server) because the page recomputes it in the browser while the
// duration is typed and as the clock moves on. Times are instants: durations are real minutes, so a
// day whose clocks change (daylight saving) has an hour more or less than its wall clock shows.
import { addDays, instantToZoned, zonedToInstant } from '$lib/time';

/** A stretch of time, end exclusive. */
export interface TimeRange {
	startsAt: Date;
	endsAt: Date;
}

/** A stretch of one clinic day in wall-clock minutes since its midnight (end exclusive, at most 1440). */
export interface DaySpan {
	startMinute: number;
	endMinute: number;
}

export type FreeSlot = TimeRange & DaySpan;

/**
 * The statuses that hold a practitioner's time: those the database's `appointment_no_overlap`
 * constraint covers. A cancelled appointment, or one the patient did not arrive for, frees it.
 */
export const TIME_HOLDING_STATUSES: readonly string[] = ['reserved', 'booked', 'arrived', 'completed'];

/** Free starts are offered on this grid: the booking form's time field steps by 5 minutes. */
export const FREE_SLOT_STEP_MINUTES = 5;

const MINUTE = 60_000;

/** The minutes to look for: the duration as typed while it is a bookable one (5 to 480), else `fallback`. */
export function wantedMinutes(typed: string, fallback: number): number {
	const minutes = Number(typed.trim());
	return /^\d+$/.test(typed.trim()) && minutes >= 5 && minutes <= 480 ? minutes : fallback;
}

/** Epoch milliseconds, end exclusive. */
interface Span {
	start: number;
	end: number;
}

/** Overlapping or touching spans as one, in order. */
function merge(spans: readonly Span[]): Span[] {
	const out: Span[] = [];
	for (const s of [...spans].sort((a, b) => a.start - b.start)) {
		const last = out.at(-1);
		if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
		else out.push({ ...s });
	}
	return out;
}

function spansOf(ranges: readonly TimeRange[]): Span[] {
	return ranges
		.map((r) => ({ start: r.startsAt.getTime(), end: r.endsAt.getTime() }))
		.filter((s) => s.end > s.start);
}

/** The parts of `ranges` that fall on the clinic day `day` (its midnight to the next), merged. */
function onDay(ranges: readonly TimeRange[], day: string, timeZone: string): Span[] {
	const dayStart = zonedToInstant(day, timeZone).getTime();
	const dayEnd = zonedToInstant(addDays(day, 1), timeZone).getTime();
	return merge(
		spansOf(ranges)
			.map((s) => ({ start: Math.max(s.start, dayStart), end: Math.min(s.end, dayEnd) }))
			.filter((s) => s.end > s.start)
	);
}

/** Where an instant falls on `day`'s wall clock: 0 before the day, 1440 after it. */
function wallMinute(instant: number, day: string, timeZone: string): number {
	const zoned = instantToZoned(new Date(instant), timeZone);
	if (zoned.date < day) return 0;
	if (zoned.date > day) return 1440;
	return zoned.minuteOfDay;
}

function toDaySpan(s: Span, day: string, timeZone: string): DaySpan {
	return { startMinute: wallMinute(s.start, day, timeZone), endMinute: wallMinute(s.end, day, timeZone) };
}

/** The preferred windows on `day`, merged, on the clinic's wall clock (for the calendar picture). */
export function preferredOn(day: string, windows: readonly TimeRange[], timeZone: string): DaySpan[] {
	return onDay(windows, day, timeZone)
		.map((s) => toDaySpan(s, day, timeZone))
		.filter((s) => s.endMinute > s.startMinute);
}

/**
 * The free stretches of the preferred windows on `day`: each starts on the 5-minute grid at or
 * after `now` and after any appointment that holds the time, and lasts at least `minutes`. A window
 * that runs past midnight is offered in two parts, one on each day.
 */
export function freeSlotsOn(options: {
	day: string;
	timeZone: string;
	windows: readonly TimeRange[];
	appointments: readonly (TimeRange & { status: string })[];
	minutes: number;
	now: Date;
}): FreeSlot[] {
	const { day, timeZone, minutes } = options;
	const step = FREE_SLOT_STEP_MINUTES * MINUTE;
	// Epoch time and the clinic's clock share the grid: every zone's offset is a whole 5 minutes.
	const onGrid = (t: number) => Math.ceil(t / step) * step;
	const taken = merge(spansOf(options.appointments.filter((a) => TIME_HOLDING_STATUSES.includes(a.status))));
	const gaps: Span[] = [];
	for (const window of onDay(options.windows, day, timeZone)) {
		let cursor = onGrid(Math.max(window.start, options.now.getTime()));
		for (const busy of taken) {
			if (busy.end <= cursor || busy.start >= window.end) continue;
			if (busy.start > cursor) gaps.push({ start: cursor, end: busy.start });
			cursor = onGrid(Math.max(cursor, busy.end));
		}
		if (cursor < window.end) gaps.push({ start: cursor, end: window.end });
	}
	return gaps
		.filter((g) => g.end - g.start >= minutes * MINUTE)
		.map((g) => ({
			startsAt: new Date(g.start),
			endsAt: new Date(g.end),
			...toDaySpan(g, day, timeZone)
		}));
}
