// Reports (issue 19): each chart's figures as a table (columns and rows, which the page shows and
// the CSV download writes) and the series the chart draws from them.
//
// Who sees what: admins and schedulers see the whole clinic and may narrow it to any team or
// practitioner. Anyone else (a practitioner) sees their own figures only: their appointments, the
// cases whose latest appointment is theirs, the requests booked with them or for the types they
// offer, and the escalations of the teams they belong to. Asking for someone else's figures is a
// field error, not an empty chart.
import type { z } from 'zod';
import { PRIORITY_LABELS, type Priority } from '../../schemas/team.ts';
import {
	clinicToday,
	REPORT_CHARTS,
	reportFilters,
	type ReportChartId,
	type ReportFilters
} from '../../schemas/reports.ts';
import { hasRole, type Actor } from '../auth/actor.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { fieldError } from '../errors.ts';
import {
	acknowledgeTimeSql,
	appointmentsSql,
	capUsageSql,
	casesOpenedClosedSql,
	decisionsSql,
	deliverySql,
	escalationStepsSql,
	openCasesSql,
	referralsExpiringSql,
	requestsPerWeekSql,
	runStatement,
	type AcknowledgeTimeRow,
	type AppointmentsRow,
	type CapUsageRow,
	type DecisionRow,
	type DeliveryRow,
	type EscalationStepRow,
	type OpenCasesRow,
	type OpenedClosedRow,
	type ReferralsExpiringRow,
	type ReportScope,
	type RequestsPerWeekRow
} from './reports.queries.ts';

export type Cell = string | number | null;

export interface ReportColumn {
	key: string;
	label: string;
	isNumeric: boolean;
}

export interface ReportSeries {
	key: string;
	label: string;
}

export interface ReportChart {
	id: ReportChartId;
	title: string;
	description: string;
	/** The table behind the chart: the page shows it and the CSV download writes it. */
	columns: ReportColumn[];
	rows: Record<string, Cell>[];
	chart: {
		kind: 'bar' | 'line';
		/** Bars side by side or on top of each other. */
		layout: 'group' | 'stack';
		orientation: 'vertical' | 'horizontal';
		/** The category (or week, when `isWeekly`) key of each datum. */
		x: string;
		isWeekly: boolean;
		series: ReportSeries[];
		data: Record<string, Cell>[];
		/** Something to plot: false draws the empty state instead of a blank chart. */
		hasData: boolean;
	};
}

const col = (key: string, label: string, isNumeric = true): ReportColumn => ({ key, label, isNumeric });

/** The filters the actor may use: a practitioner's are narrowed to themselves and their teams. */
async function scopeFor(em: Em, actor: Actor, filters: ReportFilters, now: Date): Promise<ReportScope> {
	const user = actor.user!;
	const timeZone = getConfig().CASEBOOK_TIME_ZONE;
	const scope: ReportScope = {
		from: filters.from,
		to: filters.to,
		timeZone,
		teamId: filters.teamId ?? null,
		practitionerId: filters.practitionerId ?? null,
		today: clinicToday(timeZone, now)
	};
	if (hasRole(user, 'scheduler')) return scope;
	if (scope.practitionerId && scope.practitionerId !== user.id)
		throw fieldError('practitionerId', 'You can see your own figures only', 'FORBIDDEN');
	if (scope.teamId) {
		const member = await em.execute<{ n: number }[]>(
			'select 1 as n from team_member where team_id = ? and user_id = ?',
			[scope.teamId, user.id]
		);
		if (!member.length) throw fieldError('teamId', 'Choose one of your own teams', 'FORBIDDEN');
	}
	return { ...scope, practitionerId: user.id };
}

function hasAny(rows: Record<string, Cell>[], keys: string[]): boolean {
	return rows.some((row) => keys.some((key) => typeof row[key] === 'number' && (row[key] as number) > 0));
}

function priorityLabel(priority: string): string {
	return PRIORITY_LABELS[priority as Priority] ?? priority;
}

function stepLabel(round: number, stepIndex: number): string {
	if (round < 0) return 'Sent';
	return round === 0 ? `Step ${stepIndex + 1}` : `Step ${stepIndex + 1}, repeat ${round}`;
}

