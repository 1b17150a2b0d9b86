// How an appointment reads in words, in the clinic's time zone and on its clock (through
// $lib/format): the calendar's block labels, the list on small screens and the appointment page
// share these, so they always say the same thing.
import { APPOINTMENT_STATUS_LABELS, type AppointmentStatus } from '$lib/schemas/appointment';
import {
	formatCalendarDate,
	formatDateRange,
	formatShortDay,
	formatTimeRange,
	type DateTimeFormat
} from '$lib/format';

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
	patient: { name: string; appointmentNotes?: string | null };
	practitioner: { name: string };
	appointmentType: { name: string };
	startsAt: Date;
	endsAt: Date;
	status: AppointmentStatus;
	case: CaseBadgeSource | null;
	/** The patient replied Y to a reminder. */
	confirmedByPatientAt?: Date | null;
}

/** "Confirmed by patient" for a live appointment the patient confirmed by SMS; else null. */
export function patientConfirmation(
	a: Pick<AppointmentTextSource, 'status' | 'confirmedByPatientAt'>
): string | null {
	return a.confirmedByPatientAt && a.status !== 'cancelled' ? 'Confirmed by patient' : null;
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

/** Where and how times are written: the clinic's zone and clock (layout data `clinic`). */
export type ClinicClock = Pick<DateTimeFormat, 'timeZone' | 'clock'>;

/** "10:30–11:15 am" / "10:30–11:15" in the clinic's time zone, on its clock. */
export function timeRange(startsAt: Date, endsAt: Date, format: ClinicClock): string {
	return formatTimeRange(startsAt, endsAt, format);
}

/** The patient record's appointment notes, shortened for a label or a tooltip (the page has them all). */
export function notesExcerpt(notes: string | null | undefined, max = 200): string | null {
	const text = notes?.replace(/\s+/g, ' ').trim();
	if (!text) return null;
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * "10:30–11:15 am Jane Citizen, Initial consultation, with Priya Shah, Completed, case Knee · 3 of 10,
 * appointment notes: Prefers the ground-floor room".
 */
export function appointmentLabel(a: AppointmentTextSource, format: ClinicClock): string {
	const parts = [
		`${timeRange(a.startsAt, a.endsAt, format)} ${a.patient.name}`,
		a.appointmentType.name,
		`with ${a.practitioner.name}`,
		APPOINTMENT_STATUS_LABELS[a.status]
	];
	const confirmed = patientConfirmation(a);
	if (confirmed) parts.push(confirmed);
	if (a.case) parts.push(`case ${caseBadge(a.case)}`);
	const notes = notesExcerpt(a.patient.appointmentNotes);
	if (notes) parts.push(`appointment notes: ${notes}`);
	return parts.join(', ');
}

/** "Monday 23 November 2026" for a calendar date ('YYYY-MM-DD'), never shifted by a time zone. */
export function longDate(date: string): string {
	return formatCalendarDate(date, { weekday: true, long: true });
}

/** "Mon 23 Nov". */
export function shortDate(date: string): string {
	return formatShortDay(date);
}

/** "23 – 29 Nov 2026" (or across months / years). */
export function weekRange(first: string, last: string): string {
	return formatDateRange(first, last);
}
