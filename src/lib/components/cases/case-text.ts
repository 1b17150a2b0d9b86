// How cases read on the staff pages (browser-safe): usage ("3 of 10 appointments", the amount
// figures), money, the number of an appointment in the series, warning tones and file sizes.

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

/**
 * The figures of an amount-capped case, the one formatter every page uses (issue 18): "$445.00 of
 * $600.00 used ($180.00 invoiced, $265.00 booked) — $155.00 left". Used = invoiced + the price of
 * counted appointments not yet invoiced; what is left counts both. Null for other cases.
 */
export function amountUsageFigures(
	usage: Pick<UsageLike, 'maxAmountCents' | 'amountInvoicedCents' | 'amountProjectedCents'>
): string | null {
	if (usage.maxAmountCents == null) return null;
	const used = usage.amountProjectedCents;
	const booked = used - usage.amountInvoicedCents;
	const left = usage.maxAmountCents - used;
	const rest = left >= 0 ? `${formatMoney(left)} left` : `${formatMoney(-left)} over`;
	return `${formatMoney(used)} of ${formatMoney(usage.maxAmountCents)} used (${formatMoney(usage.amountInvoicedCents)} invoiced, ${formatMoney(booked)} booked) — ${rest}`;
}

/** "3 of 10 appointments", the amount figures (amountUsageFigures), "Unlimited · 4 appointments". */
export function usageLabel(usage: UsageLike): string {
	if (usage.limitKind === 'appointments' && usage.maxAppointments != null)
		return `${usage.appointmentsCounted} of ${appointments(usage.maxAppointments)}`;
	if (usage.limitKind === 'amount' && usage.maxAmountCents != null) return amountUsageFigures(usage)!;
	return `Unlimited · ${appointments(usage.appointmentsCounted)}`;
}

/**
 * What is left, in words: "7 appointments left", "2 over the limit". Null for amount-capped cases:
 * their figures (usageLabel) already say what is left.
 */
export function usageLeftLabel(usage: UsageLike): string | null {
	if (usage.appointmentsLeft !== null) {
		if (usage.appointmentsLeft < 0) return `Over the limit by ${appointments(-usage.appointmentsLeft)}`;
		if (usage.appointmentsLeft === 0) return 'No appointments left';
		return `${appointments(usage.appointmentsLeft)} left`;
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
