import { describe, expect, it } from 'vitest';
import { defaultEscalationPolicy } from '$lib/schemas/team';
import {
	describePriority,
	formatMinutes,
	isOutOfTimeOrder,
	policyToFormValues,
	readPolicyForm,
	samePolicyValues,
	sortByTime
} from './policy-form';
import { formValuesOf, type FormValues } from '$lib/server/web/forms';

/** The fields the editor posts for a policy, as a browser would send them. */
function formOf(fields: Record<string, string>): FormValues {
	const data = new FormData();
	data.set('version', '3');
	for (const [name, value] of Object.entries(fields)) data.append(name, value);
	return formValuesOf(data);
}

const DEFAULT_FIELDS = {
	'escalationPolicy.urgent.steps.0.afterMinutes': '5',
	'escalationPolicy.urgent.steps.0.channel': 'sms',
	'escalationPolicy.urgent.steps.0.target': 'all',
	'escalationPolicy.urgent.repeat.times': '2',
	'escalationPolicy.urgent.repeat.everyMinutes': '35',
	'escalationPolicy.high.steps.0.afterMinutes': '10',
	'escalationPolicy.high.steps.0.channel': 'email',
	'escalationPolicy.high.steps.0.target': 'all',
	'escalationPolicy.normal.steps.0.afterMinutes': '1440',
	'escalationPolicy.normal.steps.0.channel': 'email',
	'escalationPolicy.normal.steps.0.target': 'all'
};

describe('readPolicyForm', () => {
	it('reads the default policy back from its fields, with no repeat when the box is unticked', () => {
		const result = readPolicyForm(formOf(DEFAULT_FIELDS));
		expect(result.success).toBe(true);
		if (result.success) expect(result.policy).toEqual(defaultEscalationPolicy());
	});

	it('reads several steps in their order and a ticked repeat', () => {
		const result = readPolicyForm(
			formOf({
				...DEFAULT_FIELDS,
				'escalationPolicy.urgent.steps.1.afterMinutes': ' 15 ',
				'escalationPolicy.urgent.steps.1.channel': 'email',
				'escalationPolicy.urgent.steps.1.target': 'leads',
				'escalationPolicy.urgent.repeat.enabled': 'on',
				'escalationPolicy.urgent.repeat.times': '2',
				'escalationPolicy.urgent.repeat.everyMinutes': '60'
			})
		);
		expect(result.success).toBe(true);
		if (!result.success) return;
		expect(result.policy.urgent).toEqual({
			steps: [
				{ afterMinutes: 5, channel: 'sms', target: 'all' },
				{ afterMinutes: 15, channel: 'email', target: 'leads' }
			],
			repeat: { times: 2, everyMinutes: 60 }
		});
		expect(result.values.urgent.steps[1]?.afterMinutes).toBe(' 15 ');
	});

	it('closes gaps in the step numbering', () => {
		const fields: Record<string, string> = { ...DEFAULT_FIELDS };
		delete fields['escalationPolicy.high.steps.0.afterMinutes'];
		delete fields['escalationPolicy.high.steps.0.channel'];
		delete fields['escalationPolicy.high.steps.0.target'];
		fields['escalationPolicy.high.steps.4.afterMinutes'] = '20';
		fields['escalationPolicy.high.steps.4.channel'] = 'sms';
		fields['escalationPolicy.high.steps.4.target'] = 'leads';
		const result = readPolicyForm(formOf(fields));
		expect(result.success).toBe(true);
		if (result.success)
			expect(result.policy.high.steps).toEqual([{ afterMinutes: 20, channel: 'sms', target: 'leads' }]);
	});

	it('keys errors by the field they are about, and keeps what was typed', () => {
		const result = readPolicyForm(
			formOf({
				...DEFAULT_FIELDS,
				'escalationPolicy.urgent.steps.0.afterMinutes': '',
				'escalationPolicy.high.steps.0.afterMinutes': '2.5',
				'escalationPolicy.high.steps.0.channel': 'pigeon',
				'escalationPolicy.normal.steps.1.afterMinutes': '60',
				'escalationPolicy.normal.steps.1.channel': 'sms',
				'escalationPolicy.normal.steps.1.target': 'all',
				'escalationPolicy.urgent.repeat.enabled': 'on',
				'escalationPolicy.urgent.repeat.times': '',
				'escalationPolicy.urgent.repeat.everyMinutes': '1.5'
			})
		);
		expect(result.success).toBe(false);
		if (result.success) return;
		expect(result.fieldErrors).toEqual({
			'escalationPolicy.urgent.steps.0.afterMinutes': ['Enter the minutes after sending'],
			'escalationPolicy.urgent.repeat.times': ['Enter a number'],
			'escalationPolicy.urgent.repeat.everyMinutes': ['Enter a whole number'],
			'escalationPolicy.high.steps.0.afterMinutes': ['Enter whole minutes'],
			'escalationPolicy.high.steps.0.channel': ['Choose SMS or email'],
			'escalationPolicy.normal.steps.1.afterMinutes': ['Each step comes at or after the one before']
		});
		expect(result.values.high.steps[0]).toEqual({ afterMinutes: '2.5', channel: 'pigeon', target: 'all' });
		expect(result.values.urgent).toMatchObject({ repeats: true, times: '', everyMinutes: '1.5' });
	});

	it('refuses a priority with no steps', () => {
		const fields: Record<string, string> = { ...DEFAULT_FIELDS };
		for (const key of Object.keys(fields)) if (key.startsWith('escalationPolicy.high.')) delete fields[key];
		const result = readPolicyForm(formOf(fields));
		expect(result.success).toBe(false);
		if (!result.success)
			expect(result.fieldErrors['escalationPolicy.high.steps']).toEqual(['Add at least one step']);
	});

	it('round-trips a saved policy through the form values', () => {
		const policy = defaultEscalationPolicy();
		policy.high.repeat = { times: 3, everyMinutes: 45 };
		const values = policyToFormValues(policy);
		const data = new FormData();
		for (const priority of ['urgent', 'high', 'normal'] as const) {
			const v = values[priority];
			v.steps.forEach((step, i) => {
				for (const [field, value] of Object.entries(step))
					data.set(`escalationPolicy.${priority}.steps.${i}.${field}`, value);
			});
			if (v.repeats) data.set(`escalationPolicy.${priority}.repeat.enabled`, 'on');
			data.set(`escalationPolicy.${priority}.repeat.times`, v.times);
			data.set(`escalationPolicy.${priority}.repeat.everyMinutes`, v.everyMinutes);
		}
		const result = readPolicyForm(formValuesOf(data));
		expect(result.success && result.policy).toEqual(policy);
	});
});

