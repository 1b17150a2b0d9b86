// The Reports page (issue 19): every chart for the filters in the URL (GET, so a view can be
// bookmarked). A bad filter shows next to its field; the charts wait for a good one.
import { getConfig } from '$lib/server/config';
import { serverCaller } from '$lib/server/app/caller';
import { formAction, isFailure } from '$lib/server/web/forms';
import { readReportParams, reportQuery } from './report-params.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const timeZone = getConfig().CASEBOOK_TIME_ZONE;
	const params = readReportParams(event.url, timeZone);
	const caller = serverCaller(event);
	const options = await caller.reports.filterOptions();
	const result = await formAction(() => caller.reports.dashboard(params));
	if (isFailure(result)) {
		return {
			params,
			options,
			query: reportQuery(params),
			timeZone,
			report: null,
			problem: { message: result.data.message, fieldErrors: result.data.fieldErrors }
		};
	}
	return { params, options, query: reportQuery(params), timeZone, report: result, problem: null };
};
