// The Reports page's reads (issue 19): one aggregate statement per chart. Plain SQL because each is
// a GROUP BY with percentiles, weeks in the clinic's time zone and grouping sets, none of which the
// ORM expresses; every range condition compares an indexed column with bound instants (the zone
// conversion is on the parameter side), and every value is bound. The statement builders are
// exported for the benchmark (`npm run bench -- reports`).
import type { Em } from '../db/orm.ts';

/** What every statement is filtered by; `practitionerId` is already forced for a practitioner. */
export interface ReportScope {
	/** YYYY-MM-DD, inclusive, calendar days in `timeZone`. */
	from: string;
	to: string;
	timeZone: string;
	teamId: string | null;
	practitionerId: string | null;
	/** YYYY-MM-DD in `timeZone`: where "weeks ahead" start. */
	today: string;
}

export interface Statement {
	sql: string;
	params: unknown[];
}

/** Collects bound values in the order their placeholders appear. */
class Binder {
	readonly params: unknown[] = [];
	v(value: unknown): string {
		this.params.push(value);
		return '?';
	}
	/** The first instant of the range's first day, in the clinic's zone. */
	start(s: ReportScope): string {
		return `(${this.v(s.from)}::date::timestamp at time zone ${this.v(s.timeZone)})`;
	}
	/** The first instant after the range's last day. */
	end(s: ReportScope): string {
		return `((${this.v(s.to)}::date + 1)::timestamp at time zone ${this.v(s.timeZone)})`;
	}
	/** The Monday (a date) of the clinic-zone week an instant falls in. */
	week(column: string, s: ReportScope): string {
		return `date_trunc('week', ${column} at time zone ${this.v(s.timeZone)})::date`;
	}
	/** Every Monday of the range, so a week with nothing in it still shows as zero. */
	weeks(s: ReportScope): string {
		return `select generate_series(date_trunc('week', ${this.v(s.from)}::date), ${this.v(s.to)}::date, interval '1 week')::date as week`;
	}
}

/**
 * The people a figure about staff is narrowed to: one practitioner, the members of one team, or
 * both; null when neither filter is set.
 */
function peopleCondition(b: Binder, s: ReportScope, column: string): string | null {
	const parts: string[] = [];
	if (s.practitionerId) parts.push(`${column} = ${b.v(s.practitionerId)}`);
	if (s.teamId)
		parts.push(`${column} in (select tm.user_id from team_member tm where tm.team_id = ${b.v(s.teamId)})`);
	return parts.length ? parts.join(' and ') : null;
}

/**
 * Escalation figures are about teams: a team filter keeps that team's cases, a practitioner filter
 * the cases of the teams they belong to.
 */
function teamCondition(b: Binder, s: ReportScope, column: string): string {
	const parts: string[] = [];
	if (s.teamId) parts.push(`${column} = ${b.v(s.teamId)}`);
	if (s.practitionerId)
		parts.push(
			`${column} in (select tm.team_id from team_member tm where tm.user_id = ${b.v(s.practitionerId)})`
		);
	return parts.length ? parts.join(' and ') : 'true';
}

/**
 * A case's practitioner, for the case charts: whoever has its latest appointment (a case with no
 * appointment has none). One ordered pass over the appointments index
 * (appointment_case_latest_index) and a hash join, rather than one lookup per case.
 */
const LATEST_PRACTITIONER = `latest_practitioner as (
		select distinct on (la.case_id) la.case_id, la.practitioner_id from appointment la
		where la.case_id is not null
		order by la.case_id, la.starts_at desc, la.id desc
	)`;
const CASE_PRACTITIONER_JOIN = 'left join latest_practitioner lp on lp.case_id = c.id';

// ---------------------------------------------------------------------------------------------
// Escalations

export interface AcknowledgeTimeRow {
	week: string;
	priority: string;
	team_id: string | null;
	team_name: string | null;
	acknowledged: number;
	median_minutes: number;
	p90_minutes: number;
}

/**
 * Minutes from sending to the first acknowledgement, by week sent, priority and receiving team,
 * plus each week and priority over all the selected teams (a case sent to two teams counted once).
 */
