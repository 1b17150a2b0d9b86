// The reads behind each role's home (issue 19): one statement per section, never one per row.
// SQL rather than entities for the same reason as cases.queries.ts: each row needs its patient,
// practitioner, type and case name at once, and a case's name only for who may see the case (the
// one visibility rule, case-access.queries.ts, bound into every statement). Values are always bound.
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import type { Actor } from '../auth/actor.ts';
import { caseVisibilitySql } from '../cases/case-access.queries.ts';
import type { UsageAppointment } from '../cases/case.rules.ts';
import type { CaseLimitKind } from '../cases/case.entity.ts';
import type { Em } from '../db/orm.ts';

type Row = Record<string, unknown>;
const toDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));
const toDateOrNull = (value: unknown): Date | null => (value == null ? null : toDate(value));

/** A case as a home list names it: hidden (no name, no link) when the reader may not open it. */
export interface HomeCaseRef {
	id: string;
	name: string | null;
	canOpen: boolean;
}

/**
 * The columns naming a row's case (the left-joined alias `c`) by the visibility rule. The rule
 * reads `c.template_id is null and c.sent_at is null` as visible, so a missing case is tested first.
 */
function caseRefColumns(actor: Actor): { sql: string; params: unknown[] } {
	const visibility = caseVisibilitySql(actor);
	return {
		sql: `c.id::text as case_id, (c.id is not null and ${visibility.sql}) as case_visible`,
		params: visibility.params
	};
}

function caseRefOf(row: Row): HomeCaseRef | null {
	if (!row.case_id) return null;
	const canOpen = row.case_visible === true;
	return { id: row.case_id as string, name: canOpen ? (row.case_name as string) : null, canOpen };
}

const patientName = (row: Row) =>
	`${(row.patient_preferred_first_name as string | null) || (row.patient_first_name as string)} ${row.patient_last_name as string}`;

// ---------------------------------------------------------------------------------------------
// Appointments

export interface HomeAppointment {
	id: string;
	startsAt: Date;
	endsAt: Date;
	status: AppointmentStatus;
	patient: { id: string; name: string };
	practitioner: { id: string; name: string };
	appointmentType: { name: string; colour: string };
	case: HomeCaseRef | null;
	/** Reservations: the patient must answer by then. */
	reservationExpiresAt: Date | null;
}

const APPOINTMENT_COLUMNS = `a.id::text as id, a.starts_at, a.ends_at, a.status, a.reservation_expires_at,
	p.id::text as patient_id, p.first_name as patient_first_name,
	p.preferred_first_name as patient_preferred_first_name, p.last_name as patient_last_name,
	u.id::text as practitioner_id, u.name as practitioner_name,
	t.name as type_name, t.colour as type_colour, c.name as case_name`;

const APPOINTMENT_JOINS = `from appointment a
	join patient p on p.id = a.patient_id
	join app_user u on u.id = a.practitioner_id
	join appointment_type t on t.id = a.appointment_type_id
	left join clinic_case c on c.id = a.case_id`;

function appointmentOf(row: Row): HomeAppointment {
	return {
		id: row.id as string,
		startsAt: toDate(row.starts_at),
		endsAt: toDate(row.ends_at),
		status: row.status as AppointmentStatus,
		patient: { id: row.patient_id as string, name: patientName(row) },
		practitioner: { id: row.practitioner_id as string, name: row.practitioner_name as string },
		appointmentType: { name: row.type_name as string, colour: row.type_colour as string },
		case: caseRefOf(row),
		reservationExpiresAt: toDateOrNull(row.reservation_expires_at)
	};
}

/**
 * Appointments starting in [from, to), cancelled ones left out, in time order (then practitioner),
 * at most `limit`, with how many there are. Every staff member sees every appointment (the
 * calendar); only the case name follows the visibility rule.
 */
