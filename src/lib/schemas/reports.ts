// The Reports page's filters (issue 19), shared by the page, the CSV endpoints and the router: a
// range of calendar days in the clinic's time zone, and optionally one team and one practitioner.
import { z } from 'zod';
import { isoDate, recordId } from './patient.ts';

export const REPORT_CHARTS = [
	'acknowledge-time',
	'escalation-steps',
	'delivery',
	'open-cases',
	'cap-usage',
	'referrals-expiring',
	'cases-opened-closed',
	'requests-per-week',
	'decision-time',
	'decisions',
	'appointments'
] as const;
export type ReportChartId = (typeof REPORT_CHARTS)[number];

export const REPORT_SECTIONS: { title: string; charts: ReportChartId[] }[] = [
	{ title: 'Escalations', charts: ['acknowledge-time', 'escalation-steps', 'delivery'] },
	{ title: 'Cases', charts: ['open-cases', 'cap-usage', 'referrals-expiring', 'cases-opened-closed'] },
	{ title: 'Appointment requests', charts: ['requests-per-week', 'decision-time', 'decisions'] },
	{ title: 'Appointments', charts: ['appointments'] }
];

/** Two years of weeks at most: enough for any trend, and the queries stay fast. */
export const MAX_REPORT_DAYS = 731;

const optionalId = z
	.string()
	.trim()
	.optional()
	.transform((v) => (v ? v : undefined))
	.pipe(recordId.optional());

export const reportFilters = z
	.object({
		from: isoDate,
		to: isoDate,
		teamId: optionalId,
		practitionerId: optionalId
	})
	.superRefine((value, ctx) => {
		if (value.to < value.from) {
			ctx.addIssue({ code: 'custom', path: ['to'], message: 'The “To” date is before the “From” date' });
			return;
		}
		const days = (Date.parse(`${value.to}T00:00:00Z`) - Date.parse(`${value.from}T00:00:00Z`)) / 86_400_000;
		if (days >= MAX_REPORT_DAYS)
			ctx.addIssue({ code: 'custom', path: ['to'], message: 'Choose a range of two years or less' });
	});
export type ReportFilters = z.output<typeof reportFilters>;

export const reportChartInput = z.object({
	chart: z.enum(REPORT_CHARTS, 'No such chart'),
	filters: reportFilters
});

/** The default range: the last twelve weeks up to `today` (YYYY-MM-DD in the clinic's zone). */
export function defaultReportRange(today: string): { from: string; to: string } {
	const from = new Date(Date.parse(`${today}T00:00:00Z`) - 83 * 86_400_000).toISOString().slice(0, 10);
	return { from, to: today };
}

/** YYYY-MM-DD of `now` in `timeZone` (the clinic's "today"). */
export function clinicToday(timeZone: string, now = new Date()): string {
	return new Intl.DateTimeFormat('en-CA', {
		timeZone,
		year: 'numeric',
		month: '2-digit',
		day: '2-digit'
	}).format(now);
}
