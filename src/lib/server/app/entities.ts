// The explicit list of every entity: no folder scanning, so the web build, the worker on plain
// Node and the migration generator all see the same set.
import { AppointmentTypeSchema } from '../appointment-types/appointment-type.entity.ts';
import { AuditEventSchema } from '../audit/audit-event.entity.ts';
import { CaseTemplateRequestTypeSchema, CaseTemplateSchema } from '../case-templates/case-template.entity.ts';
import { AppointmentSchema } from '../appointments/appointment.entity.ts';
import { BodyPartSchema } from '../cases/body-part.entity.ts';
import { CaseAttachmentSchema, CaseSchema, CaseWarningSchema } from '../cases/case.entity.ts';
import { CaseEscalationStepSchema, CaseEventSchema, CaseTeamSchema } from '../routing/routing.entity.ts';
import { TeamMemberSchema, TeamSchema } from '../teams/team.entity.ts';
import { ServiceSchema } from '../services/service.entity.ts';
import { OneTimeTokenSchema } from '../auth/one-time-token.entity.ts';
import { SessionSchema } from '../auth/session.entity.ts';
import { UserSchema } from '../auth/user.entity.ts';
import { WorkerHeartbeatSchema } from '../jobs/worker-heartbeat.entity.ts';
import { NotificationSchema } from '../notifications/notification.entity.ts';
import { ClinicSettingsSchema } from '../settings/clinic-settings.entity.ts';
import { ContactSchema } from '../contacts/contact.entity.ts';
import { ConcessionTypeSchema } from '../patients/concession-type.entity.ts';
import { CustomFieldDefinitionSchema } from '../patients/custom-field-definition.entity.ts';
import { PatientSchema } from '../patients/patient.entity.ts';
import { PatientMergeSchema } from '../patients/patient-merge.entity.ts';
import { ApiKeySchema } from '../auth/api-key.entity.ts';
import { AppointmentRequestSchema } from '../appointment-requests/appointment-request.entity.ts';
import {
	PatientReplySchema,
	ReminderSettingsSchema,
	ScheduledReminderSchema
} from '../reminders/reminder.entity.ts';
import { PortalLinkSchema, PortalSessionSchema } from '../portal/portal.entity.ts';
import {
	WebhookAttemptSchema,
	WebhookDeliverySchema,
	WebhookEndpointSchema
} from '../webhooks/webhook.entity.ts';
import {
	CaseTemplateNoteTemplateSchema,
	NoteTemplateSchema,
	NoteTemplateVersionSchema
} from '../clinical-notes/note-template.entity.ts';
import { ClinicalNoteSchema } from '../clinical-notes/clinical-note.entity.ts';
import { CaseGoalSchema, GoalEventSchema, GoalValueSchema } from '../clinical-notes/case-goal.entity.ts';

export const entities = [
	NotificationSchema,
	WorkerHeartbeatSchema,
	UserSchema,
	SessionSchema,
	OneTimeTokenSchema,
	AuditEventSchema,
	ClinicSettingsSchema,
	ContactSchema,
	ConcessionTypeSchema,
	CustomFieldDefinitionSchema,
	PatientSchema,
	PatientMergeSchema,
	ApiKeySchema,
	ServiceSchema,
	AppointmentTypeSchema,
	CaseTemplateSchema,
	CaseTemplateRequestTypeSchema,
	BodyPartSchema,
	CaseSchema,
	CaseAttachmentSchema,
	CaseWarningSchema,
	AppointmentSchema,
	TeamSchema,
	TeamMemberSchema,
	CaseTeamSchema,
	CaseEscalationStepSchema,
	CaseEventSchema,
	PortalLinkSchema,
	PortalSessionSchema,
	AppointmentRequestSchema,
	WebhookEndpointSchema,
	WebhookDeliverySchema,
	WebhookAttemptSchema,
	ReminderSettingsSchema,
	ScheduledReminderSchema,
	PatientReplySchema,
	NoteTemplateSchema,
	NoteTemplateVersionSchema,
	CaseTemplateNoteTemplateSchema,
	ClinicalNoteSchema,
	CaseGoalSchema,
	GoalValueSchema,
	GoalEventSchema
];