export function acknowledgeTimeSql(s: ReportScope): Statement {
	const b = new Binder();
	const sql = `with acked as (
			select c.id, c.priority::text as priority, ct.team_id, ${b.week('c.sent_at', s)} as week,
				extract(epoch from (c.acknowledged_at - c.sent_at)) / 60.0 as minutes
			from clinic_case c join case_team ct on ct.case_id = c.id
			where c.sent_at >= ${b.start(s)} and c.sent_at < ${b.end(s)}
				and c.acknowledged_at is not null and c.priority is not null
				and ${teamCondition(b, s, 'ct.team_id')}
		), grouped as (
			select week, priority, team_id, count(*)::int as acknowledged,
				percentile_cont(0.5) within group (order by minutes) as median,
				percentile_cont(0.9) within group (order by minutes) as p90
			from acked group by week, priority, team_id
			union all
			select week, priority, null, count(*)::int,
				percentile_cont(0.5) within group (order by minutes),
				percentile_cont(0.9) within group (order by minutes)
			from (select distinct id, week, priority, minutes from acked) d group by week, priority
		)
		select to_char(g.week, 'YYYY-MM-DD') as week, g.priority, g.team_id::text as team_id, t.name as team_name,
			g.acknowledged, round(g.median::numeric, 1)::float8 as median_minutes,
			round(g.p90::numeric, 1)::float8 as p90_minutes
		from grouped g left join team t on t.id = g.team_id
		order by g.week, array_position(array['urgent','high','normal'], g.priority), g.team_id nulls first, t.name`;
	return { sql, params: b.params };
}

export interface EscalationStepRow {
	team_id: string;
	team_name: string;
	/** -1 for "sent". */
	round: number;
	step_index: number;
	cases: number;
}

/** Of the cases sent in the range, how many each team received, and how many reached each step. */
export function escalationStepsSql(s: ReportScope): Statement {
	const b = new Binder();
	const sent = `select c.id, ct.team_id from clinic_case c join case_team ct on ct.case_id = c.id
		where c.sent_at >= ${b.start(s)} and c.sent_at < ${b.end(s)} and ${teamCondition(b, s, 'ct.team_id')}`;
	const sql = `with sent as (${sent}), counted as (
			select team_id, -1 as round, -1 as step_index, count(distinct id)::int as cases from sent group by team_id
			union all
			select st.team_id, es.round, es.step_index, count(distinct st.id)::int
			from sent st join case_escalation_step es on es.case_id = st.id and es.team_id = st.team_id
			group by st.team_id, es.round, es.step_index
		)
		select k.team_id::text as team_id, t.name as team_name, k.round, k.step_index, k.cases
		from counted k join team t on t.id = k.team_id
		order by k.round, k.step_index, t.name, k.team_id`;
	return { sql, params: b.params };
}

export interface DeliveryRow {
	week: string;
	sms_pages: number;
	sms_failed: number;
	email_pages: number;
	email_failed: number;
	fallbacks: number;
}

/**
 * The SMS and emails that paged teams, by week created: how many failed (failed or undelivered),
 * and how many failed SMS fell back to email. A fallback's team is that of the SMS it replaced.
 */
export function deliverySql(s: ReportScope): Statement {
	const b = new Binder();
	const sql = `with weeks as (${b.weeks(s)}), pages as (
			select ${b.week('n.created_at', s)} as week, n.channel::text as channel, n.status::text as status,
				n.purpose like 'case-page-fallback:%' as is_fallback,
				case when n.purpose like 'case-page:%' then split_part(n.purpose, ':', 3)
					else split_part(o.purpose, ':', 3) end::bigint as team_id
			from notification n
			left join notification o on n.purpose like 'case-page-fallback:%'
				and o.id = nullif(split_part(n.purpose, ':', 2), '')::bigint
			where n.created_at >= ${b.start(s)} and n.created_at < ${b.end(s)}
				and n.related_type = 'case'
				and (n.purpose like 'case-page:%' or n.purpose like 'case-page-fallback:%')
		), kept as (select * from pages where ${teamCondition(b, s, 'team_id')})
		select to_char(w.week, 'YYYY-MM-DD') as week,
			count(k.*) filter (where k.channel = 'sms')::int as sms_pages,
			count(k.*) filter (where k.channel = 'sms' and k.status in ('failed', 'undelivered'))::int as sms_failed,
			count(k.*) filter (where k.channel = 'email')::int as email_pages,
			count(k.*) filter (where k.channel = 'email' and k.status in ('failed', 'undelivered'))::int as email_failed,
			count(k.*) filter (where k.is_fallback)::int as fallbacks
		from weeks w left join kept k on k.week = w.week
		group by w.week order by w.week`;
	return { sql, params: b.params };
}

