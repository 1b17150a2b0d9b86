// The pure rules of a treatment case (seed 000, as Cliniko does it): which appointments count
// towards its limit, how much of the limit is used, the number of each appointment in the series,
// and the warnings a clinic needs before a limit is reached or a referral runs out.
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import { daysBetween } from '../../time.ts';
import type { CaseLimitKind, CaseWarningKind } from './case.entity.ts';

export interface CaseLimits {
	limitKind: CaseLimitKind;
	maxAppointments?: number | null;
	maxAmountCents?: number | null;
	countsCancelled: boolean;
	countsDidNotArrive: boolean;
}

export interface UsageAppointment {
	id: string;
	status: AppointmentStatus;
	startsAt: Date;
	invoicedAmountCents: number | null;
	/** The appointment type's price: what an uninvoiced appointment is expected to cost. */
	priceCents: number;
}

export interface CaseUsage {
	/** Appointments that count towards the case (cancelled / DNA only when the case says so). */
	appointmentsCounted: number;
	/** For maximum-appointments cases; null otherwise. May be negative after a merge. */
	appointmentsLeft: number | null;
	/** Sum of the invoiced amounts of counted appointments. */
	amountInvoicedCents: number;
	/** Invoiced plus the price of counted appointments not yet invoiced. */
	amountProjectedCents: number;
	/**
	 * For maximum-amount cases: limit minus what is invoiced and booked (the projection), so every
	 * page shows the same "$155.00 left" (issue 18); null otherwise. Negative when over.
	 */
	amountLeftCents: number | null;
	/**
	 * The hard cap is reached: no further appointment may be added. The one "is this case full"
	 * rule; case-usage.rules.ts applies it to a booking, a reservation and a portal request.
	 */
	isFull: boolean;
	/** The soft amount cap is exceeded by what is invoiced or booked. */
	isOverAmount: boolean;
	/** Share of the limit used, 0..1+ (null for unlimited cases), for the usage bar. */
	fractionUsed: number | null;
	/** "3 of 10": each counted appointment's number in the series, by start time. */
	numbers: Map<string, number>;
}

export function countsTowardsCase(
	status: AppointmentStatus,
	limits: Pick<CaseLimits, 'countsCancelled' | 'countsDidNotArrive'>
): boolean {
	if (status === 'cancelled') return limits.countsCancelled;
	if (status === 'did_not_arrive') return limits.countsDidNotArrive;
	return true;
}

export function computeCaseUsage(limits: CaseLimits, appointments: readonly UsageAppointment[]): CaseUsage {
	const counted = appointments
		.filter((a) => countsTowardsCase(a.status, limits))
		.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || Number(a.id) - Number(b.id));
	const numbers = new Map(counted.map((a, index) => [a.id, index + 1]));
	const amountInvoicedCents = counted.reduce((sum, a) => sum + (a.invoicedAmountCents ?? 0), 0);
	const amountProjectedCents = counted.reduce((sum, a) => sum + (a.invoicedAmountCents ?? a.priceCents), 0);
	const isAppointments = limits.limitKind === 'appointments' && limits.maxAppointments != null;
	const isAmount = limits.limitKind === 'amount' && limits.maxAmountCents != null;
	const appointmentsLeft = isAppointments ? limits.maxAppointments! - counted.length : null;
	const amountLeftCents = isAmount ? limits.maxAmountCents! - amountProjectedCents : null;
	return {
		appointmentsCounted: counted.length,
		appointmentsLeft,
		amountInvoicedCents,
		amountProjectedCents,
		amountLeftCents,
		isFull: appointmentsLeft !== null && appointmentsLeft <= 0,
		isOverAmount: isAmount && amountProjectedCents > limits.maxAmountCents!,
		fractionUsed: isAppointments
			? counted.length / limits.maxAppointments!
			: isAmount
				? amountProjectedCents / limits.maxAmountCents!
				: null,
		numbers
	};
}

export type CaseWarning =
	| { kind: 'referral-expired'; expiresOn: string; days: number }
	| { kind: 'referral-expiring'; expiresOn: string; days: number }
	| { kind: 'appointments-low'; left: number }
	| { kind: 'appointments-none'; left: number }
	| { kind: 'over-amount'; overByCents: number };

export interface WarningInput {
	status: 'open' | 'closed';
	hasReferral: boolean;
	referralExpiresOn: string | null;
	usage: Pick<CaseUsage, 'appointmentsLeft' | 'isOverAmount' | 'amountProjectedCents'> & {
		maxAmountCents?: number | null;
	};
}

export const REFERRAL_WARNING_DAYS = 30;

/** What the case page and lists flag. Closed cases warn about nothing. */
export function caseWarnings(input: WarningInput, today: string): CaseWarning[] {
	if (input.status === 'closed') return [];
	const warnings: CaseWarning[] = [];
	if (input.hasReferral && input.referralExpiresOn) {
		const days = daysBetween(today, input.referralExpiresOn);
		if (days < 0) warnings.push({ kind: 'referral-expired', expiresOn: input.referralExpiresOn, days });
		else if (days <= REFERRAL_WARNING_DAYS)
			warnings.push({ kind: 'referral-expiring', expiresOn: input.referralExpiresOn, days });
	}
	const left = input.usage.appointmentsLeft;
	if (left !== null && left <= 0) warnings.push({ kind: 'appointments-none', left });
	else if (left === 1) warnings.push({ kind: 'appointments-low', left });
	if (input.usage.isOverAmount && input.usage.maxAmountCents != null)
		warnings.push({
			kind: 'over-amount',
			overByCents: input.usage.amountProjectedCents - input.usage.maxAmountCents
		});
	return warnings;
}

/** A sentence a clinic understands, for pages, lists and the warning email. */
export function describeWarning(warning: CaseWarning): string {
	switch (warning.kind) {
		case 'referral-expired':
			return `Referral expired ${-warning.days === 1 ? 'yesterday' : `${-warning.days} days ago`}`;
		case 'referral-expiring':
			return warning.days === 0
				? 'Referral expires today'
				: `Referral expires in ${warning.days} ${warning.days === 1 ? 'day' : 'days'}`;
		case 'appointments-low':
			return 'One appointment left';
		case 'appointments-none':
			return warning.left < 0 ? `Over the limit by ${-warning.left}` : 'No appointments left';
		case 'over-amount':
			return `Over the invoiceable amount by $${(warning.overByCents / 100).toFixed(2)}`;
	}
}

/**
 * The thresholds the daily job emails about, once each: referral 30, 7 and 0 days before expiry
 * (the most urgent one reached), and 1 or no appointments left. Returns the ones now reached.
 */
export function reachedWarningThresholds(
	input: Pick<WarningInput, 'status' | 'hasReferral' | 'referralExpiresOn'> & {
		appointmentsLeft: number | null;
	},
	today: string
): CaseWarningKind[] {
	if (input.status === 'closed') return [];
	const reached: CaseWarningKind[] = [];
	if (input.hasReferral && input.referralExpiresOn) {
		const days = daysBetween(today, input.referralExpiresOn);
		// Only the most urgent threshold: a referral found already 5 days from expiry gets the
		// 7-day email, not a 30-day one as well.
		if (days <= 0) reached.push('referral-0');
		else if (days <= 7) reached.push('referral-7');
		else if (days <= 30) reached.push('referral-30');
	}
	if (input.appointmentsLeft !== null) {
		if (input.appointmentsLeft <= 0) reached.push('appointments-0');
		else if (input.appointmentsLeft === 1) reached.push('appointments-1');
	}
	return reached;
}
