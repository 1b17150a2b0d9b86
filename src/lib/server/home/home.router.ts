// Each role's home (issue 19): one procedure per section, each open to the roles it is for; the
// page asks for the sections its reader's roles allow. The system state is for admins (it names
// the schema, the worker and the message providers).
import { adminProcedure, roleProcedure, router, staffProcedure } from '../trpc/init.ts';
import {
	getPractitionerHome,
	getSchedulerHome,
	getSetupChecklist,
	getSystemStatus,
	getTeamHome,
	keepOutbox
} from './home.service.ts';

export const homeRouter = router({
	team: staffProcedure.query(({ ctx }) => getTeamHome(ctx.em, ctx.actor)),
	scheduler: roleProcedure('scheduler').query(({ ctx }) => getSchedulerHome(ctx.em, ctx.actor)),
	practitioner: roleProcedure('practitioner').query(({ ctx }) => getPractitionerHome(ctx.em, ctx.actor)),
	setup: adminProcedure.query(({ ctx }) => getSetupChecklist(ctx.em, ctx.actor)),
	status: adminProcedure.query(({ ctx }) => getSystemStatus(ctx.em)),
	keepOutbox: adminProcedure.mutation(({ ctx }) => keepOutbox(ctx.em, ctx.actor))
});
