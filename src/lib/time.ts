// Wall-clock times in a named time zone, without a date library: the calendar and the forms work
// in the clinic's zone ("09:30 in Australia/Sydney"), the database and the wire in instants.

// Building an Intl.DateTimeFormat costs far more than using one: one per time zone, kept.
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function offsetFormat(timeZone: string): Intl.DateTimeFormat {
	let format = offsetFormats.get(timeZone);
	if (!format) {
		format = new Intl.DateTimeFormat('en-US', {
			timeZone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit'
		});
		// Only valid zones reach the cache (the constructor throws for others); a handful exist.
		if (offsetFormats.size < 1000) offsetFormats.set(timeZone, format);
	}
	return format;
}

function offsetMinutes(instant: Date, timeZone: string): number {
	const values = Object.fromEntries(
		offsetFormat(timeZone)
			.formatToParts(instant)
			.map((p) => [p.type, p.value])
	);
	const asUtc = Date.UTC(
		Number(values.year),
		Number(values.month) - 1,
		Number(values.day),
		Number(values.hour),
		Number(values.minute),
		Number(values.second)
	);
	return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the wall clock in `timeZone` reads `local` ('YYYY-MM-DDTHH:mm' or
 * 'YYYY-MM-DD'). A time that happens twice (clocks go back) is its first occurrence; a time in a
 * daylight-saving gap does not exist and moves forward by the gap, as calendars do (02:30 on a
 * spring-forward night becomes 03:30).
 */
export function zonedToInstant(local: string, timeZone: string): Date {
	const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(local);
	if (!match) throw new RangeError(`Not a local date-time: ${local}`);
	const [, y, mo, d, h = '0', mi = '0'] = match;
	const naive = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi));
	const offsets = [
		...new Set([-14, 14].map((hours) => offsetMinutes(new Date(naive + hours * 3_600_000), timeZone)))
	];
	const valid = offsets
		.map((offset) => naive - offset * 60_000)
		.filter((t) => naive - offsetMinutes(new Date(t), timeZone) * 60_000 === t);
	if (valid.length) return new Date(Math.min(...valid));
	return new Date(naive - Math.min(...offsets) * 60_000);
}

export interface ZonedParts {
	/** 'YYYY-MM-DD' */
	date: string;
	/** 'HH:mm' */
	time: string;
	/** 0 = Sunday */
	weekday: number;
	/** Minutes since local midnight. */
	minuteOfDay: number;
}

export function instantToZoned(instant: Date, timeZone: string): ZonedParts {
	const shifted = new Date(instant.getTime() + offsetMinutes(instant, timeZone) * 60_000);
	const iso = shifted.toISOString();
	return {
		date: iso.slice(0, 10),
		time: iso.slice(11, 16),
		weekday: shifted.getUTCDay(),
		minuteOfDay: shifted.getUTCHours() * 60 + shifted.getUTCMinutes()
	};
}

/** 'YYYY-MM-DD' plus `days` (may be negative), as a calendar date. */
export function addDays(date: string, days: number): string {
	const [y, m, d] = date.split('-').map(Number) as [number, number, number];
	return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The Monday of the week that holds `date`. */
export function startOfWeek(date: string): string {
	const [y, m, d] = date.split('-').map(Number) as [number, number, number];
	const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
	return addDays(date, -((weekday + 6) % 7));
}

/** Whole days from `from` to `to` (both 'YYYY-MM-DD'). */
export function daysBetween(from: string, to: string): number {
	const a = Date.parse(`${from}T00:00:00Z`);
	const b = Date.parse(`${to}T00:00:00Z`);
	return Math.round((b - a) / 86_400_000);
}

/** Today's calendar date in `timeZone`, as 'YYYY-MM-DD'. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
	return instantToZoned(now, timeZone).date;
}
