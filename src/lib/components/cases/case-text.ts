// How cases read on the staff pages (browser-safe): usage ("3 of 10 appointments"), money, the
// number of an appointment in the series, warning tones and file sizes.

const money = new Intl.NumberFormat('en-AU', { style: 'currency', currency: 'AUD' });

/** Integer cents as money: 12034 → "$120.34". */
export function formatMoney(cents: number): string {
	return money.format(cents / 100);
}

export interface UsageLike {
	limitKind: 'unlimited' | 'appointments' | 'amount';
	maxAppointments: number | null;
	maxAmountCents: number | null;
	appointmentsCounted: number;
	appointmentsLeft: number | null;
	amountInvoicedCents: number;
	amountProjectedCents: number;
	amountLeftCents: number | null;
	fractionUsed: number | null;
}

function appointments(n: number): string {
	return `${n} ${n === 1 ? 'appointment' : 'appointments'}`;
}

/** "3 of 10 appointments", "$120.00 of $500.00", "Unlimited · 4 appointments". */
export function usageLabel(usage: UsageLike): string {
	if (usage.limitKind === 'appointments' && usage.maxAppointments != null)
		return `${usage.appointmentsCounted} of ${appointments(usage.maxAppointments)}`;
	if (usage.limitKind === 'amount' && usage.maxAmountCents != null)
		return `${formatMoney(usage.amountProjectedCents)} of ${formatMoney(usage.maxAmountCents)}`;
	return `Unlimited · ${appointments(usage.appointmentsCounted)}`;
}

/** What is left, in words: "7 appointments left", "$380.00 left to invoice", "2 over the limit". */
export function usageLeftLabel(usage: UsageLike): string | null {
	if (usage.appointmentsLeft !== null) {
		if (usage.appointmentsLeft < 0) return `Over the limit by ${appointments(-usage.appointmentsLeft)}`;
		if (usage.appointmentsLeft === 0) return 'No appointments left';
		return `${appointments(usage.appointmentsLeft)} left`;
	}
	if (usage.amountLeftCents !== null) {
		if (usage.amountLeftCents < 0) return `Invoiced ${formatMoney(-usage.amountLeftCents)} over the limit`;
		return `${formatMoney(usage.amountLeftCents)} left to invoice`;
	}
	return null;
}

/** The usage bar's colour: red when full or over, amber when close. */
export function usageTone(fraction: number | null): 'ok' | 'close' | 'over' {
	if (fraction === null) return 'ok';
	if (fraction >= 1) return 'over';
	if (fraction >= 0.8) return 'close';
	return 'ok';
}

/** "3 of 10" for a maximum-appointments case, "No. 3" otherwise; "Not counted" when it does not count. */
export function appointmentNumberLabel(
	appointment: { number: number | null; counts: boolean },
	usage: Pick<UsageLike, 'limitKind' | 'maxAppointments'>
): string {
	if (!appointment.counts || appointment.number === null) return 'Not counted';
	if (usage.limitKind === 'appointments' && usage.maxAppointments != null)
		return `${appointment.number} of ${usage.maxAppointments}`;
	return `No. ${appointment.number}`;
}

/** Expired referrals and exhausted or exceeded limits are red; the rest amber. */
export function warningTone(kind: string): 'red' | 'amber' {
	return kind === 'referral-expired' || kind === 'appointments-none' || kind === 'over-amount'
		? 'red'
		: 'amber';
}

export const WARNING_BADGE_CLASSES: Record<'red' | 'amber', string> = {
	red: 'bg-red-50 text-red-800 ring-red-200',
	amber: 'bg-amber-50 text-amber-900 ring-amber-200'
};

/** "820 KB", "1.4 MB". */
export function formatFileSize(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