export async function findAppointmentsStarting(
	em: Em,
	actor: Actor,
	options: { from: Date; to: Date; practitionerId?: string; limit: number }
): Promise<{ items: HomeAppointment[]; total: number }> {
	const ref = caseRefColumns(actor);
	const params: unknown[] = [...ref.params, options.from, options.to];
	let where = `a.starts_at >= ? and a.starts_at < ? and a.status <> 'cancelled'`;
	if (options.practitionerId) {
		where += ' and a.practitioner_id = ?';
		params.push(options.practitionerId);
	}
	const rows = await em.execute<Row[]>(
		`select ${APPOINTMENT_COLUMNS}, ${ref.sql}, (count(*) over ())::int as total
		 ${APPOINTMENT_JOINS}
		 where ${where}
		 order by a.starts_at, u.name, a.id limit ?`,
		[...params, options.limit]
	);
	return { items: rows.map(appointmentOf), total: (rows[0]?.total as number | undefined) ?? 0 };
}

export interface HomeReservation extends HomeAppointment {
	reservationExpiresAt: Date;
	expiresToday: boolean;
}

/**
 * Reservations waiting for the patient's answer, the soonest to expire first, at most `limit`;
 * with how many wait and how many of those expire before `endOfToday` (the clinic's midnight).
 */
export async function findWaitingReservations(
	em: Em,
	actor: Actor,
	options: { endOfToday: Date; limit: number }
): Promise<{ items: HomeReservation[]; total: number; expiringToday: number }> {
	const ref = caseRefColumns(actor);
	const rows = await em.execute<Row[]>(
		`select ${APPOINTMENT_COLUMNS}, ${ref.sql},
			(count(*) over ())::int as total,
			(count(*) filter (where a.reservation_expires_at < ?) over ())::int as expiring_today
		 ${APPOINTMENT_JOINS}
		 where a.status = 'reserved' and a.reservation_outcome is null and a.reservation_expires_at is not null
		 order by a.reservation_expires_at, a.id limit ?`,
		[...ref.params, options.endOfToday, options.limit]
	);
	return {
		items: rows.map((row) => {
			const appointment = appointmentOf(row);
			const expiresAt = appointment.reservationExpiresAt!;
			return {
				...appointment,
				reservationExpiresAt: expiresAt,
				expiresToday: expiresAt.getTime() < options.endOfToday.getTime()
			};
		}),
		total: (rows[0]?.total as number | undefined) ?? 0,
		expiringToday: (rows[0]?.expiring_today as number | undefined) ?? 0
	};
}

// ---------------------------------------------------------------------------------------------
// Appointment requests

export interface HomeRequest {
	id: string;
	createdAt: Date;
	patient: { id: string; name: string };
	case: HomeCaseRef;
	appointmentType: { name: string };
	durationMinutes: number;
	/** The patient's first preferred window. */
	firstWindow: { startsAt: Date; endsAt: Date } | null;
}

/**
 * Pending portal requests on cases the actor may see, oldest first, at most `limit`, with how many
 * there are. With `providedBy`, only requests for a type of a service that practitioner provides.
 */
export async function findPendingRequests(
	em: Em,
	actor: Actor,
	options: { providedBy?: string; limit: number }
): Promise<{ items: HomeRequest[]; total: number }> {
	const visibility = caseVisibilitySql(actor);
	const params: unknown[] = [...visibility.params];
	let where = `r.status = 'pending' and ${visibility.sql}`;
	if (options.providedBy) {
		where += ` and exists (select 1 from appointment_type_service ats
			join practitioner_service ps on ps.service_id = ats.service_id
			where ats.appointment_type_id = r.appointment_type_id and ps.user_id = ?)`;
		params.push(options.providedBy);
	}
	const rows = await em.execute<Row[]>(
		`select r.id::text as id, r.created_at, r.duration_minutes, r.windows,
			p.id::text as patient_id, p.first_name as patient_first_name,
			p.preferred_first_name as patient_preferred_first_name, p.last_name as patient_last_name,
			c.id::text as case_id, c.name as case_name, true as case_visible, t.name as type_name,
			(count(*) over ())::int as total
		 from appointment_request r
		 join clinic_case c on c.id = r.case_id
		 join patient p on p.id = r.patient_id
		 join appointment_type t on t.id = r.appointment_type_id
		 where ${where}
		 order by r.created_at, r.id limit ?`,
		[...params, options.limit]
	);
	return {
		items: rows.map((row) => {
			const first = (row.windows as { startsAt: string; endsAt: string }[])[0];
			return {
				id: row.id as string,
				createdAt: toDate(row.created_at),
				patient: { id: row.patient_id as string, name: patientName(row) },
				case: caseRefOf(row)!,
				appointmentType: { name: row.type_name as string },
				durationMinutes: row.duration_minutes as number,
				firstWindow: first ? { startsAt: new Date(first.startsAt), endsAt: new Date(first.endsAt) } : null
			};
		}),
		total: (rows[0]?.total as number | undefined) ?? 0
	};
}