// ---------------------------------------------------------------------------------------------
// Cases

export interface OpenCasesRow {
	template_id: string | null;
	template_name: string | null;
	practitioner_id: string | null;
	practitioner_name: string | null;
	cases: number;
}

/** The cases open now (not archived), by template and by the practitioner of their latest appointment. */
export function openCasesSql(s: ReportScope): Statement {
	const b = new Binder();
	const people = peopleCondition(b, s, 'lp.practitioner_id');
	const sql = `with ${LATEST_PRACTITIONER}
		select c.template_id::text as template_id, ctp.name as template_name,
			lp.practitioner_id::text as practitioner_id, u.name as practitioner_name, count(*)::int as cases
		from clinic_case c
		${CASE_PRACTITIONER_JOIN}
		left join case_template ctp on ctp.id = c.template_id
		left join app_user u on u.id = lp.practitioner_id
		where c.status = 'open' and c.archived_at is null${people ? ` and ${people}` : ''}
		group by c.template_id, ctp.name, lp.practitioner_id, u.name
		order by ctp.name nulls last, c.template_id, u.name nulls last, lp.practitioner_id`;
	return { sql, params: b.params };
}

export interface CapUsageRow {
	bucket: number;
	appointments_cap: number;
	amount_cap: number;
}

/**
 * Open cases with a cap, by how much of it is used (case.rules.ts computeCaseUsage: counted
 * appointments over the maximum, or the projected amount over the maximum amount), in quarters;
 * bucket 4 is a cap reached or passed.
 */
export function capUsageSql(s: ReportScope): Statement {
	const b = new Binder();
	const people = peopleCondition(b, s, 'lp.practitioner_id');
	const sql = `with ${people ? `${LATEST_PRACTITIONER},` : ''} usage as (
			select a.case_id, count(*) as counted, sum(coalesce(a.invoiced_amount_cents, t.price_cents)) as projected
			from appointment a
			join clinic_case uc on uc.id = a.case_id
			join appointment_type t on t.id = a.appointment_type_id
			where uc.status = 'open' and uc.archived_at is null and uc.limit_kind <> 'unlimited'
				and (a.status not in ('cancelled', 'did_not_arrive')
					or (a.status = 'cancelled' and uc.counts_cancelled)
					or (a.status = 'did_not_arrive' and uc.counts_did_not_arrive))
			group by a.case_id
		), capped as (
			select c.id, c.limit_kind::text as kind,
				case when c.limit_kind = 'appointments'
					then coalesce(u.counted, 0)::float8 / c.max_appointments
					else coalesce(u.projected, 0)::float8 / c.max_amount_cents end as used
			from clinic_case c
			${people ? CASE_PRACTITIONER_JOIN : ''}
			left join usage u on u.case_id = c.id
			where c.status = 'open' and c.archived_at is null and c.limit_kind <> 'unlimited'
				${people ? `and ${people}` : ''}
		)
		select g.bucket, count(k.id) filter (where k.kind = 'appointments')::int as appointments_cap,
			count(k.id) filter (where k.kind = 'amount')::int as amount_cap
		from generate_series(0, 4) as g(bucket)
		left join capped k on least(4, floor(k.used * 4))::int = g.bucket
		group by g.bucket order by g.bucket`;
	return { sql, params: b.params };
}

export const REFERRAL_WEEKS_AHEAD = 12;

export interface ReferralsExpiringRow {
	week: string;
	cases: number;
}

/** Open cases whose referral expires in each of the next twelve weeks (this week first). */
export function referralsExpiringSql(s: ReportScope): Statement {
	const b = new Binder();
	const weeksFrom = `date_trunc('week', ${b.v(s.today)}::date)::date`;
	const weeks = `select (${weeksFrom} + n * 7) as week from generate_series(0, ${REFERRAL_WEEKS_AHEAD - 1}) as n`;
	const from = b.v(s.today);
	const until = `(date_trunc('week', ${b.v(s.today)}::date)::date + ${REFERRAL_WEEKS_AHEAD * 7})`;
	const people = peopleCondition(b, s, 'lp.practitioner_id');
	const sql = `with weeks as (${weeks}),${people ? ` ${LATEST_PRACTITIONER},` : ''} expiring as (
			select date_trunc('week', c.referral_expires_on)::date as week
			from clinic_case c
			${people ? CASE_PRACTITIONER_JOIN : ''}
			where c.referral_expires_on >= ${from}::date and c.referral_expires_on < ${until}
				and c.status = 'open' and c.archived_at is null
				${people ? `and ${people}` : ''}
		)
		select to_char(w.week, 'YYYY-MM-DD') as week, count(e.week)::int as cases
		from weeks w left join expiring e on e.week = w.week group by w.week order by w.week`;
	return { sql, params: b.params };
}

