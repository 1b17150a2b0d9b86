// Goals of a case (issue 22): what, measured how, baseline and target, status. A goal belongs to the
// case, so a shared case's services share it. Its values over time (GoalValue) come from the
// baseline and from number / scale answers of final notes; GoalEvent keeps its changes for the
// case timeline.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { GOAL_MEASURES, GOAL_STATUSES } from '../../schemas/clinical-notes.ts';
import { User } from '../auth/user.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { ClinicalNote } from './clinical-note.entity.ts';

const CaseGoalSchema = defineEntity({
	name: 'CaseGoal',
	tableName: 'case_goal',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		case: () => p.manyToOne(Case).deleteRule('restrict').index(),
		description: p.string().length(300),
		measure: p.enum(GOAL_MEASURES),
		unit: p.string().length(40).nullable(),
		baseline: p.double(),
		target: p.double(),
		targetDate: p.date().nullable(),
		status: p.enum(GOAL_STATUSES).default('in_progress'),
		createdBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	}
});
export class CaseGoal extends CaseGoalSchema.class {}
CaseGoalSchema.setClass(CaseGoal);

/** One value of a goal at a time: its baseline, or a note's answer. */
const GoalValueSchema = defineEntity({
	name: 'GoalValue',
	tableName: 'goal_value',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		goal: () => p.manyToOne(CaseGoal).deleteRule('cascade').index(),
		value: p.double(),
		recordedAt: p.datetime(),
		note: () => p.manyToOne(ClinicalNote).nullable().deleteRule('restrict'),
		questionId: p.string().length(40).nullable()
	}
});
export class GoalValue extends GoalValueSchema.class {}
GoalValueSchema.setClass(GoalValue);

export const GOAL_EVENT_KINDS = ['created', 'updated', 'status'] as const;

/** A change to a goal, for the case timeline. */
const GoalEventSchema = defineEntity({
	name: 'GoalEvent',
	tableName: 'goal_event',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		goal: () => p.manyToOne(CaseGoal).deleteRule('cascade').index(),
		kind: p.enum(GOAL_EVENT_KINDS),
		status: p.enum(GOAL_STATUSES).nullable(),
		actorName: p.string().length(200).nullable(),
		at: p.datetime().onCreate(() => new Date())
	}
});
export class GoalEvent extends GoalEventSchema.class {}
GoalEventSchema.setClass(GoalEvent);

export { CaseGoalSchema, GoalValueSchema, GoalEventSchema };
