// Dates are shown in the clinic's (or patient's) time zone, whatever the browser's is.
export function formatDateTime(value: Date | string | null | undefined, timeZone: string): string {
	if (!value) return '';
	const date = typeof value === 'string' ? new Date(value) : value;
	return new Intl.DateTimeFormat('en-AU', {
		timeZone,
		dateStyle: 'medium',
		timeStyle: 'short'
	}).format(date);
}

export function formatDate(value: Date | string | null | undefined, timeZone: string): string {
	if (!value) return '';
	const date = typeof value === 'string' ? new Date(value) : value;
	return new Intl.DateTimeFormat('en-AU', { timeZone, dateStyle: 'medium' }).format(date);
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

/** "9:30 am" in the clinic's zone. */
export function formatTime(value: Date | string | null | undefined, timeZone: string): string {
	if (!value) return '';
	const date = typeof value === 'string' ? new Date(value) : value;
	return new Intl.DateTimeFormat('en-AU', { timeZone, timeStyle: 'short' }).format(date);
}

/** "Wednesday 2 December" in the clinic's zone. */
export function formatDayLong(value: Date | string | null | undefined, timeZone: string): string {
	if (!value) return '';
	const date = typeof value === 'string' ? new Date(value) : value;
	return new Intl.DateTimeFormat('en-AU', {
		timeZone,
		weekday: 'long',
		day: 'numeric',
		month: 'long'
	}).format(date);
}
