// The one place where dates and times become words: staff pages, the portal, emails, SMS texts and
// worker jobs all format through here, in the clinic's (or patient's) time zone and on the clinic's
// clock (Admin → Settings). Month and weekday names are our own, not the runtime's: en-AU gives
// "Sept" in one ICU version and "Sep" in another, and the server and the browser must render the
// same text (hydration), so nothing here depends on the locale data of the runtime.
import { instantToZoned } from './time.ts';

/** The clinic's choice of clock: "2:30 pm" or "14:30". */
export const CLOCKS = ['12h', '24h'] as const;
export type Clock = (typeof CLOCKS)[number];
export const DEFAULT_CLOCK: Clock = '12h';
export const CLOCK_LABELS: Record<Clock, string> = {
	'12h': '12-hour (2:30 pm)',
	'24h': '24-hour (14:30)'
};

export interface DateTimeFormat {
	/** An IANA zone: the clinic's, or a patient's own. */
	timeZone: string;
	clock: Clock;
	/** Begin with the weekday: "Tue 8 Sep 2026". The portal and patients' messages always do. */
	weekday?: boolean;
}

type When = Date | string | null | undefined;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = [
	'January',
	'February',
	'March',
	'April',
	'May',
	'June',
	'July',
	'August',
	'September',
	'October',
	'November',
	'December'
];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const WEEKDAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function toDate(value: Date | string): Date | null {
	const date = typeof value === 'string' ? new Date(value) : value;
	return Number.isNaN(date.getTime()) ? null : date;
}

interface CalendarParts {
	year: number;
	/** 1-12 */
	month: number;
	day: number;
	/** 0 = Sunday */
	weekday: number;
}

/** 'YYYY-MM-DD' as its parts, or null if it is not a calendar date. */
function calendarParts(iso: string): CalendarParts | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	if (!match) return null;
	const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
	return { year, month, day, weekday: date.getUTCDay() };
}

function dateWords(p: CalendarParts, weekday: boolean): string {
	const date = `${p.day} ${MONTHS[p.month - 1]} ${p.year}`;
	return weekday ? `${WEEKDAYS[p.weekday]} ${date}` : date;
}

/** Minutes since midnight on the clinic's clock: "2:30 pm" / "14:30"; "12:00 pm" is noon. */
export function formatMinuteOfDay(minuteOfDay: number, clock: Clock): string {
	const h = Math.floor(minuteOfDay / 60) % 24;
	const m = String(minuteOfDay % 60).padStart(2, '0');
	if (clock === '24h') return `${String(h).padStart(2, '0')}:${m}`;
	return `${h % 12 || 12}:${m} ${h < 12 ? 'am' : 'pm'}`;
}

/** An hour mark of a time grid: "9 am", "12 pm" / "09:00". */
export function formatHour(hour: number, clock: Clock): string {
	if (clock === '24h') return formatMinuteOfDay(hour * 60, clock);
	const h = hour % 24;
	return `${h % 12 || 12} ${h < 12 ? 'am' : 'pm'}`;
}

/** "8 Sep 2026" (with `weekday`: "Tue 8 Sep 2026") on the wall calendar of `timeZone`. */
export function formatDate(value: When, format: Pick<DateTimeFormat, 'timeZone' | 'weekday'>): string {
	const date = value ? toDate(value) : null;
	if (!date) return '';
	const zoned = instantToZoned(date, format.timeZone);
	return dateWords(calendarParts(zoned.date)!, format.weekday ?? false);
}

/** "2:30 pm" / "14:30" in `timeZone`. */
export function formatTime(value: When, format: Pick<DateTimeFormat, 'timeZone' | 'clock'>): string {
	const date = value ? toDate(value) : null;
	if (!date) return '';
	return formatMinuteOfDay(instantToZoned(date, format.timeZone).minuteOfDay, format.clock);
}

/** "8 Sep 2026, 2:30 pm" (with `weekday`: "Tue 8 Sep 2026, 2:30 pm"). */
export function formatDateTime(value: When, format: DateTimeFormat): string {
	const date = value ? toDate(value) : null;
	if (!date) return '';
	return `${formatDate(date, format)}, ${formatTime(date, format)}`;
}

/** "Tue 8 Sep 2026, 2:30 pm": what patients read, in the portal and in messages. */
export function formatWeekdayDateTime(value: When, format: Omit<DateTimeFormat, 'weekday'>): string {
	return formatDateTime(value, { ...format, weekday: true });
}

/** "9:00–9:45 am", "11:30 am–12:15 pm" / "09:00–09:45". */
export function formatTimeRange(
	startsAt: Date,
	endsAt: Date,
	format: Pick<DateTimeFormat, 'timeZone' | 'clock'>
): string {
	const start = formatTime(startsAt, format);
	const end = formatTime(endsAt, format);
	if (format.clock === '12h' && start.slice(-2) === end.slice(-2)) return `${start.slice(0, -3)}–${end}`;
	return `${start}–${end}`;
}

/**
 * A calendar date ('YYYY-MM-DD': a date of birth, a referral's expiry, a calendar day), never shifted
 * through a time zone: "8 Sep 2026", "Tue 8 Sep 2026", or with `long` "Tuesday 8 September 2026".
 * Anything that is not a date is returned as it is.
 */
export function formatCalendarDate(
	iso: string | null | undefined,
	options: { weekday?: boolean; long?: boolean } = {}
): string {
	if (!iso) return '';
	const p = calendarParts(iso);
	if (!p) return iso;
	if (!options.long) return dateWords(p, options.weekday ?? false);
	const date = `${p.day} ${MONTHS_LONG[p.month - 1]} ${p.year}`;
	return options.weekday ? `${WEEKDAYS_LONG[p.weekday]} ${date}` : date;
}

/** "Mon 23 Nov": a day heading of a week. */
export function formatShortDay(iso: string): string {
	const p = calendarParts(iso);
	if (!p) return iso;
	return `${WEEKDAYS[p.weekday]} ${p.day} ${MONTHS[p.month - 1]}`;
}

/** "23 – 29 Nov 2026", "30 Nov – 6 Dec 2026", "28 Dec 2026 – 3 Jan 2027". */
export function formatDateRange(first: string, last: string): string {
	const a = calendarParts(first);
	const b = calendarParts(last);
	if (!a || !b) return `${first} – ${last}`;
	const end = dateWords(b, false);
	if (a.year !== b.year) return `${dateWords(a, false)} – ${end}`;
	if (a.month !== b.month) return `${a.day} ${MONTHS[a.month - 1]} – ${end}`;
	return `${a.day} – ${end}`;
}

/** "2 minutes ago", "in 5 minutes". */
export function formatRelative(value: Date, now = new Date()): string {
	const seconds = Math.round((value.getTime() - now.getTime()) / 1000);
	const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
	const abs = Math.abs(seconds);
	if (abs < 60) return rtf.format(seconds, 'second');
	if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
	if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
	return rtf.format(Math.round(seconds / 86400), 'day');
}

/** "Wednesday 2 December" in the clinic's zone. */
export function formatDayLong(value: When, { timeZone }: Pick<DateTimeFormat, 'timeZone'>): string {
	if (!value) return '';
	const date = typeof value === 'string' ? new Date(value) : value;
	return new Intl.DateTimeFormat('en-AU', {
		timeZone,
		weekday: 'long',
		day: 'numeric',
		month: 'long'
	}).format(date);
}
