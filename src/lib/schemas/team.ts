// Teams, triage priorities and escalation policies (issue 7, seed 004), shared by the server and
// the admin forms. A policy says, per priority, what happens while a case stays unactioned.
import { z } from 'zod';
import { createPatientInput, recordId } from './patient.ts';

export const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const PRIORITY_LABELS: Record<Priority, string> = { normal: 'Normal', high: 'High', urgent: 'Urgent' };
/** Seed 004: Urgent red, High yellow, Normal blue. */
export const PRIORITY_COLOURS: Record<Priority, string> = { urgent: 'red', high: 'yellow', normal: 'blue' };
export const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2 };

export const ESCALATION_CHANNELS = ['sms', 'email'] as const;
export type EscalationChannel = (typeof ESCALATION_CHANNELS)[number];
export const ESCALATION_TARGETS = ['all', 'leads'] as const;
export type EscalationTarget = (typeof ESCALATION_TARGETS)[number];

/** One week: the longest delay a step may have. */
export const MAX_STEP_MINUTES = 7 * 24 * 60;
export const MAX_STEPS = 10;

export const escalationStep = z.object({
	/** Minutes after the case was sent (or re-triaged). */
	afterMinutes: z
		.number({ error: 'Enter the minutes after sending' })
		.int('Enter whole minutes')
		.min(0, 'Minutes cannot be negative')
		.max(MAX_STEP_MINUTES, `At most ${MAX_STEP_MINUTES} minutes (one week)`),
	channel: z.enum(ESCALATION_CHANNELS, { error: 'Choose SMS or email' }),
	target: z.enum(ESCALATION_TARGETS, { error: 'Choose all members or team leads' })
});
export type EscalationStep = z.infer<typeof escalationStep>;

export const escalationRepeat = z.object({
	/** How many more times the whole list of steps runs. */
	times: z.number().int().min(1, 'Repeat at least once').max(10, 'Repeat at most 10 times'),
	/** Minutes between the start of one round and the next. */
	everyMinutes: z
		.number()
		.int()
		.min(5, 'At least 5 minutes apart')
		.max(MAX_STEP_MINUTES, 'At most one week apart')
});

export const priorityPolicy = z
	.object({
		steps: z
			.array(escalationStep)
			.min(1, 'Add at least one step')
			.max(MAX_STEPS, `At most ${MAX_STEPS} steps`),
		repeat: escalationRepeat.nullable().default(null)
	})
	.superRefine((policy, ctx) => {
		policy.steps.forEach((step, index) => {
			const previous = policy.steps[index - 1];
			if (previous && step.afterMinutes < previous.afterMinutes)
				ctx.addIssue({
					code: 'custom',
					path: ['steps', index, 'afterMinutes'],
					message: 'Each step comes at or after the one before'
				});
		});
		const last = policy.steps[policy.steps.length - 1];
		if (policy.repeat && last && policy.repeat.everyMinutes <= last.afterMinutes)
			ctx.addIssue({
				code: 'custom',
				path: ['repeat', 'everyMinutes'],
				message: 'A new round must start after the last step of the one before'
			});
	});
export type PriorityPolicy = z.infer<typeof priorityPolicy>;

export const escalationPolicy = z.object({
	urgent: priorityPolicy,
	high: priorityPolicy,
	normal: priorityPolicy
});
export type EscalationPolicy = z.infer<typeof escalationPolicy>;

/** Seed 004's defaults for a new team. */
export function defaultEscalationPolicy(): EscalationPolicy {
	return {
		urgent: { steps: [{ afterMinutes: 5, channel: 'sms', target: 'all' }], repeat: null },
		high: { steps: [{ afterMinutes: 10, channel: 'email', target: 'all' }], repeat: null },
		normal: { steps: [{ afterMinutes: 24 * 60, channel: 'email', target: 'all' }], repeat: null }
	};
}

export interface DueStep {
	round: number;
	stepIndex: number;
	/** Minutes after the escalation started. */
	atMinutes: number;
}

