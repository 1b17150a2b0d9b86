// The live inbox (issue 19), its database side: a change to a case sent to teams is announced with a
// NOTIFY on INBOX_CHANNEL inside the change's transaction, so every web process of a fleet hears it
// when (and only if) it commits. The payload names the case, its teams and what happened: never a
// patient or a subject. Who may hear of it is decided when it is delivered (app/live-inbox.ts), by
// the same rule as the inbox itself: membership of one of the case's teams.
import { z } from 'zod';
import type { Em } from '../db/orm.ts';
import type { DomainEvent } from '../events/domain-events.ts';

export const INBOX_CHANNEL = 'casebook_inbox';

const INBOX_KINDS = ['created', 'acknowledged', 'escalated', 'updated', 'closed'] as const;

type TeamCaseEvent = Extract<DomainEvent, { type: `team_case.${string}` }>;

const id = z.string().regex(/^\d{1,19}$/);

export const inboxNotice = z.object({
	caseId: id,
	teamIds: z.array(id).max(1000),
	kind: z.enum(INBOX_KINDS)
});

export type InboxNotice = z.infer<typeof inboxNotice>;

export function isTeamCaseEvent(event: DomainEvent): event is TeamCaseEvent {
	return event.type.startsWith('team_case.');
}

/** Tells every web process, at commit, that the case's inbox rows changed. Runs inside `tx`. */
export async function announceInboxChange(tx: Em, event: TeamCaseEvent): Promise<void> {
	const rows = await tx.execute<{ team_id: string }[]>(
		`select team_id::text as team_id from case_team where case_id = ? order by team_id`,
		[event.caseId]
	);
	const notice: InboxNotice = {
		caseId: String(event.caseId),
		teamIds: rows.map((r) => String(r.team_id)),
		kind: event.type.slice('team_case.'.length) as InboxNotice['kind']
	};
	await tx.execute(`select pg_notify('${INBOX_CHANNEL}', ?)`, [JSON.stringify(notice)]);
}

/** A NOTIFY payload read back, or null when it is not one of ours. */
export function parseInboxNotice(payload: string): InboxNotice | null {
	try {
		const parsed = inboxNotice.safeParse(JSON.parse(payload));
		return parsed.success ? parsed.data : null;
	} catch {
		return null;
	}
}

/** Which of `userIds` are members of one of `teamIds` now (one query for every listening client). */
export async function membersOfTeams(em: Em, teamIds: string[], userIds: string[]): Promise<Set<string>> {
	if (!teamIds.length || !userIds.length) return new Set();
	const rows = await em.execute<{ user_id: string }[]>(
		`select distinct user_id::text as user_id from team_member
		 where team_id in (${teamIds.map(() => '?').join(', ')})
		   and user_id in (${userIds.map(() => '?').join(', ')})`,
		[...teamIds, ...userIds]
	);
	return new Set(rows.map((r) => String(r.user_id)));
}
