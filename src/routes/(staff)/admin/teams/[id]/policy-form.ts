// The escalation policy editor's form fields <-> the policy shape, and the plain-language summary
// the editor shows. Field names are the policy's dotted paths ("escalationPolicy.urgent.steps.0.channel"),
// so an error from the server lands next to the input it is about.
import {
	escalationPolicy,
	PRIORITIES,
	PRIORITY_LABELS,
	type EscalationPolicy,
	type Priority
} from '$lib/schemas/team';
import { field, isChecked, type FormValues } from '$lib/forms/values';

export const POLICY_FIELD = 'escalationPolicy';

/** One step as typed: numbers stay text so that what was typed is shown back on a failed save. */
export interface StepFormValues {
	afterMinutes: string;
	channel: string;
	target: string;
}

export interface PriorityFormValues {
	steps: StepFormValues[];
	repeats: boolean;
	times: string;
	everyMinutes: string;
}

export type PolicyFormValues = Record<Priority, PriorityFormValues>;

export type PolicyFormResult =
	| { success: true; values: PolicyFormValues; policy: EscalationPolicy }
	| { success: false; values: PolicyFormValues; fieldErrors: Record<string, string[]> };

/** The name of one editor field, the same as the path of its error. */
export function policyFieldName(priority: Priority, ...path: (string | number)[]): string {
	return [POLICY_FIELD, priority, ...path].join('.');
}

/** Empty or non-numeric text is NaN, which the schema refuses with the field's own message. */
function toNumber(raw: string): number {
	const trimmed = raw.trim();
	return trimmed === '' ? Number.NaN : Number(trimmed);
}

const STEP_FIELD = /^escalationPolicy\.(urgent|high|normal)\.steps\.(\d+)\.(afterMinutes|channel|target)$/;

function readValues(data: FormValues): PolicyFormValues {
	// Steps are found by their names; a gap in the numbering (a tampered form) is closed up.
	const indices = Object.fromEntries(PRIORITIES.map((p) => [p, new Set<number>()])) as Record<
		Priority,
		Set<number>
	>;
	for (const key of Object.keys(data)) {
		const match = STEP_FIELD.exec(key);
		if (match) indices[match[1] as Priority].add(Number(match[2]));
	}
	const values = {} as PolicyFormValues;
	for (const priority of PRIORITIES) {
		const order = [...indices[priority]].sort((a, b) => a - b);
		values[priority] = {
			steps: order.map((index) => ({
				afterMinutes: field(data, policyFieldName(priority, 'steps', index, 'afterMinutes')),
				channel: field(data, policyFieldName(priority, 'steps', index, 'channel')),
				target: field(data, policyFieldName(priority, 'steps', index, 'target'))
			})),
			repeats: isChecked(data, policyFieldName(priority, 'repeat', 'enabled')),
			times: field(data, policyFieldName(priority, 'repeat', 'times')),
			everyMinutes: field(data, policyFieldName(priority, 'repeat', 'everyMinutes'))
		};
	}
	return values;
}

/** Friendlier words than zod's defaults for the fields that have no message of their own. */
function fallbackMessage(issue: { code: string; expected?: string }): string | undefined {
	if (issue.code === 'invalid_type' && issue.expected === 'number') return 'Enter a number';
	if (issue.code === 'invalid_type' && issue.expected === 'int') return 'Enter a whole number';
	return undefined;
}

/** Reads the editor's fields and checks them with the same schema the server uses. */
export function readPolicyForm(data: FormValues): PolicyFormResult {
	const values = readValues(data);
	const raw = Object.fromEntries(
		PRIORITIES.map((priority) => {
			const v = values[priority];
			return [
				priority,
				{
					steps: v.steps.map((step) => ({
						afterMinutes: toNumber(step.afterMinutes),
						channel: step.channel,
						target: step.target
					})),
					repeat: v.repeats ? { times: toNumber(v.times), everyMinutes: toNumber(v.everyMinutes) } : null
				}
			];
		})
	);
	const parsed = escalationPolicy.safeParse(raw, { error: fallbackMessage });
	if (parsed.success) return { success: true, values, policy: parsed.data };
	const fieldErrors: Record<string, string[]> = {};
	for (const issue of parsed.error.issues) {
		const key = [POLICY_FIELD, ...issue.path.map(String)].join('.');
		(fieldErrors[key] ??= []).push(issue.message);
	}
	return { success: false, values, fieldErrors };
}

