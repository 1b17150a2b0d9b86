// One chart's table as a CSV download, for the same filters as the page (same guard: the route is
// classified with the page in web/route-guard.ts, and the procedure checks the caller again).
import { error } from '@sveltejs/kit';
import { getConfig } from '$lib/server/config';
import { serverCaller } from '$lib/server/app/caller';
import { toCsv } from '$lib/server/reports/csv.rules';
import { formAction, isFailure } from '$lib/server/web/forms';
import { REPORT_CHARTS, type ReportChartId } from '$lib/schemas/reports';
import { readReportParams } from '../../report-params.server';
import type { RequestHandler } from './$types';

function isChartId(value: string): value is ReportChartId {
	return (REPORT_CHARTS as readonly string[]).includes(value);
}

export const GET: RequestHandler = async (event) => {
	const chartId = event.params.chart;
	if (!isChartId(chartId)) error(404, 'No such chart');
	const params = readReportParams(event.url, getConfig().CASEBOOK_TIME_ZONE);
	const result = await formAction(() =>
		serverCaller(event).reports.chart({ chart: chartId, filters: params })
	);
	if (isFailure(result)) {
		const fields = Object.entries(result.data.fieldErrors)
			.map(([field, messages]) => `${field.replace(/^filters\./, '')}: ${messages.join(' ')}`)
			.join('\n');
		return new Response(`${result.data.message}\n${fields}\n`, {
			status: result.status,
			headers: { 'content-type': 'text/plain; charset=utf-8' }
		});
	}
	const name = `casebook-${chartId}-${params.from}-to-${params.to}.csv`;
	return new Response(toCsv(result.columns, result.rows), {
		headers: {
			'content-type': 'text/csv; charset=utf-8',
			'content-disposition': `attachment; filename="${name}"`,
			'cache-control': 'no-store'
		}
	});
};
