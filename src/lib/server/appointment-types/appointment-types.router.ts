import { adminProcedure, router, staffProcedure } from '../trpc/init.ts';
import {
	appointmentTypeIdInput,
	createAppointmentTypeInput,
	findAppointmentTypesInput,
	updateAppointmentTypeInput
} from './appointment-types.schemas.ts';
import {
	createAppointmentType,
	findAppointmentTypes,
	getAppointmentType,
	updateAppointmentType
} from './appointment-types.service.ts';

export const appointmentTypesRouter = router({
	find: staffProcedure
		.input(findAppointmentTypesInput)
		.query(({ ctx, input }) => findAppointmentTypes(ctx.em, input)),
	get: staffProcedure
		.input(appointmentTypeIdInput)
		.query(({ ctx, input }) => getAppointmentType(ctx.em, input.id)),
	create: adminProcedure
		.input(createAppointmentTypeInput)
		.mutation(({ ctx, input }) => createAppointmentType(ctx.em, ctx.actor, input)),
	update: adminProcedure
		.input(updateAppointmentTypeInput)
		.mutation(({ ctx, input }) => updateAppointmentType(ctx.em, ctx.actor, input))
});
