// Reports (issue 19): any staff role may open them; what a caller sees is narrowed in the service
// (a practitioner sees their own figures only, see reports.service.ts).
import { reportChartInput, reportFilters } from '../../schemas/reports.ts';
import { roleProcedure, router } from '../trpc/init.ts';
import { getReportChart, getReports, reportFilterOptions } from './reports.service.ts';

const reportsProcedure = roleProcedure('scheduler', 'practitioner');

export const reportsRouter = router({
	filterOptions: reportsProcedure.query(({ ctx }) => reportFilterOptions(ctx.em, ctx.actor)),
	dashboard: reportsProcedure
		.input(reportFilters)
		.query(({ ctx, input }) => getReports(ctx.em, ctx.actor, input)),
	chart: reportsProcedure
		.input(reportChartInput)
		.query(({ ctx, input }) => getReportChart(ctx.em, ctx.actor, input))
});
