// Pure rules of patient reminders: when a reminder is due, how quiet hours move an SMS, and the
// calendar entry (.ics, RFC 5545) that goes with a confirmation.
import type { ReminderRule } from '../../schemas/reminders.ts';
import { addDays, instantToZoned, zonedToInstant } from '../../time.ts';

/** When a reminder of an appointment at `startsAt` is due, on the wall clock of `timeZone`. */
export function reminderDueAt(rule: ReminderRule, startsAt: Date, timeZone: string): Date {
	if (rule.kind === 'hours_before') return new Date(startsAt.getTime() - rule.hours * 3_600_000);
	const day = addDays(instantToZoned(startsAt, timeZone).date, -rule.days);
	const due = zonedToInstant(`${day}T${String(rule.hour).padStart(2, '0')}:00`, timeZone);
	// "On the day at 9 am" for a 8 am appointment would come after it: nothing useful to send then.
	return due;
}

export interface QuietHours {
	startMinute: number;
	endMinute: number;
}

function inWindow(minute: number, quiet: QuietHours): boolean {
	return quiet.startMinute < quiet.endMinute
		? minute >= quiet.startMinute && minute < quiet.endMinute
		: minute >= quiet.startMinute || minute < quiet.endMinute;
}

/**
 * When an SMS due at `at` may go: `at` itself, or, inside quiet hours (in `timeZone`; the window
 * may span midnight, e.g. 21:00–08:00), the window's end.
 */
export function afterQuietHours(at: Date, quiet: QuietHours | null, timeZone: string): Date {
	if (!quiet) return at;
	const local = instantToZoned(at, timeZone);
	if (!inWindow(local.minuteOfDay, quiet)) return at;
	const endsTomorrow = quiet.startMinute > quiet.endMinute && local.minuteOfDay >= quiet.startMinute;
	const day = endsTomorrow ? addDays(local.date, 1) : local.date;
	const hh = String(Math.floor(quiet.endMinute / 60)).padStart(2, '0');
	const mm = String(quiet.endMinute % 60).padStart(2, '0');
	return zonedToInstant(`${day}T${hh}:${mm}`, timeZone);
}

function icsDate(date: Date): string {
	return date
		.toISOString()
		.replace(/[-:]/g, '')
		.replace(/\.\d{3}/, '');
}

function icsText(text: string): string {
	return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a UTF-8 character. */
function fold(line: string): string {
	const out: string[] = [];
	let current = '';
	let octets = 0;
	for (const ch of line) {
		const size = Buffer.byteLength(ch);
		if (octets + size > (out.length ? 74 : 75)) {
			out.push(current);
			current = '';
			octets = 0;
		}
		current += ch;
		octets += size;
	}
	out.push(current);
	return out.join('\r\n ');
}

export interface CalendarEvent {
	uid: string;
	/** Grows with every change, so calendars replace the earlier entry. */
	sequence: number;
	startsAt: Date;
	endsAt: Date;
	summary: string;
	description?: string;
	location?: string;
	organizerName: string;
	cancelled?: boolean;
	now?: Date;
}

/** A one-event iCalendar file: REQUEST for a booking or move, CANCEL for a cancellation. */
export function calendarFile(event: CalendarEvent): string {
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//Casebook//Appointments//EN',
		'CALSCALE:GREGORIAN',
		`METHOD:${event.cancelled ? 'CANCEL' : 'REQUEST'}`,
		'BEGIN:VEVENT',
		`UID:${event.uid}`,
		`SEQUENCE:${event.sequence}`,
		`DTSTAMP:${icsDate(event.now ?? new Date())}`,
		`DTSTART:${icsDate(event.startsAt)}`,
		`DTEND:${icsDate(event.endsAt)}`,
		`SUMMARY:${icsText(event.summary)}`,
		...(event.description ? [`DESCRIPTION:${icsText(event.description)}`] : []),
		...(event.location ? [`LOCATION:${icsText(event.location)}`] : []),
		`ORGANIZER;CN=${icsText(event.organizerName).replace(/[:;"]/g, '')}:mailto:noreply@invalid`,
		`STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
		'END:VEVENT',
		'END:VCALENDAR'
	];
	return lines.map(fold).join('\r\n') + '\r\n';
}
