// Admin → Communications: when reminders go, quiet hours, the texts, the SMS rate (issue 20).
import { fail } from '@sveltejs/kit';
import type { ReminderRule } from '$lib/schemas/reminders';
import { serverCaller } from '$lib/server/app/caller';
import { field, formAction, formValues, isChecked, isFailure, type FormValues } from '$lib/server/web/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const api = serverCaller(event);
	const [settings, preview] = await Promise.all([api.reminders.settings(), api.reminders.preview()]);
	return { settings, preview };
};

function ruleFrom(data: FormValues, prefix: 'first' | 'second'): ReminderRule | null {
	const kind = field(data, `${prefix}Kind`);
	if (kind === 'days_before')
		return {
			kind,
			days: Number(field(data, `${prefix}Days`) || NaN),
			hour: Number(field(data, `${prefix}Hour`) || NaN)
		};
	if (kind === 'hours_before') return { kind, hours: Number(field(data, `${prefix}Hours`) || NaN) };
	return null;
}

/** 'HH:MM' as minutes after midnight, or null. */
function minuteOf(value: string): number | null {
	const match = /^(\d{2}):(\d{2})$/.exec(value);
	return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		const quiet = isChecked(data, 'quietEnabled');
		const values = {
			firstReminder: ruleFrom(data, 'first'),
			secondReminder: ruleFrom(data, 'second'),
			quietEnabled: quiet,
			quietStart: field(data, 'quietStart'),
			quietEnd: field(data, 'quietEnd'),
			smsTemplate: field(data, 'smsTemplate'),
			emailSubject: field(data, 'emailSubject'),
			emailTemplate: field(data, 'emailTemplate'),
			clinicPhone: field(data, 'clinicPhone'),
			smsPerSecond: field(data, 'smsPerSecond'),
			allowCancelByReply: isChecked(data, 'allowCancelByReply')
		};
		const quietStartMinute = quiet ? minuteOf(values.quietStart) : null;
		const quietEndMinute = quiet ? minuteOf(values.quietEnd) : null;
		if (quiet && (quietStartMinute === null || quietEndMinute === null))
			return fail(400, {
				message: 'Give the start and end of quiet hours.',
				fieldErrors: { quietEndMinute: ['Give the start and end of quiet hours'] },
				values
			});
		const result = await formAction(
			() =>
				serverCaller(event).reminders.updateSettings({
					firstReminder: values.firstReminder,
					secondReminder: values.secondReminder,
					quietStartMinute,
					quietEndMinute,
					smsTemplate: values.smsTemplate,
					emailSubject: values.emailSubject,
					emailTemplate: values.emailTemplate,
					clinicPhone: values.clinicPhone.trim() || null,
					smsPerSecond: Number(values.smsPerSecond || NaN),
					allowCancelByReply: values.allowCancelByReply,
					version: Number(field(data, 'version'))
				}),
			values
		);
		if (isFailure(result)) return result;
		return { saved: true };
	}
} satisfies Actions;