/** Every step of a policy in the order it fires (steps, then each repeat round). */
export function policySchedule(policy: PriorityPolicy): DueStep[] {
	const rounds = 1 + (policy.repeat?.times ?? 0);
	const schedule: DueStep[] = [];
	for (let round = 0; round < rounds; round += 1)
		policy.steps.forEach((step, stepIndex) =>
			schedule.push({
				round,
				stepIndex,
				atMinutes: round * (policy.repeat?.everyMinutes ?? 0) + step.afterMinutes
			})
		);
	return schedule;
}

const teamName = z.string().trim().min(1, 'Enter a team name').max(120, 'Use at most 120 characters');
const description = z
	.string()
	.max(2000, 'Use at most 2000 characters')
	.nullable()
	.optional()
	.transform((v) => (v == null || v.trim() === '' ? null : v.trim()));

export const createTeamInput = z.object({
	name: teamName,
	description,
	acceptsExternalCases: z.boolean().default(false),
	/** Omitted: seed 004's default policy. */
	escalationPolicy: escalationPolicy.optional()
});

export const updateTeamInput = z.object({
	id: recordId,
	version: z.number().int().min(1),
	name: teamName,
	description,
	acceptsExternalCases: z.boolean(),
	isActive: z.boolean().default(true)
});

export const teamMemberInput = z.object({
	teamId: recordId,
	userId: recordId,
	isLead: z.boolean().default(false)
});

export const removeTeamMemberInput = z.object({ teamId: recordId, userId: recordId });

export const updatePolicyInput = z.object({
	teamId: recordId,
	version: z.number().int().min(1),
	escalationPolicy
});

export const findTeamsInput = z.object({
	search: z.string().trim().max(200).optional(),
	includeInactive: z.boolean().default(false),
	/** Only the teams the caller belongs to. */
	mine: z.boolean().default(false)
});

export const teamIdInput = z.object({ id: recordId });

// ---------------------------------------------------------------------------------------------
// Routing a case to teams

export const sendCaseInput = z.object({
	subject: z.string().trim().min(1, 'Enter a subject').max(200, 'Use at most 200 characters'),
	details: z
		.string()
		.max(20_000, 'Use at most 20,000 characters')
		.nullable()
		.optional()
		.transform((v) => (v == null || v.trim() === '' ? null : v)),
	teamIds: z
		.array(recordId)
		.min(1, 'Choose at least one team')
		.max(20, 'Choose at most 20 teams')
		.transform((ids) => [...new Set(ids)]),
	priority: z.enum(PRIORITIES, { error: 'Choose Normal, High or Urgent' }),
	patientId: z
		.union([recordId, z.literal(''), z.null()])
		.optional()
		.transform((v) => (v ? v : null))
});

/**
 * Sends a case that already exists (a treatment case, or one whose routing ended) to teams (issue
 * 18): the case keeps its name, which is the subject the teams see.
 */
export const sendExistingCaseInput = z.object({
	caseId: recordId,
	details: sendCaseInput.shape.details,
	teamIds: sendCaseInput.shape.teamIds,
	priority: sendCaseInput.shape.priority
});

/** Links a case that has no patient (sent without one, or by a referrer) to a patient record. */
export const linkCasePatientInput = z.object({
	caseId: recordId,
	patientId: recordId
});

/** The same, creating the patient first (from the referral's details, checked by the staff member). */
export function linkCaseNewPatientInput(defaultCountry: string | (() => string)) {
	return z.object({ caseId: recordId, patient: createPatientInput(defaultCountry) });
}

export const caseRoutingIdInput = z.object({ caseId: recordId });
export const retriageCaseInput = z.object({
	caseId: recordId,
	priority: z.enum(PRIORITIES, { error: 'Choose Normal, High or Urgent' })
});
export const commentCaseInput = z.object({
	caseId: recordId,
	body: z.string().trim().min(1, 'Write a comment').max(5000, 'Use at most 5,000 characters')
});
export const inboxInput = z.object({
	teamId: recordId.optional(),
	include: z.enum(['open', 'all']).default('open'),
	page: z.number().int().min(1).max(10_000).default(1),
	perPage: z.number().int().min(1).max(100).default(50)
});

export type SendCaseInput = z.input<typeof sendCaseInput>;
export type SendExistingCaseInput = z.input<typeof sendExistingCaseInput>;