// ---------------------------------------------------------------------------------------------
// Cases near a cap or a referral's expiry

export interface CaseCandidate {
	id: string;
	name: string;
	patient: { id: string; name: string } | null;
	limitKind: CaseLimitKind;
	maxAppointments: number | null;
	maxAmountCents: number | null;
	countsCancelled: boolean;
	countsDidNotArrive: boolean;
	hasReferral: boolean;
	referralExpiresOn: string | null;
	usage: UsageAppointment[];
	/** The next booked or reserved appointment from now, if any. */
	nextAppointmentAt: Date | null;
}

/**
 * Open cases the actor may see that could carry a cap or referral warning, in one statement: the
 * SQL keeps only cases that may have reached one (a referral within `referralDays` of expiry, or a
 * cap that all their appointments together come within one of), and the caller applies the exact
 * rule (case.rules.ts) to the appointments returned with each. `upcomingOnly`: only cases with a
 * booking to come; `practitionerId`: only cases with a (not cancelled) appointment of theirs.
 */
export async function findCaseWarningCandidates(
	em: Em,
	actor: Actor,
	options: {
		now: Date;
		today: string;
		referralDays: number;
		upcomingOnly?: boolean;
		practitionerId?: string;
		limit: number;
	}
): Promise<CaseCandidate[]> {
	const visibility = caseVisibilitySql(actor);
	const where = [
		`c.status = 'open'`,
		'c.archived_at is null',
		`(
			(c.has_referral and c.referral_expires_on <= ?::date + ?::int)
			or (c.limit_kind = 'appointments'
				and c.max_appointments - (select count(*) from appointment ca where ca.case_id = c.id) <= 1)
			or (c.limit_kind = 'amount' and c.max_amount_cents < (select coalesce(sum(coalesce(ca.invoiced_amount_cents, ct.price_cents)), 0)
				from appointment ca join appointment_type ct on ct.id = ca.appointment_type_id where ca.case_id = c.id))
		)`,
		visibility.sql
	];
	// In the order of the statement: the lateral join's time, then the conditions.
	const params: unknown[] = [options.now, options.today, options.referralDays, ...visibility.params];
	if (options.upcomingOnly) where.push('n.next_at is not null');
	if (options.practitionerId) {
		where.push(
			`exists (select 1 from appointment pa where pa.case_id = c.id and pa.practitioner_id = ? and pa.status <> 'cancelled')`
		);
		params.push(options.practitionerId);
	}
	const rows = await em.execute<Row[]>(
		`select c.id::text as id, c.name, c.limit_kind, c.max_appointments, c.max_amount_cents,
			c.counts_cancelled, c.counts_did_not_arrive, c.has_referral, c.referral_expires_on::text as referral_expires_on,
			p.id::text as patient_id, p.first_name as patient_first_name,
			p.preferred_first_name as patient_preferred_first_name, p.last_name as patient_last_name,
			n.next_at,
			coalesce((select json_agg(json_build_object('id', a.id::text, 'status', a.status, 'startsAt', a.starts_at,
					'invoicedAmountCents', a.invoiced_amount_cents, 'priceCents', at.price_cents))
				from appointment a join appointment_type at on at.id = a.appointment_type_id where a.case_id = c.id), '[]')
				as usage_appointments
		 from clinic_case c
		 left join patient p on p.id = c.patient_id
		 left join lateral (select min(na.starts_at) as next_at from appointment na
			where na.case_id = c.id and na.starts_at >= ? and na.status in ('booked', 'reserved')) n on true
		 where ${where.join(' and ')}
		 order by n.next_at nulls last, c.referral_expires_on nulls last, c.id
		 limit ?`,
		[...params, options.limit]
	);
	return rows.map((row) => ({
		id: row.id as string,
		name: row.name as string,
		patient: row.patient_id ? { id: row.patient_id as string, name: patientName(row) } : null,
		limitKind: row.limit_kind as CaseLimitKind,
		maxAppointments: (row.max_appointments as number | null) ?? null,
		maxAmountCents: (row.max_amount_cents as number | null) ?? null,
		countsCancelled: row.counts_cancelled as boolean,
		countsDidNotArrive: row.counts_did_not_arrive as boolean,
		hasReferral: row.has_referral as boolean,
		referralExpiresOn: (row.referral_expires_on as string | null) ?? null,
		usage: (row.usage_appointments as (Omit<UsageAppointment, 'startsAt'> & { startsAt: string })[]).map(
			(a) => ({ ...a, startsAt: new Date(a.startsAt) })
		),
		nextAppointmentAt: toDateOrNull(row.next_at)
	}));
}

