import { describe, expect, it } from 'vitest';
import { amountUsageFigures, usageLabel, usageLeftLabel, type UsageLike } from './case-text';

const amountCase = (invoiced: number, projected: number, max: number | null = 60_000): UsageLike => ({
	limitKind: 'amount',
	maxAppointments: null,
	maxAmountCents: max,
	appointmentsCounted: 3,
	appointmentsLeft: null,
	amountInvoicedCents: invoiced,
	amountProjectedCents: projected,
	amountLeftCents: max === null ? null : max - projected,
	fractionUsed: max === null ? null : projected / max
});

describe('the figures of an amount-capped case', () => {
	it('counts what is booked as well as what is invoiced, and what is left after both', () => {
		expect(amountUsageFigures(amountCase(18_000, 44_500))).toBe(
			'$445.00 of $600.00 used ($180.00 invoiced, $265.00 booked) — $155.00 left'
		);
	});

	it('says how far over the amount a case is, never a negative amount left', () => {
		expect(amountUsageFigures(amountCase(40_000, 65_000))).toBe(
			'$650.00 of $600.00 used ($400.00 invoiced, $250.00 booked) — $50.00 over'
		);
	});

	it('reads the same when nothing is used yet, and when all of it is invoiced', () => {
		expect(amountUsageFigures(amountCase(0, 0))).toBe(
			'$0.00 of $600.00 used ($0.00 invoiced, $0.00 booked) — $600.00 left'
		);
		expect(amountUsageFigures(amountCase(60_000, 60_000))).toBe(
			'$600.00 of $600.00 used ($600.00 invoiced, $0.00 booked) — $0.00 left'
		);
	});

	it('has no figures for a case without an amount cap', () => {
		expect(amountUsageFigures(amountCase(0, 9_000, null))).toBeNull();
	});

	it('is what the usage label shows, with no second "left to invoice" beside it', () => {
		const usage = amountCase(18_000, 44_500);
		expect(usageLabel(usage)).toBe(amountUsageFigures(usage));
		expect(usageLeftLabel(usage)).toBeNull();
	});

	it('leaves appointment-capped and unlimited cases as they read', () => {
		const capped: UsageLike = {
			...amountCase(0, 0),
			limitKind: 'appointments',
			maxAppointments: 10,
			maxAmountCents: null,
			appointmentsLeft: 7,
			amountLeftCents: null
		};
		expect(usageLabel(capped)).toBe('3 of 10 appointments');
		expect(usageLeftLabel(capped)).toBe('7 appointments left');
		expect(usageLabel({ ...capped, limitKind: 'unlimited', maxAppointments: null, appointmentsLeft: null })).toBe(
			'Unlimited · 3 appointments'
		);
	});
});
