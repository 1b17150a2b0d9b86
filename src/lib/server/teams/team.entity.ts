// A clinical team (seed 004): members and leads receive the cases sent to it and are paged, by the
// team's escalation policy, while a case stays unactioned.
import { defineEntity, p } from '@mikro-orm/postgresql';
import type { EscalationPolicy } from '../../schemas/team.ts';
import { User } from '../auth/user.entity.ts';

const TeamSchema = defineEntity({
	name: 'Team',
	tableName: 'team',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		name: p.string().length(120),
		description: p.text().nullable(),
		/** Referrers outside the clinic may send cases to it. */
		acceptsExternalCases: p.boolean().default(false),
		isActive: p.boolean().default(true),
		escalationPolicy: p.json<EscalationPolicy>(),
		members: () => p.oneToMany(TeamMember).mappedBy('team'),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	},
	indexes: [
		{
			name: 'team_active_name_unique',
			expression: 'create unique index "team_active_name_unique" on "team" (lower("name")) where "is_active"'
		}
	]
});

export class Team extends TeamSchema.class {}
TeamSchema.setClass(Team);

const TeamMemberSchema = defineEntity({
	name: 'TeamMember',
	tableName: 'team_member',
	properties: {
		team: () => p.manyToOne(Team).primary().deleteRule('cascade'),
		user: () => p.manyToOne(User).primary().deleteRule('cascade').index(),
		isLead: p.boolean().default(false),
		addedAt: p.datetime().onCreate(() => new Date())
	}
});

export class TeamMember extends TeamMemberSchema.class {}
TeamMemberSchema.setClass(TeamMember);
export { TeamSchema, TeamMemberSchema };