export interface OpenedClosedRow {
	week: string;
	opened: number;
	closed: number;
}

/** Cases created, and cases closed (still closed now), per week of the range. */
export function casesOpenedClosedSql(s: ReportScope): Statement {
	const b = new Binder();
	const weeks = b.weeks(s);
	const openedWeek = b.week('c.created_at', s);
	const openedFrom = b.start(s);
	const openedTo = b.end(s);
	const peopleOpened = peopleCondition(b, s, 'lp.practitioner_id');
	const closedWeek = b.week('c.closed_at', s);
	const closedFrom = b.start(s);
	const closedTo = b.end(s);
	const peopleClosed = peopleCondition(b, s, 'lp.practitioner_id');
	const sql = `with weeks as (${weeks}),${peopleOpened ? ` ${LATEST_PRACTITIONER},` : ''}
		opened as (
			select ${openedWeek} as week, count(*)::int as n from clinic_case c
			${peopleOpened ? CASE_PRACTITIONER_JOIN : ''}
			where c.created_at >= ${openedFrom} and c.created_at < ${openedTo}${peopleOpened ? ` and ${peopleOpened}` : ''}
			group by 1
		),
		closed as (
			select ${closedWeek} as week, count(*)::int as n from clinic_case c
			${peopleClosed ? CASE_PRACTITIONER_JOIN : ''}
			where c.closed_at >= ${closedFrom} and c.closed_at < ${closedTo} and c.status = 'closed'${peopleClosed ? ` and ${peopleClosed}` : ''}
			group by 1
		)
		select to_char(w.week, 'YYYY-MM-DD') as week, coalesce(o.n, 0) as opened, coalesce(x.n, 0) as closed
		from weeks w left join opened o on o.week = w.week left join closed x on x.week = w.week
		order by w.week`;
	return { sql, params: b.params };
}

// ---------------------------------------------------------------------------------------------
// Appointment requests

/**
 * Whose a request is, for the practitioner and team filters: the practitioner of the appointment
 * an approval booked, otherwise whoever offers the requested appointment type.
 */
function requestPeopleCondition(b: Binder, s: ReportScope): string | null {
	const booked = peopleCondition(b, s, 'ra.practitioner_id');
	if (!booked) return null;
	const offers = peopleCondition(b, s, 'ps.user_id');
	return `((ra.id is not null and ${booked}) or (ra.id is null and exists (
		select 1 from appointment_type_service ats join practitioner_service ps on ps.service_id = ats.service_id
		where ats.appointment_type_id = r.appointment_type_id and ${offers})))`;
}

export interface RequestsPerWeekRow {
	week: string;
	pending: number;
	approved: number;
	declined: number;
	withdrawn: number;
	total: number;
}

/** Requests made per week, by what became of them. */
export function requestsPerWeekSql(s: ReportScope): Statement {
	const b = new Binder();
	const weeks = b.weeks(s);
	const week = b.week('r.created_at', s);
	const from = b.start(s);
	const to = b.end(s);
	const people = requestPeopleCondition(b, s);
	const sql = `with weeks as (${weeks}), made as (
			select ${week} as week, r.status::text as status
			from appointment_request r left join appointment ra on ra.id = r.appointment_id
			where r.created_at >= ${from} and r.created_at < ${to}${people ? ` and ${people}` : ''}
		)
		select to_char(w.week, 'YYYY-MM-DD') as week,
			count(m.status) filter (where m.status = 'pending')::int as pending,
			count(m.status) filter (where m.status = 'approved')::int as approved,
			count(m.status) filter (where m.status = 'declined')::int as declined,
			count(m.status) filter (where m.status = 'withdrawn')::int as withdrawn,
			count(m.status)::int as total
		from weeks w left join made m on m.week = w.week group by w.week order by w.week`;
	return { sql, params: b.params };
}

