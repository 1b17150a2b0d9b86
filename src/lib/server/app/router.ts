// The whole API: one router per feature.
import { appointmentTypesRouter } from '../appointment-types/appointment-types.router.ts';
import { appointmentsRouter } from '../appointments/appointments.router.ts';
import { apiKeysRouter } from '../auth/api-keys.router.ts';
import { casesRouter } from '../cases/cases.router.ts';
import { auditRouter } from '../audit/audit.router.ts';
import { caseTemplatesRouter } from '../case-templates/case-templates.router.ts';
import { bodyPartsRouter } from '../cases/body-parts.router.ts';
import { referrerRouter } from '../routing/referrer.router.ts';
import { teamsRouter } from '../teams/teams.router.ts';
import { servicesRouter } from '../services/services.router.ts';
import { accountRouter } from '../auth/account.router.ts';
import { contactsRouter } from '../contacts/contacts.router.ts';
import { healthRouter } from '../health/health.router.ts';
import { homeRouter } from '../home/home.router.ts';
import { notificationsRouter } from '../notifications/notifications.router.ts';
import { concessionTypesRouter } from '../patients/concession-types.router.ts';
import { customFieldsRouter } from '../patients/custom-fields.router.ts';
import { patientsRouter } from '../patients/patients.router.ts';
import { settingsRouter } from '../settings/settings.router.ts';
import { staffRouter } from '../staff/staff.router.ts';
import { appointmentRequestsRouter } from '../appointment-requests/appointment-requests.router.ts';
import { portalLinksRouter, portalRouter } from '../portal/portal.router.ts';
import { createCallerFactory, mergeRouters, router } from '../trpc/init.ts';
import { routingRouter } from '../routing/routing.router.ts';
import { reportsRouter } from '../reports/reports.router.ts';
import { webhooksRouter } from '../webhooks/webhooks.router.ts';
import { remindersRouter } from '../reminders/reminders.router.ts';
import { clinicalNotesRouter, noteTemplatesRouter } from '../clinical-notes/clinical-notes.router.ts';

export const appRouter = router({
	health: healthRouter,
	home: homeRouter,
	account: accountRouter,
	apiKeys: apiKeysRouter,
	webhooks: webhooksRouter,
	staff: staffRouter,
	settings: settingsRouter,
	audit: auditRouter,
	notifications: notificationsRouter,
	patients: patientsRouter,
	contacts: contactsRouter,
	customFields: customFieldsRouter,
	concessionTypes: concessionTypesRouter,
	services: servicesRouter,
	appointmentTypes: appointmentTypesRouter,
	bodyParts: bodyPartsRouter,
	cases: mergeRouters(casesRouter, routingRouter),
	appointments: appointmentsRouter,
	teams: teamsRouter,
	referrer: referrerRouter,
	portal: portalRouter,
	portalLinks: portalLinksRouter,
	appointmentRequests: appointmentRequestsRouter,
	reports: reportsRouter,
	reminders: remindersRouter,
	clinicalNotes: clinicalNotesRouter,
	admin: router({ caseTemplates: caseTemplatesRouter, noteTemplates: noteTemplatesRouter })
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
