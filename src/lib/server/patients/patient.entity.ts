// A patient: every field of Cliniko's Patients resource. Phone numbers, medical alerts and custom
// field answers are small documents on the row; `searchText` is maintained by the service for the
// trigram index behind the free-text search.
import { defineEntity, p } from '@mikro-orm/postgresql';
import type { PhoneType, ReminderType } from '../../schemas/patient-enums.ts';
import { REMINDER_TYPES } from '../../schemas/patient-enums.ts';
import { Contact } from '../contacts/contact.entity.ts';
import { ConcessionType } from './concession-type.entity.ts';

export interface PhoneNumber {
	phoneType: PhoneType;
	/** E.164 */
	number: string;
}

export interface MedicalAlert {
	id: string;
	name: string;
	notes: string | null;
	createdAt: string;
	/** Set when the name or notes change (the REST API's updated_at). */
	updatedAt?: string;
}

/** Custom field answers, by token; names and types come from the clinic's definition on read. */
export interface CustomFieldAnswers {
	sections: {
		token: string;
		fields: {
			token: string;
			value?: string;
			options?: { token: string; selected: true }[];
			other?: { selected: boolean; value?: string };
		}[];
	}[];
}

const PatientSchema = defineEntity({
	name: 'Patient',
	tableName: 'patient',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		title: p.string().length(40).nullable(),
		firstName: p.string().length(120),
		lastName: p.string().length(120),
		preferredFirstName: p.string().length(120).nullable(),
		pronouns: p.string().length(60).nullable(),
		dateOfBirth: p.date().nullable(),
		sex: p.string().length(60).nullable(),
		genderIdentity: p.string().length(120).nullable(),
		/** Deprecated (Cliniko, 2018): returned, never written by Casebook. */
		gender: p.string().length(60).nullable(),
		email: p.string().length(254).nullable(),
		phoneNumbers: p.json<PhoneNumber[]>().default('[]'),
		address1: p.string().length(200).nullable(),
		address2: p.string().length(200).nullable(),
		address3: p.string().length(200).nullable(),
		city: p.string().length(120).nullable(),
		state: p.string().length(120).nullable(),
		postCode: p.string().length(20).nullable(),
		country: p.string().length(120).nullable(),
		timeZone: p.string().length(60).nullable(),
		occupation: p.string().length(200).nullable(),
		emergencyContact: p.text().nullable(),
		medicare: p.string().length(40).nullable(),
		medicareReferenceNumber: p.string().length(10).nullable(),
		dvaCardNumber: p.string().length(40).nullable(),
		notes: p.text().nullable(),
		appointmentNotes: p.text().nullable(),
		oldReferenceId: p.string().length(100).nullable(),
		referralSource: p.string().length(200).nullable(),
		reminderType: p.enum(REMINDER_TYPES).$type<ReminderType>().default('SMS & Email'),
		receivesConfirmationEmails: p.boolean().default(true),
		acceptedPrivacyPolicy: p.boolean().nullable(),
		privacyPolicyAnsweredAt: p.datetime().nullable(),
		acceptedEmailMarketing: p.boolean().default(false),
		acceptedSmsMarketing: p.boolean().default(false),
		invoiceDefaultTo: p.string().length(200).nullable(),
		invoiceEmail: p.string().length(254).nullable(),
		invoiceExtraInformation: p.text().nullable(),
		concessionType: () => p.manyToOne(ConcessionType).nullable().deleteRule('set null'),
		referringDoctor: () => p.manyToOne(Contact).nullable().deleteRule('set null').index(),
		medicalAlerts: p.json<MedicalAlert[]>().default('[]'),
		customFields: p.json<CustomFieldAnswers>().nullable(),
		searchText: p.text().default('').hidden(),
		archivedAt: p.datetime().nullable(),
		/** Set with archivedAt when this record was merged into another (Cliniko's merged_at). */
		mergedAt: p.datetime().nullable(),
		mergedWithPatient: () => p.manyToOne(Patient).nullable().deleteRule('set null').index(),
		deletedAt: p.datetime().nullable(),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	},
	// Every filter of `patients.find` has an index; the lists only ever show live rows.
	indexes: [
		{
			// The REST API's medical alert lookups by id (`medical_alerts @> ...`).
			name: 'patient_medical_alerts_index',
			expression:
				'create index "patient_medical_alerts_index" on "patient" using gin ("medical_alerts" jsonb_path_ops)'
		},
		{
			name: 'patient_search_trgm',
			expression: 'create index "patient_search_trgm" on "patient" using gin ("search_text" gin_trgm_ops)'
		},
		{
			name: 'patient_first_name_trgm',
			expression: 'create index "patient_first_name_trgm" on "patient" using gin ("first_name" gin_trgm_ops)'
		},
		{
			name: 'patient_last_name_trgm',
			expression: 'create index "patient_last_name_trgm" on "patient" using gin ("last_name" gin_trgm_ops)'
		},
		{
			name: 'patient_preferred_trgm',
			expression:
				'create index "patient_preferred_trgm" on "patient" using gin ("preferred_first_name" gin_trgm_ops)'
		},
		{
			name: 'patient_email_trgm',
			expression: 'create index "patient_email_trgm" on "patient" using gin ("email" gin_trgm_ops)'
		},
		// The list's sort keys (see SORTS in patients.queries.ts), so a page is an index range scan.
		{
			name: 'patient_active_last_first',
			expression: `create index "patient_active_last_first" on "patient" ((lower("last_name") || ' ' || lower("first_name")), "id") where "deleted_at" is null and "archived_at" is null`
		},
		{
			name: 'patient_active_first_last',
			expression: `create index "patient_active_first_last" on "patient" ((lower("first_name") || ' ' || lower("last_name")), "id") where "deleted_at" is null and "archived_at" is null`
		},
		{
			name: 'patient_active_created',
			expression: `create index "patient_active_created" on "patient" ("created_at", "id") where "deleted_at" is null and "archived_at" is null`
		},
		{
			name: 'patient_active_updated',
			expression: `create index "patient_active_updated" on "patient" ("updated_at", "id") where "deleted_at" is null and "archived_at" is null`
		},
		{
			name: 'patient_active_birth',
			expression: `create index "patient_active_birth" on "patient" ((coalesce("date_of_birth", 'infinity'::date)), "id") where "deleted_at" is null and "archived_at" is null`
		},
		{
			name: 'patient_archived_last_first',
			expression: `create index "patient_archived_last_first" on "patient" ((lower("last_name") || ' ' || lower("first_name")), "id") where "deleted_at" is null and "archived_at" is not null`
		},
		{
			name: 'patient_phone_numbers',
			expression:
				'create index "patient_phone_numbers" on "patient" using gin ("phone_numbers" jsonb_path_ops)'
		},
		{
			name: 'patient_archived_name',
			expression:
				'create index "patient_archived_name" on "patient" ("archived_at", "id") where "deleted_at" is null and "archived_at" is not null'
		},
		{
			name: 'patient_deleted_at',
			expression:
				'create index "patient_deleted_at" on "patient" ("deleted_at", "id") where "deleted_at" is not null'
		},
		{
			name: 'patient_birthday',
			expression:
				'create index "patient_birthday" on "patient" ((extract(month from "date_of_birth")), (extract(day from "date_of_birth")))'
		},
		{ properties: ['dateOfBirth'] },
		{ properties: ['createdAt'] },
		{ properties: ['updatedAt'] },
		{ properties: ['email'] },
		{ properties: ['oldReferenceId'] }
	]
});

export class Patient extends PatientSchema.class {}
PatientSchema.setClass(Patient);
export { PatientSchema };