function percent(part: number, whole: number): number | null {
	return whole ? Math.round((part / whole) * 1000) / 10 : null;
}

/** One wide datum per category: `{ [x]: category, [seriesKey]: value }`, in first-seen order. */
function pivot(
	rows: { category: string; series: string; value: number }[],
	x: string
): Record<string, Cell>[] {
	const byCategory = new Map<string, Record<string, Cell>>();
	for (const row of rows) {
		const datum = byCategory.get(row.category) ?? { [x]: row.category };
		datum[row.series] = row.value;
		byCategory.set(row.category, datum);
	}
	return [...byCategory.values()];
}

type Builder = (em: Em, scope: ReportScope) => Promise<ReportChart>;

const BUILDERS: Record<ReportChartId, Builder> = {
	async 'acknowledge-time'(em, scope) {
		const found = await runStatement<AcknowledgeTimeRow>(em, acknowledgeTimeSql(scope));
		const rows = found.map((r) => ({
			week: r.week,
			priority: priorityLabel(r.priority),
			team: r.team_id === null ? 'All teams' : (r.team_name ?? ''),
			acknowledged: r.acknowledged,
			medianMinutes: r.median_minutes,
			p90Minutes: r.p90_minutes
		}));
		const priorities = (['urgent', 'high', 'normal'] as const).filter((p) =>
			found.some((r) => r.priority === p)
		);
		const series = priorities.flatMap((p) => [
			{ key: `${p}Median`, label: `${PRIORITY_LABELS[p]}: median` },
			{ key: `${p}P90`, label: `${PRIORITY_LABELS[p]}: 90th percentile` }
		]);
		const totals = found.filter((r) => r.team_id === null);
		const data = pivot(
			totals.flatMap((r) => [
				{ category: r.week, series: `${r.priority}Median`, value: r.median_minutes },
				{ category: r.week, series: `${r.priority}P90`, value: r.p90_minutes }
			]),
			'week'
		);
		return {
			id: 'acknowledge-time',
			title: 'Time to acknowledge',
			description:
				'Minutes from sending a case to its acknowledgement, by the week it was sent: median and 90th percentile per priority (the chart shows all selected teams; the table each team too).',
			columns: [
				col('week', 'Week of', false),
				col('priority', 'Priority', false),
				col('team', 'Team', false),
				col('acknowledged', 'Acknowledged cases'),
				col('medianMinutes', 'Median (minutes)'),
				col('p90Minutes', '90th percentile (minutes)')
			],
			rows,
			chart: {
				kind: 'line',
				layout: 'group',
				orientation: 'vertical',
				x: 'week',
				isWeekly: true,
				series,
				data,
				hasData: data.length > 0
			}
		};
	},

	async 'escalation-steps'(em, scope) {
		const found = await runStatement<EscalationStepRow>(em, escalationStepsSql(scope));
		const rows = found.map((r) => ({
			step: stepLabel(r.round, r.step_index),
			team: r.team_name,
			cases: r.cases
		}));
		const teams = [...new Map(found.map((r) => [r.team_id, r.team_name])).entries()];
		const data = pivot(
			found.map((r) => ({
				category: stepLabel(r.round, r.step_index),
				series: `team${r.team_id}`,
				value: r.cases
			})),
			'step'
		);
		return {
			id: 'escalation-steps',
			title: 'Cases that reached each escalation step',
			description:
				'Of the cases sent in the range, how many each team received and how many were still waiting when each step of its escalation fired.',
			columns: [col('step', 'Step', false), col('team', 'Team', false), col('cases', 'Cases')],
			rows,
			chart: {
				kind: 'bar',
				layout: 'stack',
				orientation: 'vertical',
				x: 'step',
				isWeekly: false,
				series: teams.map(([id, name]) => ({ key: `team${id}`, label: name })),
				data,
				hasData: found.length > 0
			}
		};
	},

	async delivery(em, scope) {
		const found = await runStatement<DeliveryRow>(em, deliverySql(scope));
		const rows = found.map((r) => ({
			week: r.week,
			smsPages: r.sms_pages,
			smsFailed: r.sms_failed,
			emailPages: r.email_pages,
			emailFailed: r.email_failed,
			fallbacks: r.fallbacks
		}));
		return {
			id: 'delivery',
			title: 'Page delivery failures and fallbacks',
			description:
				'The SMS and emails that paged teams, per week: how many failed, and how many failed SMS were sent again by email.',
			columns: [
				col('week', 'Week of', false),
				col('smsPages', 'SMS pages'),
				col('smsFailed', 'SMS failed'),
				col('emailPages', 'Email pages'),
				col('emailFailed', 'Email failed'),
				col('fallbacks', 'Fallbacks to email')
			],
			rows,
			chart: {
				kind: 'bar',
				layout: 'group',
				orientation: 'vertical',
				x: 'week',
				isWeekly: true,
				series: [
					{ key: 'smsFailed', label: 'SMS failed' },
					{ key: 'emailFailed', label: 'Email failed' },
					{ key: 'fallbacks', label: 'Fallbacks to email' }
				],
				data: rows,
				hasData: hasAny(rows, ['smsPages', 'emailPages'])
			}
		};
	},

	async 'open-cases'(em, scope) {
		const found = await runStatement<OpenCasesRow>(em, openCasesSql(scope));
		const template = (r: OpenCasesRow) => r.template_name ?? 'No template';
		const practitioner = (r: OpenCasesRow) => r.practitioner_name ?? 'No appointment yet';
		const rows = found.map((r) => ({ template: template(r), practitioner: practitioner(r), cases: r.cases }));
		const people = [
			...new Map(found.map((r) => [`p${r.practitioner_id ?? 'none'}`, practitioner(r)])).entries()
		];
		const data = pivot(
			found.map((r) => ({
				category: template(r),
				series: `p${r.practitioner_id ?? 'none'}`,
				value: r.cases
			})),
			'template'
		);
		return {
			id: 'open-cases',
			title: 'Open cases by template and practitioner',
			description:
				'Cases open now (whatever the date range), by template and by the practitioner of their latest appointment.',
			columns: [
				col('template', 'Template', false),
				col('practitioner', 'Practitioner', false),
				col('cases', 'Open cases')
			],
			rows,
			chart: {
				kind: 'bar',
				layout: 'stack',
				orientation: 'horizontal',
				x: 'template',
				isWeekly: false,
				series: people.map(([key, label]) => ({ key, label })),
				data,
				hasData: found.length > 0
			}
		};
	},

	async 'cap-usage'(em, scope) {
		const found = await runStatement<CapUsageRow>(em, capUsageSql(scope));
		const labels = ['Under 25%', '25–49%', '50–74%', '75–99%', 'Reached (100%+)'];
		const rows = found.map((r) => ({
			usage: labels[r.bucket] ?? String(r.bucket),
			appointmentsCap: r.appointments_cap,
			amountCap: r.amount_cap
		}));
		return {
			id: 'cap-usage',
			title: 'Cap usage of open cases',
			description:
				'Open cases with a maximum number of appointments or a maximum amount, by how much of it is used now (appointments counted, or the amount invoiced and booked).',
			columns: [
				col('usage', 'Used', false),
				col('appointmentsCap', 'Appointment caps'),
				col('amountCap', 'Amount caps')
			],
			rows,
			chart: {
				kind: 'bar',
				layout: 'stack',
				orientation: 'vertical',
				x: 'usage',
				isWeekly: false,
				series: [
					{ key: 'appointmentsCap', label: 'Appointment caps' },
					{ key: 'amountCap', label: 'Amount caps' }
				],
				data: rows,
				hasData: hasAny(rows, ['appointmentsCap', 'amountCap'])
			}
		};
	},

	async 'referrals-expiring'(em, scope) {
		const found = await runStatement<ReferralsExpiringRow>(em, referralsExpiringSql(scope));
		const rows = found.map((r) => ({ week: r.week, cases: r.cases }));
		return {
			id: 'referrals-expiring',
			title: 'Referrals expiring in the weeks ahead',
			description: 'Open cases whose referral expires in each of the next twelve weeks, from today.',
			columns: [col('week', 'Week of', false), col('cases', 'Referrals expiring')],
			rows,
			chart: {
				kind: 'bar',
				layout: 'group',
				orientation: 'vertical',
				x: 'week',
				isWeekly: true,
				series: [{ key: 'cases', label: 'Referrals expiring' }],
				data: rows,
				hasData: hasAny(rows, ['cases'])
			}
		};
	},

	async 'cases-opened-closed'(em, scope) {
		const found = await runStatement<OpenedClosedRow>(em, casesOpenedClosedSql(scope));
		const rows = found.map((r) => ({ week: r.week, opened: r.opened, closed: r.closed }));
		return {
			id: 'cases-opened-closed',
			title: 'Cases opened and closed',
			description: 'Cases created and cases closed, per week.',
			columns: [col('week', 'Week of', false), col('opened', 'Opened'), col('closed', 'Closed')],
			rows,
			chart: {
				kind: 'bar',
				layout: 'group',
				orientation: 'vertical',
				x: 'week',
				isWeekly: true,
				series: [
					{ key: 'opened', label: 'Opened' },
					{ key: 'closed', label: 'Closed' }
				],
				data: rows,
				hasData: hasAny(rows, ['opened', 'closed'])
			}
		};
	},

	async 'requests-per-week'(em, scope) {
		const found = await runStatement<RequestsPerWeekRow>(em, requestsPerWeekSql(scope));
		const rows = found.map((r) => ({
			week: r.week,
			total: r.total,
			pending: r.pending,
			approved: r.approved,
			declined: r.declined,
			withdrawn: r.withdrawn
		}));
		return {
			id: 'requests-per-week',
			title: 'Appointment requests per week',
			description: 'Requests patients made in the portal, per week, by what became of them.',
			columns: [
				col('week', 'Week of', false),
				col('total', 'Requests'),
				col('pending', 'Pending'),
				col('approved', 'Approved'),
				col('declined', 'Declined'),
				col('withdrawn', 'Withdrawn')
			],
			rows,
			chart: {
				kind: 'bar',
				layout: 'stack',
				orientation: 'vertical',
				x: 'week',
				isWeekly: true,
				series: [
					{ key: 'approved', label: 'Approved' },
					{ key: 'declined', label: 'Declined' },
					{ key: 'pending', label: 'Pending' },
					{ key: 'withdrawn', label: 'Withdrawn' }
				],
				data: rows,
				hasData: hasAny(rows, ['total'])
			}
		};
	},

	async 'decision-time'(em, scope) {
		const found = await runStatement<DecisionRow>(em, decisionsSql(scope));
		const rows = found.map((r) => ({
			week: r.week,
			decided: r.decided,
			medianHours: r.median_hours,
			p90Hours: r.p90_hours
		}));
		return {
			id: 'decision-time',
			title: 'Time from request to decision',
			description: 'Hours from a request to its approval or decline, per week of the decision.',
			columns: [
				col('week', 'Week of', false),
				col('decided', 'Decided'),
				col('medianHours', 'Median (hours)'),
				col('p90Hours', '90th percentile (hours)')
			],
			rows,
			chart: {
				kind: 'line',
				layout: 'group',
				orientation: 'vertical',
				x: 'week',
				isWeekly: true,
				series: [
					{ key: 'medianHours', label: 'Median' },
					{ key: 'p90Hours', label: '90th percentile' }
				],
				data: rows.filter((r) => r.decided > 0),
				hasData: hasAny(rows, ['decided'])
			}
		};
	},

	async decisions(em, scope) {
		const found = await runStatement<DecisionRow>(em, decisionsSql(scope));
		const rows = found.map((r) => {
			const approved = r.approved_as_asked + r.approved_other_time;
			return {
				week: r.week,
				approvedAsAsked: r.approved_as_asked,
				approvedOtherTime: r.approved_other_time,
				declined: r.declined,
				otherTimePercent: percent(r.approved_other_time, approved)
			};
		});
		return {
			id: 'decisions',
			title: 'Approved and declined requests',
			description:
				'Decisions per week: approved at a time the patient preferred, approved at a different time, or declined; and the share of approvals at a different time.',
			columns: [
				col('week', 'Week of', false),
				col('approvedAsAsked', 'Approved as asked'),
				col('approvedOtherTime', 'Approved at a different time'),
				col('declined', 'Declined'),
				col('otherTimePercent', 'Approved at a different time (%)')
			],
			rows,
			chart: {
				kind: 'bar',
				layout: 'stack',
				orientation: 'vertical',
				x: 'week',
				isWeekly: true,
				series: [
					{ key: 'approvedAsAsked', label: 'Approved as asked' },
					{ key: 'approvedOtherTime', label: 'Approved at a different time' },
					{ key: 'declined', label: 'Declined' }
				],
				data: rows,
				hasData: hasAny(rows, ['approvedAsAsked', 'approvedOtherTime', 'declined'])
			}
		};
	},

	async appointments(em, scope) {
		const found = await runStatement<AppointmentsRow>(em, appointmentsSql(scope));
		const rows = found.map((r) => ({
			week: r.week,
			practitioner: r.practitioner_id === null ? 'All practitioners' : (r.practitioner_name ?? ''),
			booked: r.booked,
			completed: r.completed,
			cancelled: r.cancelled,
			didNotArrive: r.did_not_arrive
		}));
		const totals = rows.filter((_, i) => found[i]!.practitioner_id === null);
		return {
			id: 'appointments',
			title: 'Appointments per week',
			description:
				'Appointments starting in each week, by their status now (booked includes arrived; reservations are left out): the chart shows all selected practitioners, the table each one too.',
			columns: [
				col('week', 'Week of', false),
				col('practitioner', 'Practitioner', false),
				col('booked', 'Booked'),
				col('completed', 'Completed'),
				col('cancelled', 'Cancelled'),
				col('didNotArrive', 'Did not arrive')
			],
			rows,
			chart: {
				kind: 'bar',
				layout: 'stack',
				orientation: 'vertical',
				x: 'week',
				isWeekly: true,
				series: [
					{ key: 'completed', label: 'Completed' },
					{ key: 'booked', label: 'Booked' },
					{ key: 'cancelled', label: 'Cancelled' },
					{ key: 'didNotArrive', label: 'Did not arrive' }
				],
				data: totals,
				hasData: hasAny(totals, ['booked', 'completed', 'cancelled', 'didNotArrive'])
			}
		};
	}
};