export interface DecisionRow {
	week: string;
	decided: number;
	median_hours: number | null;
	p90_hours: number | null;
	approved_as_asked: number;
	approved_other_time: number;
	declined: number;
}

/**
 * Requests approved or declined per week of the decision: hours from request to decision (median
 * and 90th percentile), and approvals whose appointment starts outside every window the patient
 * preferred ("at a different time").
 */
export function decisionsSql(s: ReportScope): Statement {
	const b = new Binder();
	const weeks = b.weeks(s);
	const week = b.week('r.decided_at', s);
	const from = b.start(s);
	const to = b.end(s);
	const people = requestPeopleCondition(b, s);
	const sql = `with weeks as (${weeks}), decided as (
			select ${week} as week, r.status::text as status,
				extract(epoch from (r.decided_at - r.created_at)) / 3600.0 as hours,
				(r.status = 'approved' and ra.id is not null and not exists (
					select 1 from jsonb_array_elements(r.windows::jsonb) w
					where ra.starts_at >= (w ->> 'startsAt')::timestamptz and ra.starts_at < (w ->> 'endsAt')::timestamptz
				)) as other_time
			from appointment_request r left join appointment ra on ra.id = r.appointment_id
			where r.decided_at >= ${from} and r.decided_at < ${to} and r.status in ('approved', 'declined')
				${people ? `and ${people}` : ''}
		)
		select to_char(w.week, 'YYYY-MM-DD') as week, count(d.status)::int as decided,
			round((percentile_cont(0.5) within group (order by d.hours))::numeric, 1)::float8 as median_hours,
			round((percentile_cont(0.9) within group (order by d.hours))::numeric, 1)::float8 as p90_hours,
			count(d.status) filter (where d.status = 'approved' and not d.other_time)::int as approved_as_asked,
			count(d.status) filter (where d.status = 'approved' and d.other_time)::int as approved_other_time,
			count(d.status) filter (where d.status = 'declined')::int as declined
		from weeks w left join decided d on d.week = w.week group by w.week order by w.week`;
	return { sql, params: b.params };
}

// ---------------------------------------------------------------------------------------------
// Appointments

export interface AppointmentsRow {
	week: string;
	practitioner_id: string | null;
	practitioner_name: string | null;
	booked: number;
	completed: number;
	cancelled: number;
	did_not_arrive: number;
}

/**
 * Appointments starting in each week of the range, by their status now (booked or arrived counts
 * as booked; reservations are left out), per practitioner and over all the selected practitioners.
 */
export function appointmentsSql(s: ReportScope): Statement {
	const b = new Binder();
	const weeks = b.weeks(s);
	const week = b.week('a.starts_at', s);
	const from = b.start(s);
	const to = b.end(s);
	const people = peopleCondition(b, s, 'a.practitioner_id');
	const sql = `with weeks as (${weeks}), counted as (
			select ${week} as week, a.practitioner_id,
				count(*) filter (where a.status in ('booked', 'arrived'))::int as booked,
				count(*) filter (where a.status = 'completed')::int as completed,
				count(*) filter (where a.status = 'cancelled')::int as cancelled,
				count(*) filter (where a.status = 'did_not_arrive')::int as did_not_arrive
			from appointment a
			where a.starts_at >= ${from} and a.starts_at < ${to} and a.status <> 'reserved'
				${people ? `and ${people}` : ''}
			group by 1, 2
		), totals as (
			select w.week, null::bigint as practitioner_id, coalesce(sum(k.booked), 0)::int as booked,
				coalesce(sum(k.completed), 0)::int as completed, coalesce(sum(k.cancelled), 0)::int as cancelled,
				coalesce(sum(k.did_not_arrive), 0)::int as did_not_arrive
			from weeks w left join counted k on k.week = w.week group by w.week
		)
		select to_char(x.week, 'YYYY-MM-DD') as week, x.practitioner_id::text as practitioner_id,
			u.name as practitioner_name, x.booked, x.completed, x.cancelled, x.did_not_arrive
		from (select * from totals union all select * from counted) x
		left join app_user u on u.id = x.practitioner_id
		order by x.week, x.practitioner_id nulls first, u.name`;
	return { sql, params: b.params };
}

export async function runStatement<T>(em: Em, statement: Statement): Promise<T[]> {
	return em.execute<T[]>(statement.sql, statement.params);
}
