// A team's escalation policy in words, for the Teams page (browser-safe): one line per priority,
// "Urgent: SMS to all members after 5 minutes".
import {
	PRIORITIES,
	PRIORITY_LABELS,
	type EscalationPolicy,
	type EscalationStep,
	type Priority,
	type PriorityPolicy
} from '$lib/schemas/team';
import { formatMinutes } from '$lib/components/cases/routing-text';

interface Wording {
	/** Whether the team has a lead: a "team leads" step pages everyone when it has none. */
	hasLeads: boolean;
}

function whom(step: EscalationStep, { hasLeads }: Wording): string {
	if (step.target === 'all') return 'all members';
	return hasLeads ? 'the team leads' : 'all members (the team has no lead)';
}

function when(minutes: number): string {
	return minutes === 0 ? 'at once' : `after ${formatMinutes(minutes)}`;
}

/** "SMS to all members after 5 minutes", "email to the team leads after 1 hour". */
export function stepInWords(step: EscalationStep, wording: Wording): string {
	return `${step.channel === 'sms' ? 'SMS' : 'email'} to ${whom(step, wording)} ${when(step.afterMinutes)}`;
}

/**
 * One priority's steps, then its repeat: "SMS to all members after 5 minutes, then email to the
 * team leads after 15 minutes; all again every 30 minutes, 2 more times".
 */
export function priorityPolicyInWords(policy: PriorityPolicy, wording: Wording): string {
	const steps = policy.steps.map((step) => stepInWords(step, wording)).join(', then ');
	if (!policy.repeat) return steps;
	const { times, everyMinutes } = policy.repeat;
	const again = policy.steps.length === 1 ? 'again' : 'all again';
	return `${steps}; ${again} every ${formatMinutes(everyMinutes)}, ${times} more ${times === 1 ? 'time' : 'times'}`;
}

/** Urgent first: one line per priority, "Urgent: SMS to all members after 5 minutes". */
export function policyInWords(
	policy: EscalationPolicy,
	wording: Wording
): { priority: Priority; label: string; text: string }[] {
	return PRIORITIES.toReversed().map((priority) => ({
		priority,
		label: PRIORITY_LABELS[priority],
		text: priorityPolicyInWords(policy[priority], wording)
	}));
}
