// The Teams page (issue 18): every active team as any member of staff sees it: members and leads,
// who cannot get an SMS page, the escalation policy, and the cases open for the team. One statement
// (members as json, the counts from a lateral join), because every staff member may open it.
import type { EscalationPolicy } from '../../schemas/team.ts';
import type { Actor } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';

export interface TeamDirectoryMember {
	userId: string;
	name: string;
	isLead: boolean;
	/** False: SMS steps cannot reach them (the page goes to them by email instead). */
	hasMobile: boolean;
}

export interface TeamDirectoryEntry {
	id: string;
	name: string;
	description: string | null;
	acceptsExternalCases: boolean;
	escalationPolicy: EscalationPolicy;
	/** Active accounts only: a deactivated member is never paged. Leads first, then by name. */
	members: TeamDirectoryMember[];
	/** Open cases sent to the team (what the inbox lists for it)... */
	openCases: number;
	/** ...and those of them nobody has acknowledged yet. */
	waitingCases: number;
	/** The caller belongs to the team (the inbox can be filtered by it). */
	isMember: boolean;
}

interface Row {
	id: string;
	name: string;
	description: string | null;
	accepts_external_cases: boolean;
	escalation_policy: EscalationPolicy;
	members: TeamDirectoryMember[];
	open_cases: number;
	waiting_cases: number;
	is_member: boolean;
}

/** The statement, exported for the benchmark and tests; its one parameter is the caller's user id. */
export const TEAM_DIRECTORY_SQL = `select t.id::text as id, t.name, t.description, t.accepts_external_cases,
	t.escalation_policy,
	coalesce((select json_agg(json_build_object('userId', u.id::text, 'name', u.name, 'isLead', tm.is_lead,
			'hasMobile', coalesce(u.mobile, '') <> '') order by tm.is_lead desc, lower(u.name), u.id)
		from team_member tm join app_user u on u.id = tm.user_id
		where tm.team_id = t.id and u.is_active and u.kind = 'staff'), '[]') as members,
	counts.open_cases, counts.waiting_cases,
	exists (select 1 from team_member me where me.team_id = t.id and me.user_id = ?) as is_member
	from team t
	cross join lateral (
		select count(*)::int as open_cases, (count(*) filter (where c.acknowledged_at is null))::int as waiting_cases
		from case_team ct join clinic_case c on c.id = ct.case_id
		where ct.team_id = t.id and c.sent_at is not null and c.status = 'open') counts
	where t.is_active
	order by lower(t.name), t.id`;

/** Every active team, for any member of staff (the Teams page is read-only). */
export async function findTeamDirectory(em: Em, actor: Actor): Promise<TeamDirectoryEntry[]> {
	const rows = await em.execute<Row[]>(TEAM_DIRECTORY_SQL, [actor.user?.id ?? '0']);
	return rows.map((row) => ({
		id: row.id,
		name: row.name,
		description: row.description,
		acceptsExternalCases: row.accepts_external_cases,
		escalationPolicy: row.escalation_policy,
		members: row.members,
		openCases: row.open_cases,
		waitingCases: row.waiting_cases,
		isMember: row.is_member
	}));
}
