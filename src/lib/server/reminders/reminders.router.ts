import { z } from 'zod';
import { reminderSettingsInput } from '../../schemas/reminders.ts';
import { adminProcedure, roleProcedure, router, staffProcedure } from '../trpc/init.ts';
import {
	getPatientCommunications,
	getReminderSettings,
	listPatientReplies,
	listScheduledReminders,
	markReplyHandled,
	previewValues,
	updateReminderSettings
} from './reminders.service.ts';

const id = z.string().regex(/^\d{1,18}$/, 'Not a valid id');

export const remindersRouter = router({
	settings: adminProcedure.query(({ ctx }) => getReminderSettings(ctx.em)),
	preview: adminProcedure.query(({ ctx }) => previewValues(ctx.em)),
	updateSettings: adminProcedure
		.input(reminderSettingsInput)
		.mutation(({ ctx, input }) => updateReminderSettings(ctx.em, ctx.actor, input)),
	forAppointment: staffProcedure
		.input(z.object({ appointmentId: id }))
		.query(({ ctx, input }) => listScheduledReminders(ctx.em, input.appointmentId)),
	forPatient: staffProcedure
		.input(z.object({ patientId: id }))
		.query(({ ctx, input }) => getPatientCommunications(ctx.em, ctx.actor, input.patientId)),
	replies: roleProcedure('scheduler')
		.input(z.object({ includeHandled: z.boolean().default(false) }).default({ includeHandled: false }))
		.query(({ ctx, input }) => listPatientReplies(ctx.em, input)),
	markReplyHandled: roleProcedure('scheduler')
		.input(z.object({ id }))
		.mutation(({ ctx, input }) => markReplyHandled(ctx.em, ctx.actor, input.id))
});
