// Each role's home (issue 19): the work of whoever signed in. A section per role, each read by its
// own statements (home.queries.ts, and the routing feature's inbox reads for team members), with
// "today" being the clinic's day (CASEBOOK_TIME_ZONE), whatever the server's zone is.
import { addDays, todayIn, zonedToInstant } from '../../time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import {
	caseWarnings,
	computeCaseUsage,
	describeWarning,
	REFERRAL_WARNING_DAYS
} from '../cases/case.rules.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { getHealth, type Health } from '../health/health.service.ts';
import { findAcknowledgedBy, findWaitingCases, type InboxItem } from '../routing/routing.service.ts';
import { ClinicSettings } from '../settings/clinic-settings.entity.ts';
import {
	findAppointmentsStarting,
	findCaseWarningCandidates,
	findPendingRequests,
	findWaitingReservations,
	readMessageFacts,
	readSetupFacts,
	type CaseCandidate,
	type HomeAppointment,
	type HomeRequest,
	type HomeReservation
} from './home.queries.ts';

/** How many rows a home list shows; the rest are a link away. */
export const HOME_LIST_LIMIT = 10;
/** A day's appointments across the clinic: enough for a busy day, the calendar has the rest. */
export const DAY_LIST_LIMIT = 50;
/** Cases read to find those with warnings (the exact rule runs on each). */
const CANDIDATE_LIMIT = 200;

interface ClinicDay {
	timeZone: string;
	today: string;
	startOfToday: Date;
	startOfTomorrow: Date;
	startOfDayAfter: Date;
}

function clinicDay(now: Date): ClinicDay {
	const timeZone = getConfig().CASEBOOK_TIME_ZONE;
	const today = todayIn(timeZone, now);
	return {
		timeZone,
		today,
		startOfToday: zonedToInstant(today, timeZone),
		startOfTomorrow: zonedToInstant(addDays(today, 1), timeZone),
		startOfDayAfter: zonedToInstant(addDays(today, 2), timeZone)
	};
}

interface List<T> {
	items: T[];
	total: number;
}

// ---------------------------------------------------------------------------------------------
// Team member or lead

export interface TeamHome {
	/** Not in any team: the page shows no team section. */
	isMember: boolean;
	waiting: List<InboxItem>;
	acknowledgedToday: InboxItem[];
}

export async function getTeamHome(em: Em, actor: Actor, now = new Date()): Promise<TeamHome> {
	const [membership] = await em.execute<{ teams: number }[]>(
		`select count(*)::int as teams from team_member m join team t on t.id = m.team_id
		 where m.user_id = ? and t.is_active`,
		[actor.user!.id]
	);
	if (!membership?.teams) return { isMember: false, waiting: { items: [], total: 0 }, acknowledgedToday: [] };
	const day = clinicDay(now);
	const waiting = await findWaitingCases(em, actor, { limit: HOME_LIST_LIMIT });
	const acknowledgedToday = await findAcknowledgedBy(em, actor, {
		since: day.startOfToday,
		limit: HOME_LIST_LIMIT
	});
	return { isMember: true, waiting, acknowledgedToday };
}

// ---------------------------------------------------------------------------------------------
// Cases with warnings (scheduler and practitioner)

export interface CaseWithWarnings {
	id: string;
	name: string;
	patient: { id: string; name: string } | null;
	warnings: { kind: string; text: string }[];
	nextAppointmentAt: Date | null;
}

/** The candidates that carry a warning by the case rules, at most `limit`. */
function withWarnings(candidates: CaseCandidate[], today: string, limit: number): List<CaseWithWarnings> {
	const found: CaseWithWarnings[] = [];
	for (const c of candidates) {
		const usage = computeCaseUsage(c, c.usage);
		const warnings = caseWarnings(
			{
				status: 'open',
				hasReferral: c.hasReferral,
				referralExpiresOn: c.referralExpiresOn,
				usage: { ...usage, maxAmountCents: c.maxAmountCents }
			},
			today
		);
		if (!warnings.length) continue;
		found.push({
			id: c.id,
			name: c.name,
			patient: c.patient,
			warnings: warnings.map((w) => ({ kind: w.kind, text: describeWarning(w) })),
			nextAppointmentAt: c.nextAppointmentAt
		});
	}
	return { items: found.slice(0, limit), total: found.length };
}

