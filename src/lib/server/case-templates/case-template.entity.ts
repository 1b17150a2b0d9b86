// An admin-defined kind of case (seed 001): its services (more than one = a shared case) and the
// Appointment Requests settings: which appointment types patients on such a case may request in
// the portal, each with the duration offered. Cases refer to their template; they never copy it.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { Service } from '../services/service.entity.ts';

const CaseTemplateSchema = defineEntity({
	name: 'CaseTemplate',
	tableName: 'case_template',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		name: p.string().length(120),
		description: p.text().nullable(),
		services: () => p.manyToMany(Service).pivotTable('case_template_service').owner(),
		isActive: p.boolean().default(true),
		/** Patients on cases from this template may request appointments in the portal. */
		allowsRequests: p.boolean().default(false),
		requestableTypes: () => p.oneToMany(CaseTemplateRequestType).mappedBy('template').orphanRemoval(),
		archivedAt: p.datetime().nullable(),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	},
	indexes: [
		{
			name: 'case_template_active_name_unique',
			expression:
				'create unique index "case_template_active_name_unique" on "case_template" (lower("name")) where "is_active"'
		}
	]
});

export class CaseTemplate extends CaseTemplateSchema.class {}
CaseTemplateSchema.setClass(CaseTemplate);

/** One appointment type a template lets patients request, with the duration offered. */
const CaseTemplateRequestTypeSchema = defineEntity({
	name: 'CaseTemplateRequestType',
	tableName: 'case_template_request_type',
	properties: {
		template: () => p.manyToOne(CaseTemplate).primary().deleteRule('cascade'),
		appointmentType: () => p.manyToOne(AppointmentType).primary().deleteRule('cascade'),
		/** Minutes: 5 to 480 in steps of 5. */
		durationMinutes: p
			.integer()
			.check('(((duration_minutes >= 5) AND (duration_minutes <= 480)) AND ((duration_minutes % 5) = 0))')
	}
});

export class CaseTemplateRequestType extends CaseTemplateRequestTypeSchema.class {}
CaseTemplateRequestTypeSchema.setClass(CaseTemplateRequestType);
export { CaseTemplateSchema, CaseTemplateRequestTypeSchema };