// ---------------------------------------------------------------------------------------------
// The admin's set-up checklist and the system state

export interface SetupFacts {
	services: number;
	appointmentTypes: number;
	caseTemplates: number;
	teams: number;
	teamMembers: number;
	membersWithoutMobile: number;
	customFieldSections: { archived: boolean; fields: { archived: boolean }[] }[];
	outboxChosenAt: Date | null;
	hasTwoFactor: boolean;
}

/** What the checklist is decided from, in one statement of counts. */
export async function readSetupFacts(em: Em, userId: string): Promise<SetupFacts> {
	const [row] = await em.execute<Row[]>(
		`select
			(select count(*) from service where is_active)::int as services,
			(select count(*) from appointment_type where is_active)::int as appointment_types,
			(select count(*) from case_template where is_active and archived_at is null)::int as case_templates,
			(select count(*) from team where is_active)::int as teams,
			(select count(*) from team t join team_member m on m.team_id = t.id join app_user u on u.id = m.user_id
				where t.is_active and u.is_active)::int as team_members,
			(select count(distinct u.id) from team t join team_member m on m.team_id = t.id
				join app_user u on u.id = m.user_id
				where t.is_active and u.is_active and coalesce(u.mobile, '') = '')::int as members_without_mobile,
			(select d.definition -> 'sections' from patient_custom_field_definition d where d.id = 1) as custom_field_sections,
			(select s.outbox_chosen_at from clinic_settings s where s.id = 1) as outbox_chosen_at,
			(select u.totp_enabled_at is not null from app_user u where u.id = ?) as has_two_factor`,
		[userId]
	);
	return {
		services: row!.services as number,
		appointmentTypes: row!.appointment_types as number,
		caseTemplates: row!.case_templates as number,
		teams: row!.teams as number,
		teamMembers: row!.team_members as number,
		membersWithoutMobile: row!.members_without_mobile as number,
		customFieldSections: (row!.custom_field_sections as SetupFacts['customFieldSections'] | null) ?? [],
		outboxChosenAt: toDateOrNull(row!.outbox_chosen_at),
		hasTwoFactor: row!.has_two_factor === true
	};
}

export interface MessageFacts {
	/** Failed or undelivered in the last day. */
	failedLastDay: number;
	/** Still queued or sending after `staleAfter`: the worker or a provider is not taking them. */
	stuck: number;
	/** When an admin chose the built-in outbox over SMTP and Twilio, if they did. */
	outboxChosenAt: Date | null;
}

/** The messages an admin should hear about, counted over the notification's created_at index. */
export async function readMessageFacts(
	em: Em,
	options: { since: Date; staleBefore: Date }
): Promise<MessageFacts> {
	const [row] = await em.execute<Row[]>(
		`select
			(count(*) filter (where n.status in ('failed', 'undelivered')))::int as failed,
			(count(*) filter (where n.status in ('queued', 'sending') and n.created_at < ?))::int as stuck,
			(select s.outbox_chosen_at from clinic_settings s where s.id = 1) as outbox_chosen_at
		 from notification n where n.created_at >= ?`,
		[options.staleBefore, options.since]
	);
	return {
		failedLastDay: (row?.failed as number) ?? 0,
		stuck: (row?.stuck as number) ?? 0,
		outboxChosenAt: toDateOrNull(row?.outbox_chosen_at)
	};
}