// ---------------------------------------------------------------------------------------------
// Scheduler

export interface SchedulerHome {
	today: List<HomeAppointment>;
	requests: List<HomeRequest>;
	reservations: List<HomeReservation> & { expiringToday: number };
	casesNeedingAttention: List<CaseWithWarnings>;
}

export async function getSchedulerHome(em: Em, actor: Actor, now = new Date()): Promise<SchedulerHome> {
	const day = clinicDay(now);
	const today = await findAppointmentsStarting(em, actor, {
		from: day.startOfToday,
		to: day.startOfTomorrow,
		limit: DAY_LIST_LIMIT
	});
	const requests = await findPendingRequests(em, actor, { limit: HOME_LIST_LIMIT });
	const reservations = await findWaitingReservations(em, actor, {
		endOfToday: day.startOfTomorrow,
		limit: HOME_LIST_LIMIT
	});
	const candidates = await findCaseWarningCandidates(em, actor, {
		now,
		today: day.today,
		referralDays: REFERRAL_WARNING_DAYS,
		upcomingOnly: true,
		limit: CANDIDATE_LIMIT
	});
	return {
		today,
		requests,
		reservations,
		casesNeedingAttention: withWarnings(candidates, day.today, HOME_LIST_LIMIT)
	};
}

// ---------------------------------------------------------------------------------------------
// Practitioner

export interface PractitionerHome {
	today: HomeAppointment[];
	tomorrow: HomeAppointment[];
	/** More than the list holds: the calendar has the rest. */
	hasMore: boolean;
	casesWithWarnings: List<CaseWithWarnings>;
	requests: List<HomeRequest>;
}

export async function getPractitionerHome(em: Em, actor: Actor, now = new Date()): Promise<PractitionerHome> {
	const day = clinicDay(now);
	const userId = actor.user!.id;
	const appointments = await findAppointmentsStarting(em, actor, {
		from: day.startOfToday,
		to: day.startOfDayAfter,
		practitionerId: userId,
		limit: DAY_LIST_LIMIT
	});
	const candidates = await findCaseWarningCandidates(em, actor, {
		now,
		today: day.today,
		referralDays: REFERRAL_WARNING_DAYS,
		practitionerId: userId,
		limit: CANDIDATE_LIMIT
	});
	const requests = await findPendingRequests(em, actor, { providedBy: userId, limit: HOME_LIST_LIMIT });
	const tomorrowAt = day.startOfTomorrow.getTime();
	return {
		today: appointments.items.filter((a) => a.startsAt.getTime() < tomorrowAt),
		tomorrow: appointments.items.filter((a) => a.startsAt.getTime() >= tomorrowAt),
		hasMore: appointments.total > appointments.items.length,
		casesWithWarnings: withWarnings(candidates, day.today, HOME_LIST_LIMIT),
		requests
	};
}

// ---------------------------------------------------------------------------------------------
// Admin: setting up the clinic, and the system state

export const SETUP_ITEMS = [
	'services',
	'appointment-types',
	'case-templates',
	'teams',
	'messaging',
	'custom-fields',
	'two-factor'
] as const;
export type SetupItemKey = (typeof SETUP_ITEMS)[number];

export interface SetupItem {
	key: SetupItemKey;
	title: string;
	/** What is there, or what is missing. */
	detail: string;
	isDone: boolean;
	/** Where it is done. */
	href: string;
}

