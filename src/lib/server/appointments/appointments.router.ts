// Appointments (issue 6): every staff role books and manages appointments; the calendar lists them.
import {
	appointmentFormOptionsOutput,
	appointmentIdInput,
	cancelAppointmentInput,
	createAppointmentInput,
	findAppointmentsInput,
	invoiceAppointmentInput,
	matchingCasesInput,
	rescheduleAppointmentInput,
	setAppointmentStatusInput,
	updateAppointmentNotesInput
} from '../../schemas/appointment.ts';
import { reserveAppointmentInput, reserveWithCaseInput } from '../../schemas/portal.ts';
import { roleProcedure, router, staffProcedure } from '../trpc/init.ts';
import { reserveAppointment, reserveAppointmentWithCase } from './reservations.service.ts';
import {
	appointmentFormOptions,
	cancelAppointment,
	createAppointment,
	findAppointments,
	findMatchingCases,
	getAppointment,
	invoiceAppointment,
	rescheduleAppointment,
	setAppointmentStatus,
	updateAppointmentNotes
} from './appointments.service.ts';

export const appointmentsRouter = router({
	find: staffProcedure
		.input(findAppointmentsInput)
		.query(({ ctx, input }) => findAppointments(ctx.em, ctx.actor, input)),
	get: staffProcedure
		.input(appointmentIdInput)
		.query(({ ctx, input }) => getAppointment(ctx.em, ctx.actor, input.id)),
	formOptions: staffProcedure
		.output(appointmentFormOptionsOutput)
		.query(({ ctx }) => appointmentFormOptions(ctx.em)),
	matchingCases: staffProcedure
		.input(matchingCasesInput)
		.query(({ ctx, input }) => findMatchingCases(ctx.em, ctx.actor, input)),
	create: staffProcedure
		.input(createAppointmentInput)
		.mutation(({ ctx, input }) => createAppointment(ctx.em, ctx.actor, input)),
	reschedule: staffProcedure
		.input(rescheduleAppointmentInput)
		.mutation(({ ctx, input }) => rescheduleAppointment(ctx.em, ctx.actor, input)),
	setStatus: staffProcedure
		.input(setAppointmentStatusInput)
		.mutation(({ ctx, input }) => setAppointmentStatus(ctx.em, ctx.actor, input)),
	cancel: staffProcedure
		.input(cancelAppointmentInput)
		.mutation(({ ctx, input }) => cancelAppointment(ctx.em, ctx.actor, input)),
	invoice: staffProcedure
		.input(invoiceAppointmentInput)
		.mutation(({ ctx, input }) => invoiceAppointment(ctx.em, ctx.actor, input)),
	/** Reserve a slot for a patient and send them a link to confirm it (seed 002). */
	reserve: roleProcedure('scheduler')
		.input(reserveAppointmentInput)
		.mutation(({ ctx, input }) => reserveAppointment(ctx.em, ctx.actor, input)),
	/** The same, with the case chosen or started on the same screen (the booking guide's one step). */
	reserveWithCase: roleProcedure('scheduler')
		.input(reserveWithCaseInput)
		.mutation(({ ctx, input }) => reserveAppointmentWithCase(ctx.em, ctx.actor, input)),
	updateNotes: staffProcedure
		.input(updateAppointmentNotesInput)
		.mutation(({ ctx, input }) => updateAppointmentNotes(ctx.em, ctx.actor, input))
});
