// How an appointment reads in words, in the clinic's time zone: the calendar's block labels, the
// list on small screens and the appointment page share these, so they always say the same thing.
import { APPOINTMENT_STATUS_LABELS, type AppointmentStatus } from '$lib/schemas/appointment';
import { instantToZoned } from '$lib/time';

const money = new Intl.NumberFormat('en-AU', { style: 'currency', currency: 'AUD' });

/** Integer cents as "$12.34". */
export function formatMoney(cents: number): string {
	return money.format(cents / 100);
}

export interface CaseBadgeSource {
	name: string;
	number: number | null;
	of: number | null;
	amountLeftCents: number | null;
	isOverAmount: boolean;
}

export interface AppointmentTextSource {
	patient: { name: string };
	practitioner: { name: string };
	appointmentType: { name: string };
	startsAt: Date;
	endsAt: Date;
	status: AppointmentStatus;
	case: CaseBadgeSource | null;
}

/** "3 of 10", "$120.00 left" (and "over the amount" once bookings pass it) or "no. 3"; else null. */
export function caseUsageText(ref: CaseBadgeSource): string | null {
	if (ref.of !== null) return ref.number !== null ? `${ref.number} of ${ref.of}` : 'not counted';
	if (ref.amountLeftCents !== null)
		return `${formatMoney(ref.amountLeftCents)} left${ref.isOverAmount ? ' · over the amount' : ''}`;
	return ref.number !== null ? `no. ${ref.number}` : null;
}

/** "Knee rehab · 3 of 10": the badge on a calendar block. */
export function caseBadge(ref: CaseBadgeSource): string {
	const usage = caseUsageText(ref);
	return usage ? `${ref.name} · ${usage}` : ref.name;
}

/** "10:30–11:15" in the clinic's time zone. */
export function timeRange(startsAt: Date, endsAt: Date, timeZone: string): string {
	return `${instantToZoned(startsAt, timeZone).time}–${instantToZoned(endsAt, timeZone).time}`;
}

/** "10:30–11:15 Jane Citizen, Initial consultation, with Priya Shah, Booked, case Knee · 3 of 10". */
export function appointmentLabel(a: AppointmentTextSource, timeZone: string): string {
	const parts = [
		`${timeRange(a.startsAt, a.endsAt, timeZone)} ${a.patient.name}`,
		a.appointmentType.name,
		`with ${a.practitioner.name}`,
		APPOINTMENT_STATUS_LABELS[a.status]
	];
	if (a.case) parts.push(`case ${caseBadge(a.case)}`);
	return parts.join(', ');
}

/** "Monday 23 November 2026" for a calendar date ('YYYY-MM-DD'), never shifted by a time zone. */
export function longDate(date: string): string {
	return new Intl.DateTimeFormat('en-AU', {
		timeZone: 'UTC',
		weekday: 'long',
		day: 'numeric',
		month: 'long',
		year: 'numeric'
	}).format(new Date(`${date}T00:00:00Z`));
}

/** "Mon 23 Nov". */
export function shortDate(date: string): string {
	return new Intl.DateTimeFormat('en-AU', {
		timeZone: 'UTC',
		weekday: 'short',
		day: 'numeric',
		month: 'short'
	}).format(new Date(`${date}T00:00:00Z`));
}

/** "23 – 29 Nov 2026" (or across months / years). */
export function weekRange(first: string, last: string): string {
	return new Intl.DateTimeFormat('en-AU', {
		timeZone: 'UTC',
		day: 'numeric',
		month: 'short',
		year: 'numeric'
	}).formatRange(new Date(`${first}T00:00:00Z`), new Date(`${last}T00:00:00Z`));
}
