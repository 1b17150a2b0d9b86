// The patient portal's procedures. All but requestLink need a portal session, and every one of them
// works on the signed-in patient's own records only (the services scope by ctx.actor.patient).
import { z } from 'zod';
import {
	answerPrivacyPolicyInput,
	portalAppointmentOutput,
	portalCaseOutput,
	portalLinkTokenInput,
	portalMeOutput,
	portalRequestOutput,
	requestAppointmentInput,
	requestIdInput,
	requestPortalLinkInput,
	reservationIdInput,
	sendPortalLinkInput
} from '../../schemas/portal.ts';
import {
	pageOnlyProcedure,
	patientProcedure,
	publicProcedure,
	router,
	staffProcedure
} from '../trpc/init.ts';
import { beginPortalSession, requestPortalLink, sendPortalLink } from './portal-auth.service.ts';
import {
	answerPortalReservation,
	answerPrivacyPolicy,
	findPortalAppointments,
	findPortalCases,
	findPortalRequests,
	getPortalMe,
	getPortalReservation,
	requestAppointment,
	withdrawRequest
} from './portal.service.ts';

export const portalRouter = router({
	/** Public: answers the same whether or not the address is known; rate limited. */
	requestLink: publicProcedure
		.input(requestPortalLinkInput)
		.output(z.object({ channel: z.enum(['email', 'sms']) }))
		.mutation(({ ctx, input }) => requestPortalLink(ctx.em, ctx.actor, input)),
	/**
	 * Page-only: spends a sign-in link and answers with the new portal session's token, which only
	 * the link page may turn into its HttpOnly cookie (never over /api/trpc).
	 */
	beginSession: pageOnlyProcedure
		.input(portalLinkTokenInput)
		.output(z.object({ token: z.string(), next: z.string() }))
		.mutation(async ({ ctx, input }) => {
			const session = await beginPortalSession(ctx.em, ctx.actor, {
				token: input.token,
				userAgent: ctx.userAgent
			});
			return { token: session.token, next: session.next };
		}),
	me: patientProcedure.output(portalMeOutput).query(({ ctx }) => getPortalMe(ctx.em, ctx.actor)),
	answerPrivacyPolicy: patientProcedure
		.input(answerPrivacyPolicyInput)
		.mutation(({ ctx, input }) => answerPrivacyPolicy(ctx.em, ctx.actor, input)),
	cases: patientProcedure
		.output(z.array(portalCaseOutput))
		.query(({ ctx }) => findPortalCases(ctx.em, ctx.actor)),
	appointments: patientProcedure
		.output(z.array(portalAppointmentOutput))
		.query(({ ctx }) => findPortalAppointments(ctx.em, ctx.actor)),
	requests: patientProcedure
		.output(z.array(portalRequestOutput))
		.query(({ ctx }) => findPortalRequests(ctx.em, ctx.actor)),
	requestAppointment: patientProcedure
		.input(requestAppointmentInput)
		.output(portalRequestOutput)
		.mutation(({ ctx, input }) => requestAppointment(ctx.em, ctx.actor, input)),
	withdrawRequest: patientProcedure
		.input(requestIdInput)
		.mutation(({ ctx, input }) => withdrawRequest(ctx.em, ctx.actor, input.id)),
	reservation: patientProcedure
		.input(reservationIdInput)
		.output(portalAppointmentOutput)
		.query(({ ctx, input }) => getPortalReservation(ctx.em, ctx.actor, input.appointmentId)),
	confirmReservation: patientProcedure
		.input(reservationIdInput)
		.output(portalAppointmentOutput)
		.mutation(({ ctx, input }) => answerPortalReservation(ctx.em, ctx.actor, input.appointmentId, 'confirm')),
	declineReservation: patientProcedure
		.input(reservationIdInput)
		.output(portalAppointmentOutput)
		.mutation(({ ctx, input }) => answerPortalReservation(ctx.em, ctx.actor, input.appointmentId, 'decline'))
});

/** Staff: send a patient a portal sign-in link from their page. */
export const portalLinksRouter = router({
	send: staffProcedure
		.input(sendPortalLinkInput)
		.mutation(({ ctx, input }) => sendPortalLink(ctx.em, ctx.actor, input))
});
