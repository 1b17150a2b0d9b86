import { describe, expect, it } from 'vitest';
import { defaultEscalationPolicy } from '$lib/schemas/team';
import { policyInWords, priorityPolicyInWords } from './policy-text';

describe('an escalation policy in words', () => {
	it('reads seed 004’s default policy, urgent first', () => {
		expect(
			policyInWords(defaultEscalationPolicy(), { hasLeads: true }).map((l) => `${l.label}: ${l.text}`)
		).toEqual([
			'Urgent: SMS to all members after 5 minutes',
			'High: email to all members after 10 minutes',
			'Normal: email to all members after 24 hours'
		]);
	});

	it('chains several steps, names leads, and says how a round repeats', () => {
		expect(
			priorityPolicyInWords(
				{
					steps: [
						{ afterMinutes: 0, channel: 'sms', target: 'all' },
						{ afterMinutes: 60, channel: 'email', target: 'leads' }
					],
					repeat: { times: 2, everyMinutes: 120 }
				},
				{ hasLeads: true }
			)
		).toBe(
			'SMS to all members at once, then email to the team leads after 1 hour; all again every 2 hours, 2 more times'
		);
		expect(
			priorityPolicyInWords(
				{
					steps: [{ afterMinutes: 5, channel: 'sms', target: 'all' }],
					repeat: { times: 1, everyMinutes: 30 }
				},
				{ hasLeads: true }
			)
		).toBe('SMS to all members after 5 minutes; again every 30 minutes, 1 more time');
	});

	it('says that a leads-only step pages everyone while the team has no lead', () => {
		expect(
			priorityPolicyInWords(
				{ steps: [{ afterMinutes: 10, channel: 'email', target: 'leads' }], repeat: null },
				{ hasLeads: false }
			)
		).toBe('email to all members (the team has no lead) after 10 minutes');
	});
});