/** One chart, for its CSV download. */
export async function getReportChart(
	em: Em,
	actor: Actor,
	input: { chart: ReportChartId; filters: z.input<typeof reportFilters> },
	now = new Date()
): Promise<ReportChart> {
	const scope = await scopeFor(em, actor, reportFilters.parse(input.filters), now);
	return BUILDERS[input.chart](em, scope);
}

/** Every chart of the Reports page, one statement after another on the request's connection. */
export async function getReports(
	em: Em,
	actor: Actor,
	raw: z.input<typeof reportFilters>,
	now = new Date()
): Promise<{ charts: ReportChart[]; isOwnFiguresOnly: boolean }> {
	const scope = await scopeFor(em, actor, reportFilters.parse(raw), now);
	const charts: ReportChart[] = [];
	for (const id of REPORT_CHARTS) charts.push(await BUILDERS[id](em, scope));
	return { charts, isOwnFiguresOnly: !hasRole(actor.user!, 'scheduler') };
}

/** The teams and practitioners the filters offer: everyone for schedulers, oneself otherwise. */
export async function reportFilterOptions(em: Em, actor: Actor) {
	const user = actor.user!;
	const everything = hasRole(user, 'scheduler');
	const teams = await em.execute<{ id: string; name: string }[]>(
		`select t.id::text as id, t.name from team t where t.is_active
			${everything ? '' : 'and exists (select 1 from team_member tm where tm.team_id = t.id and tm.user_id = ?)'}
		order by lower(t.name), t.id`,
		everything ? [] : [user.id]
	);
	const practitioners = everything
		? await em.execute<{ id: string; name: string }[]>(
				`select u.id::text as id, u.name from app_user u
				where u.kind = 'staff' and u.is_active and u.roles && array['practitioner', 'admin']::text[]
				order by lower(u.name), u.id`
			)
		: [{ id: user.id, name: user.name }];
	return {
		teams,
		practitioners,
		isOwnFiguresOnly: !everything,
		today: clinicToday(getConfig().CASEBOOK_TIME_ZONE)
	};
}
