// A date of birth is a calendar date ('YYYY-MM-DD'), not an instant: it is shown and aged as it is,
// never shifted through a time zone. "Today" is the clinic's today.

function parts(iso: string): [number, number, number] | null {
	const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
	return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

/** Today's date in `timeZone`, as 'YYYY-MM-DD'. */
export { todayIn } from '../../time.ts';

/** "26 May 2001" (the one formatter, $lib/format). */
export { formatCalendarDate } from '../../format.ts';

/** Whole months from `dateOfBirth` to `today` (both 'YYYY-MM-DD'); null if either is not a date. */
export function ageInMonths(dateOfBirth: string, today: string): number | null {
	const born = parts(dateOfBirth);
	const now = parts(today);
	if (!born || !now) return null;
	let months = (now[0] - born[0]) * 12 + (now[1] - born[1]);
	if (now[2] < born[2]) months -= 1;
	return months < 0 ? null : months;
}

/** Completed years on `today`: someone born on 2001-05-26 turns 24 on 2025-05-26. */
export function ageInYears(dateOfBirth: string, today: string): number | null {
	const months = ageInMonths(dateOfBirth, today);
	return months === null ? null : Math.floor(months / 12);
}

/** "24 years"; babies and toddlers in months ("18 months", "under 1 month"). */
export function ageLabel(dateOfBirth: string | null | undefined, today: string): string {
	if (!dateOfBirth) return '';
	const months = ageInMonths(dateOfBirth, today);
	if (months === null) return '';
	if (months < 1) return 'under 1 month';
	if (months < 24) return `${months} ${months === 1 ? 'month' : 'months'}`;
	const years = Math.floor(months / 12);
	return `${years} years`;
}
