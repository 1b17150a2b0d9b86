// The routing face of a case (issue 7): the teams it was sent to, with the escalation policy copied
// at sending (so later policy edits do not change a case in flight), the steps that have fired, and
// the timeline everyone sees.
import { defineEntity, p } from '@mikro-orm/postgresql';
import type { PriorityPolicy } from '../../schemas/team.ts';
import { User } from '../auth/user.entity.ts';
import { Team } from '../teams/team.entity.ts';
import { Case } from '../cases/case.entity.ts';

const CaseTeamSchema = defineEntity({
	name: 'CaseTeam',
	tableName: 'case_team',
	properties: {
		case: () => p.manyToOne(Case).primary().deleteRule('cascade'),
		team: () => p.manyToOne(Team).primary().deleteRule('restrict').index(),
		/** The team's policy for the case's priority when it was sent or last re-triaged. */
		policy: p.json<PriorityPolicy>()
	}
});

export class CaseTeam extends CaseTeamSchema.class {}
CaseTeamSchema.setClass(CaseTeam);

/**
 * One fired escalation step. The primary key makes a step fire once per escalation generation
 * however often its job runs: a retried job finds the row and does nothing.
 */
const CaseEscalationStepSchema = defineEntity({
	name: 'CaseEscalationStep',
	tableName: 'case_escalation_step',
	properties: {
		case: () => p.manyToOne(Case).primary().deleteRule('cascade'),
		team: () => p.manyToOne(Team).primary().deleteRule('cascade'),
		generation: p.integer().primary(),
		round: p.integer().primary(),
		stepIndex: p.integer().primary(),
		dueAt: p.datetime(),
		firedAt: p.datetime()
	}
});

export class CaseEscalationStep extends CaseEscalationStepSchema.class {}
CaseEscalationStepSchema.setClass(CaseEscalationStep);

export const CASE_EVENT_KINDS = [
	'sent',
	'escalated',
	'delivery',
	'acknowledged',
	'taken_over',
	'retriaged',
	'comment',
	'closed',
	'reopened',
	'patient_linked'
] as const;
export type CaseEventKind = (typeof CASE_EVENT_KINDS)[number];

const CaseEventSchema = defineEntity({
	name: 'CaseEvent',
	tableName: 'case_event',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		case: () => p.manyToOne(Case).deleteRule('cascade'),
		kind: p.enum(CASE_EVENT_KINDS),
		actor: () => p.manyToOne(User).nullable().deleteRule('set null'),
		/** Kind-specific facts: recipients and channels of a step, old and new priority, a comment. */
		data: p.json<Record<string, unknown>>().default('{}'),
		createdAt: p.datetime().onCreate(() => new Date())
	},
	indexes: [{ properties: ['case', 'createdAt'] }]
});

export class CaseEvent extends CaseEventSchema.class {}
CaseEventSchema.setClass(CaseEvent);
export { CaseTeamSchema, CaseEscalationStepSchema, CaseEventSchema };