describe('describePriority', () => {
	it('says the seed policy in plain words', () => {
		const values = policyToFormValues(defaultEscalationPolicy());
		expect(describePriority('urgent', values.urgent)).toBe('Urgent: SMS to all members after 5 min');
		expect(describePriority('high', values.high)).toBe('High: email to all members after 10 min');
		expect(describePriority('normal', values.normal)).toBe('Normal: email to all members after 24 hours');
	});

	it('lists later steps and the repeat, and marks what cannot be read yet', () => {
		expect(
			describePriority('urgent', {
				steps: [
					{ afterMinutes: '0', channel: 'sms', target: 'all' },
					{ afterMinutes: '90', channel: 'email', target: 'leads' },
					{ afterMinutes: 'x', channel: 'sms', target: 'leads' }
				],
				repeats: true,
				times: '1',
				everyMinutes: '120'
			})
		).toBe(
			'Urgent: SMS to all members at once, then email to team leads after 1 h 30 min, then SMS to team leads after ? min; repeated 1 more time, every 2 hours'
		);
	});
});

describe('formatMinutes', () => {
	it('uses the largest whole unit', () => {
		expect(formatMinutes(5)).toBe('5 min');
		expect(formatMinutes(60)).toBe('1 hour');
		expect(formatMinutes(75)).toBe('1 h 15 min');
		expect(formatMinutes(1440)).toBe('24 hours');
		expect(formatMinutes(2880)).toBe('2 days');
	});
});

describe('time order', () => {
	const step = (afterMinutes: string) => ({ afterMinutes, channel: 'email', target: 'all' });

	it('notices a step earlier than the one before', () => {
		expect(isOutOfTimeOrder([step('5'), step('5'), step('10')])).toBe(false);
		expect(isOutOfTimeOrder([step('30'), step('10')])).toBe(true);
		expect(isOutOfTimeOrder([step(''), step('10')])).toBe(false);
	});

	it('sorts by time, stable, with unreadable times last', () => {
		const a = { ...step('30'), key: 1 };
		const b = { ...step('5'), key: 2 };
		const c = { ...step(''), key: 3 };
		const d = { ...step('5'), key: 4 };
		expect(sortByTime([a, b, c, d]).map((s) => s.key)).toEqual([2, 4, 1, 3]);
	});
});

describe('samePolicyValues', () => {
	it('ignores spacing and what an unticked repeat holds, and notices real changes', () => {
		const saved = policyToFormValues(defaultEscalationPolicy());
		const typed = structuredClone(saved);
		typed.urgent.steps[0]!.afterMinutes = ' 5 ';
		typed.high.times = '';
		expect(samePolicyValues(saved, typed)).toBe(true);
		typed.high.repeats = true;
		expect(samePolicyValues(saved, typed)).toBe(false);
		const changed = structuredClone(saved);
		changed.normal.steps[0]!.channel = 'sms';
		expect(samePolicyValues(saved, changed)).toBe(false);
	});
});