export interface SetupChecklist {
	items: SetupItem[];
	isDone: boolean;
	doneCount: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export async function getSetupChecklist(em: Em, actor: Actor): Promise<SetupChecklist> {
	const facts = await readSetupFacts(em, actor.user!.id);
	const config = getConfig();
	const customFields = facts.customFieldSections
		.filter((s) => !s.archived)
		.reduce((n, s) => n + s.fields.filter((f) => !f.archived).length, 0);
	const hasProviders = config.hasSmtp && config.hasTwilio;
	const teamsReady = facts.teams > 0 && facts.teamMembers > 0 && facts.membersWithoutMobile === 0;
	const items: SetupItem[] = [
		{
			key: 'services',
			title: 'Add the services you offer',
			detail: facts.services ? plural(facts.services, 'service') : 'No services yet',
			isDone: facts.services > 0,
			href: '/admin/services'
		},
		{
			key: 'appointment-types',
			title: 'Add appointment types',
			detail: facts.appointmentTypes
				? plural(facts.appointmentTypes, 'appointment type')
				: 'No appointment types yet',
			isDone: facts.appointmentTypes > 0,
			href: '/admin/appointment-types'
		},
		{
			key: 'case-templates',
			title: 'Create case templates',
			detail: facts.caseTemplates ? plural(facts.caseTemplates, 'case template') : 'No case templates yet',
			isDone: facts.caseTemplates > 0,
			href: '/admin/case-templates'
		},
		{
			key: 'teams',
			title: 'Form teams whose members have mobiles',
			detail:
				facts.teams === 0
					? 'No teams yet'
					: facts.teamMembers === 0
						? `${plural(facts.teams, 'team')}, no members yet`
						: facts.membersWithoutMobile
							? `${plural(facts.membersWithoutMobile, 'member')} without a mobile: urgent cases page by SMS`
							: `${plural(facts.teams, 'team')}, every member has a mobile`,
			isDone: teamsReady,
			href: facts.membersWithoutMobile ? '/admin/staff' : '/admin/teams'
		},
		{
			key: 'messaging',
			title: 'Decide how email and SMS go out',
			detail: hasProviders
				? 'SMTP and Twilio are set up'
				: facts.outboxChosenAt
					? 'Messages go to the built-in outbox, as you chose'
					: `${config.hasSmtp ? 'SMTP is set up' : 'No SMTP server'}, ${config.hasTwilio ? 'Twilio is set up' : 'no Twilio account'}: messages wait in the outbox. Set SMTP_URL and TWILIO_* in the server's environment, or keep the outbox`,
			isDone: hasProviders || facts.outboxChosenAt !== null,
			// The Status page shows how messages go out, and keeps the outbox when asked.
			href: '/status'
		},
		{
			key: 'custom-fields',
			title: 'Add patient custom fields',
			detail: customFields ? plural(customFields, 'custom field') : 'No custom fields yet',
			isDone: customFields > 0,
			href: '/admin/custom-fields'
		},
		{
			key: 'two-factor',
			title: 'Turn on two-factor authentication for yourself',
			detail: facts.hasTwoFactor ? 'On for your account' : 'Your account has no second factor',
			isDone: facts.hasTwoFactor,
			href: '/account'
		}
	];
	const doneCount = items.filter((i) => i.isDone).length;
	return { items, doneCount, isDone: doneCount === items.length };
}

/** "Keep the outbox": the messaging item of the checklist is done without SMTP or Twilio. */
export async function keepOutbox(em: Em, actor: Actor, now = new Date()): Promise<{ outboxChosenAt: Date }> {
	return em.transactional(async (tx) => {
		const settings = await tx.findOneOrFail(ClinicSettings, { id: 1 });
		// Asked twice (two admins, a double click): the first choice stands, recorded once.
		if (!settings.outboxChosenAt) {
			settings.outboxChosenAt = now;
			recordAudit(tx, actor, {
				action: 'settings.update',
				recordType: 'settings',
				recordId: '1',
				changedFields: ['outboxChosenAt']
			});
		}
		return { outboxChosenAt: settings.outboxChosenAt };
	});
}

export interface SystemStatus extends Health {
	messages: {
		email: 'smtp' | 'outbox';
		sms: 'twilio' | 'outbox';
		failedLastDay: number;
		stuck: number;
		outboxChosenAt: Date | null;
	};
	/** Everything an admin should act on is fine. */
	isAllWell: boolean;
}

/** A message still queued this long after it was made is stuck. */
const STUCK_AFTER_MS = 10 * 60_000;

export async function getSystemStatus(em: Em, now = new Date()): Promise<SystemStatus> {
	const health = await getHealth(em, now);
	const config = getConfig();
	const facts = health.database.ok
		? await readMessageFacts(em, {
				since: new Date(now.getTime() - 86_400_000),
				staleBefore: new Date(now.getTime() - STUCK_AFTER_MS)
			})
		: { failedLastDay: 0, stuck: 0, outboxChosenAt: null };
	return {
		...health,
		messages: {
			email: config.hasSmtp ? 'smtp' : 'outbox',
			sms: config.hasTwilio ? 'twilio' : 'outbox',
			...facts
		},
		isAllWell: health.ok && facts.failedLastDay === 0 && facts.stuck === 0
	};
}
