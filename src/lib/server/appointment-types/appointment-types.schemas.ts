// Input schemas for appointment types (issue 5): shared by the tRPC router, the service functions
// (which parse again, so form actions may pass raw values) and the admin form actions.
import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';
import { colour } from '../services/services.schemas.ts';

export const DURATION_MIN = 5;
export const DURATION_MAX = 480;
export const DURATION_STEP = 5;
export const PRICE_MAX_CENTS = 10_000_000;

const DURATION_MESSAGE = `Enter minutes from ${DURATION_MIN} to ${DURATION_MAX}, in steps of ${DURATION_STEP}`;
const PRICE_MESSAGE = 'Enter a price of $0.00 or more';

/** Default length in minutes: 5 to 480 in steps of 5. */
export const durationMinutes = z
	.number({ error: DURATION_MESSAGE })
	.refine(
		(v) => Number.isInteger(v) && v >= DURATION_MIN && v <= DURATION_MAX && v % DURATION_STEP === 0,
		DURATION_MESSAGE
	);

/** Integer cents, zero or more. */
export const priceCents = z
	.number({ error: PRICE_MESSAGE })
	.int(PRICE_MESSAGE)
	.min(0, 'The price cannot be below zero')
	.max(PRICE_MAX_CENTS, 'Enter a price of at most $100,000.00');

export const appointmentTypeFields = z.object({
	name: z
		.string({ error: 'Enter a name' })
		.trim()
		.min(1, 'Enter a name')
		.max(120, 'Use at most 120 characters'),
	serviceIds: z
		.array(recordId, { error: 'Choose at least one service' })
		.min(1, 'Choose at least one service')
		.max(50)
		.transform((ids) => [...new Set(ids)]),
	durationMinutes,
	priceCents: priceCents.default(0),
	colour: colour.default('#0284c7'),
	isActive: z.boolean().default(true)
});

export const createAppointmentTypeInput = appointmentTypeFields;
export const updateAppointmentTypeInput = appointmentTypeFields.extend({
	id: recordId,
	version: z.number().int().min(1, 'Missing version')
});

export const findAppointmentTypesInput = z.object({
	search: z.string().trim().max(200).optional(),
	serviceId: recordId.optional(),
	includeInactive: z.boolean().default(false)
});

export const appointmentTypeIdInput = z.object({ id: recordId });

/**
 * A price typed in dollars ("95", "95.5", "$1,200.00") as integer cents; NaN when it is not a
 * price (so the schema reports it), negative when it is below zero.
 */
export function dollarsToCents(value: string | null | undefined): number {
	const text = (value ?? '').trim().replace(/^\$/, '').replace(/,/g, '');
	if (text === '') return Number.NaN;
	const match = /^(-)?\$?(\d*)(?:\.(\d{0,2}))?$/.exec(text);
	if (!match || (match[2] === '' && !match[3])) return Number.NaN;
	const cents = Number(match[2] || '0') * 100 + Number((match[3] ?? '').padEnd(2, '0') || '0');
	return match[1] ? -cents : cents;
}

/** Integer cents as a dollar amount for a form field: 9550 → "95.50". */
export function centsToDollars(cents: number): string {
	return (cents / 100).toFixed(2);
}

export type CreateAppointmentTypeInput = z.input<typeof createAppointmentTypeInput>;
export type UpdateAppointmentTypeInput = z.input<typeof updateAppointmentTypeInput>;
export type FindAppointmentTypesInput = z.input<typeof findAppointmentTypesInput>;
