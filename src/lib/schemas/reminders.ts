// Patient reminders: the settings form (Admin → Communications) and the template rules the browser
// also runs (live preview, SMS length and segments). The server renders messages with the same
// functions, so what the admin previews is what the patient gets.
import { z } from 'zod';

export const PLACEHOLDERS = [
	'first_name',
	'date',
	'time',
	'practitioner',
	'clinic_name',
	'clinic_phone',
	'portal_link'
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

/** Every SMS reminder ends with this: the webhook understands Y and N (reminders.service.ts). */
export const REPLY_SUFFIX = 'Reply Y to confirm, N to cancel';

/** `{first_name}` and friends replaced; an unknown `{word}` is left as typed (the form refuses it). */
export function renderTemplate(template: string, values: PlaceholderValues): string {
	return template.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
		(PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole
	);
}

/** The SMS a patient receives: the rendered template, then the reply instruction. */
export function smsText(template: string, values: PlaceholderValues): string {
	return `${renderTemplate(template, values).trim()} ${REPLY_SUFFIX}`;
}

export function unknownPlaceholders(template: string): string[] {
	const names = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
	return [...new Set(names.filter((n) => !(PLACEHOLDERS as readonly string[]).includes(n)))];
}

// GSM 03.38: the basic set costs one septet, the extension set two (escape + char).
const GSM_BASIC = new Set(
	'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export interface SmsLength {
	encoding: 'GSM-7' | 'UCS-2';
	/** Septets for GSM-7, UTF-16 code units for UCS-2. */
	units: number;
	segments: number;
	/** What one segment holds in this encoding (when the text needs more than one). */
	perSegment: number;
}

/** How long an SMS is and how many segments a phone receives (160/153 GSM-7, 70/67 UCS-2). */
export function smsLength(text: string): SmsLength {
	let septets = 0;
	let gsm = true;
	for (const ch of text) {
		if (GSM_BASIC.has(ch)) septets += 1;
		else if (GSM_EXTENDED.has(ch)) septets += 2;
		else {
			gsm = false;
			break;
		}
	}
	if (gsm) {
		const segments = septets === 0 ? 0 : septets <= 160 ? 1 : Math.ceil(septets / 153);
		return { encoding: 'GSM-7', units: septets, segments, perSegment: segments > 1 ? 153 : 160 };
	}
	const units = text.length;
	const segments = units <= 70 ? 1 : Math.ceil(units / 67);
	return { encoding: 'UCS-2', units, segments, perSegment: segments > 1 ? 67 : 70 };
}

export const reminderRule = z.discriminatedUnion('kind', [
	z.object({
		kind: z.literal('days_before'),
		days: z.number().int('Whole days').min(0, 'At least 0 days').max(14, 'At most 14 days'),
		hour: z.number().int('A whole hour').min(0, 'An hour from 0 to 23').max(23, 'An hour from 0 to 23')
	}),
	z.object({
		kind: z.literal('hours_before'),
		hours: z.number().int('Whole hours').min(1, 'At least 1 hour').max(336, 'At most 336 hours')
	})
]);
export type ReminderRule = z.infer<typeof reminderRule>;

const template = (label: string, max: number) =>
	z
		.string()
		.trim()
		.min(1, `Enter the ${label}`)
		.max(max, `Use at most ${max} characters`)
		.refine((t) => unknownPlaceholders(t).length === 0, {
			message: `Use only these placeholders: ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}`
		});

const minuteOfDay = z
	.number()
	.int()
	.min(0, 'A time of day')
	.max(24 * 60 - 1, 'A time of day');

export const reminderSettingsInput = z
	.object({
		firstReminder: reminderRule.nullable(),
		secondReminder: reminderRule.nullable(),
		quietStartMinute: minuteOfDay.nullable(),
		quietEndMinute: minuteOfDay.nullable(),
		smsTemplate: template('SMS text', 480),
		emailSubject: template('email subject', 200),
		emailTemplate: template('email text', 5000),
		clinicPhone: z.string().trim().max(40, 'Use at most 40 characters').nullable(),
		smsPerSecond: z
			.number({ error: 'Enter messages per second' })
			.min(0.1, 'At least 0.1 per second')
			.max(1000, 'At most 1000 per second'),
		allowCancelByReply: z.boolean(),
		version: z.number().int().min(1)
	})
	.superRefine((v, ctx) => {
		if ((v.quietStartMinute === null) !== (v.quietEndMinute === null))
			ctx.addIssue({
				code: 'custom',
				path: ['quietEndMinute'],
				message: 'Give both ends of quiet hours, or neither'
			});
		if (v.quietStartMinute !== null && v.quietStartMinute === v.quietEndMinute)
			ctx.addIssue({
				code: 'custom',
				path: ['quietEndMinute'],
				message: 'Quiet hours must end at another time'
			});
		if (!v.firstReminder && v.secondReminder)
			ctx.addIssue({
				code: 'custom',
				path: ['secondReminder'],
				message: 'Set the first reminder before a second'
			});
	});
export type ReminderSettingsInput = z.infer<typeof reminderSettingsInput>;

export function describeRule(rule: ReminderRule | null, formatHour: (hour: number) => string): string {
	if (!rule) return 'Off';
	if (rule.kind === 'hours_before') return `${rule.hours} hour${rule.hours === 1 ? '' : 's'} before`;
	const day = rule.days === 0 ? 'On the day' : `${rule.days} day${rule.days === 1 ? '' : 's'} before`;
	return `${day} at ${formatHour(rule.hour)}`;
}
