// The Reports filters as the page and the CSV downloads read them from the URL: the last twelve
// weeks by default. Validation is the router's (reports.dashboard / reports.chart), so a bad value
// comes back as a field error.
import { clinicToday, defaultReportRange } from '$lib/schemas/reports';

export interface ReportParams {
	from: string;
	to: string;
	teamId: string;
	practitionerId: string;
}

export function readReportParams(url: URL, timeZone: string): ReportParams {
	const range = defaultReportRange(clinicToday(timeZone));
	const get = (name: string) => (url.searchParams.get(name) ?? '').trim().slice(0, 40);
	return {
		from: get('from') || range.from,
		to: get('to') || range.to,
		teamId: get('teamId'),
		practitionerId: get('practitionerId')
	};
}

/** The same filters as a query string, for the CSV links. */
export function reportQuery(params: ReportParams): string {
	const query = new URLSearchParams({ from: params.from, to: params.to });
	if (params.teamId) query.set('teamId', params.teamId);
	if (params.practitionerId) query.set('practitionerId', params.practitionerId);
	return query.toString();
}
