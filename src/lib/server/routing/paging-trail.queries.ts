// The paging trail (issue 18): who an escalation paged, when, on which channel, and what became of
// each message (its notification's status, which Twilio's status callbacks move on), with the email
// sent when an SMS could not be delivered. A column fragment over the case alias `c`, so the inbox
// reads it in its one statement (no query per row) and a case's routing reads it the same way.
import type { NotificationChannel, NotificationStatus } from '../notifications/notification.entity.ts';

/** The most recent pages kept per case; the total says how many there were in all. */
export const PAGING_TRAIL_LIMIT = 20;

// Each escalated event lists its recipients with their notification ids (runEscalationStep); a
// fallback email's purpose names the failed SMS (fallBackToEmail), and purpose is unique-indexed.
export const PAGING_TRAIL_COLUMNS = `coalesce((select json_agg(x.page order by x.at, x.event_id, x.ord) from (
		select json_build_object('userId', r.value->>'userId', 'name', r.value->>'name',
			'teamName', e.data->>'teamName', 'channel', coalesce(n.channel, r.value->>'channel'),
			'pagedAt', e.created_at, 'status', coalesce(n.status, 'unknown'), 'error', n.error,
			'deliveredAt', n.delivered_at, 'failedAt', n.failed_at,
			'fallback', case when fb.id is null then null else json_build_object('channel', fb.channel,
				'status', fb.status, 'error', fb.error, 'at', fb.created_at) end) as page,
			e.created_at as at, e.id as event_id, r.ord
		from case_event e
		cross join lateral jsonb_array_elements(coalesce(e.data->'recipients', '[]'::jsonb)) with ordinality as r(value, ord)
		left join notification n on n.id = (r.value->>'notificationId')::bigint
		left join notification fb on fb.purpose = 'case-page-fallback:' || n.id::text
		where e.case_id = c.id and e.kind = 'escalated'
		order by e.created_at desc, e.id desc, r.ord desc
		limit ${PAGING_TRAIL_LIMIT}) x), '[]') as paging_pages,
	(select count(*)::int from case_event e
		cross join lateral jsonb_array_elements(coalesce(e.data->'recipients', '[]'::jsonb)) r
		where e.case_id = c.id and e.kind = 'escalated') as paging_total`;

export type PageStatus = NotificationStatus | 'unknown';

export interface PagingTrailEntry {
	userId: string;
	name: string;
	/** The team whose step paged them (a case may go to several). */
	teamName: string | null;
	channel: NotificationChannel;
	pagedAt: Date;
	status: PageStatus;
	/** Why it failed: the provider's error. */
	error: string | null;
	deliveredAt: Date | null;
	failedAt: Date | null;
	/** The email sent to the same person because this SMS could not be delivered. */
	fallback: { channel: NotificationChannel; status: PageStatus; error: string | null; at: Date } | null;
}

export interface PagingTrail {
	/** The latest pages (at most PAGING_TRAIL_LIMIT), oldest first. */
	pages: PagingTrailEntry[];
	/** Every page of the case, also those left out. */
	total: number;
}

interface PageJson {
	userId: string;
	name: string;
	teamName: string | null;
	channel: NotificationChannel;
	pagedAt: string;
	status: PageStatus;
	error: string | null;
	deliveredAt: string | null;
	failedAt: string | null;
	fallback: { channel: NotificationChannel; status: PageStatus; error: string | null; at: string } | null;
}

export interface PagingTrailRow {
	paging_pages: PageJson[];
	paging_total: number;
}

const dateOrNull = (value: string | null) => (value ? new Date(value) : null);

export function toPagingTrail(row: PagingTrailRow): PagingTrail {
	return {
		pages: row.paging_pages.map((p) => ({
			userId: p.userId,
			name: p.name,
			teamName: p.teamName,
			channel: p.channel,
			pagedAt: new Date(p.pagedAt),
			status: p.status,
			error: p.error,
			deliveredAt: dateOrNull(p.deliveredAt),
			failedAt: dateOrNull(p.failedAt),
			fallback: p.fallback ? { ...p.fallback, at: new Date(p.fallback.at) } : null
		})),
		total: row.paging_total
	};
}