/** The editor's starting values for a saved policy. */
export function policyToFormValues(policy: EscalationPolicy): PolicyFormValues {
	const values = {} as PolicyFormValues;
	for (const priority of PRIORITIES) {
		const p = policy[priority];
		const last = p.steps[p.steps.length - 1]?.afterMinutes ?? 0;
		values[priority] = {
			steps: p.steps.map((s) => ({
				afterMinutes: String(s.afterMinutes),
				channel: s.channel,
				target: s.target
			})),
			repeats: p.repeat !== null,
			times: String(p.repeat?.times ?? 2),
			everyMinutes: String(p.repeat?.everyMinutes ?? defaultRepeatMinutes(last))
		};
	}
	return values;
}

/** A sensible gap between rounds: a new round must start after the last step of the one before. */
export function defaultRepeatMinutes(lastStepMinutes: number): number {
	return Math.max(30, lastStepMinutes + 30);
}

/** "5 min", "1 hour", "1 h 30 min", "24 hours", "3 days". */
export function formatMinutes(minutes: number): string {
	if (minutes < 60) return `${minutes} min`;
	const days = minutes / (24 * 60);
	if (Number.isInteger(days) && days >= 2) return `${days} days`;
	const hours = Math.floor(minutes / 60);
	const rest = minutes % 60;
	if (rest === 0) return `${hours} ${hours === 1 ? 'hour' : 'hours'}`;
	return `${hours} h ${rest} min`;
}

const CHANNEL_WORDS: Record<string, string> = { sms: 'SMS', email: 'email' };
const TARGET_WORDS: Record<string, string> = { all: 'all members', leads: 'team leads' };

function whenText(raw: string): string {
	const minutes = toNumber(raw);
	if (!Number.isInteger(minutes) || minutes < 0) return 'after ? min';
	return minutes === 0 ? 'at once' : `after ${formatMinutes(minutes)}`;
}

/**
 * One line a person can read: "Urgent: SMS to all members after 5 min, then email to team leads
 * after 30 min; repeated 2 more times, every 1 hour". Works on typed values, so it follows the editor.
 */
export function describePriority(priority: Priority, values: PriorityFormValues): string {
	const label = PRIORITY_LABELS[priority];
	if (values.steps.length === 0) return `${label}: nobody is paged`;
	const steps = values.steps.map((step, index) => {
		const channel = CHANNEL_WORDS[step.channel] ?? '?';
		const text = `${channel} to ${TARGET_WORDS[step.target] ?? '?'} ${whenText(step.afterMinutes)}`;
		return index === 0 ? text : `then ${text}`;
	});
	let line = `${label}: ${steps.join(', ')}`;
	if (values.repeats) {
		const times = toNumber(values.times);
		const every = toNumber(values.everyMinutes);
		const timesText =
			Number.isInteger(times) && times > 0
				? `${times} more ${times === 1 ? 'time' : 'times'}`
				: '? more times';
		const everyText = Number.isInteger(every) && every > 0 ? formatMinutes(every) : '? min';
		line += `; repeated ${timesText}, every ${everyText}`;
	}
	return line;
}

/** Whether two sets of editor values say the same thing (what a hidden repeat box holds does not count). */
export function samePolicyValues(a: PolicyFormValues, b: PolicyFormValues): boolean {
	const meaning = (v: PolicyFormValues) =>
		JSON.stringify(
			PRIORITIES.map((priority) => {
				const p = v[priority];
				return [
					p.steps.map((s) => [s.afterMinutes.trim(), s.channel, s.target]),
					p.repeats ? [p.times.trim(), p.everyMinutes.trim()] : null
				];
			})
		);
	return meaning(a) === meaning(b);
}

/** True when a step is earlier than the one before it (the schema refuses that). */
export function isOutOfTimeOrder(steps: readonly StepFormValues[]): boolean {
	return steps.some((step, index) => {
		const previous = steps[index - 1];
		if (!previous) return false;
		const a = toNumber(previous.afterMinutes);
		const b = toNumber(step.afterMinutes);
		return Number.isFinite(a) && Number.isFinite(b) && b < a;
	});
}

/** Steps in time order; steps with no valid time keep their place at the end, in typed order. */
export function sortByTime<T extends StepFormValues>(steps: readonly T[]): T[] {
	const timed = steps.filter((s) => Number.isFinite(toNumber(s.afterMinutes)));
	const untimed = steps.filter((s) => !Number.isFinite(toNumber(s.afterMinutes)));
	return [...timed.sort((a, b) => toNumber(a.afterMinutes) - toNumber(b.afterMinutes)), ...untimed];
}
