// Cliniko's Patients resource (seed 003) over Casebook's patient service: the request schemas (the
// shared patient rules under Cliniko's field names), the response shape with Cliniko's empty
// values ("" for unset text and times, null where Cliniko shows null), and the endpoints.
import { z } from 'zod';
import {
	DATE_FILTER_KINDS,
	patientFields,
	MAX_PHONE_NUMBERS,
	recordId,
	type FilterField,
	type PatientFields
} from '../../schemas/patient.ts';
import { CUSTOM_FIELD_TYPES, PHONE_TYPES, REMINDER_TYPES } from '../../schemas/patient-enums.ts';
import { phoneNumber } from '../../schemas/phone.ts';
import { getConfig } from '../config.ts';
import type { FieldErrors } from '../errors.ts';
import { addCustomFieldErrors } from '../patients/custom-fields.rules.ts';
import { getCustomFieldDefinition } from '../patients/custom-fields.service.ts';
import { findPatientPage, type PatientRecordSortField } from '../patients/patients.queries.ts';
import {
	archivePatient,
	createPatient,
	findPatientRecords,
	getPatient,
	PATIENT_ROLES,
	unarchivePatient,
	updatePatient,
	type PatientView
} from '../patients/patients.service.ts';
import { apiFieldErrors, emptyResponse, jsonResponse, snakeCase, validationFailed } from './http.ts';
import { pageLinks, parseListParams, withFilterErrors, type ListSpec } from './list-params.ts';
import type { ApiContext, ApiRoute } from './route.ts';
import { apiIssueMessage } from './zod-messages.ts';

// ---------------------------------------------------------------------------------------------
// Names

/** Casebook's patient fields → Cliniko's names, for everything the API writes. */
export const PATIENT_API_NAMES = {
	title: 'title',
	firstName: 'first_name',
	lastName: 'last_name',
	preferredFirstName: 'preferred_first_name',
	pronouns: 'pronouns',
	dateOfBirth: 'date_of_birth',
	sex: 'sex',
	genderIdentity: 'gender_identity',
	email: 'email',
	phoneNumbers: 'patient_phone_numbers',
	address1: 'address_1',
	address2: 'address_2',
	address3: 'address_3',
	city: 'city',
	state: 'state',
	postCode: 'post_code',
	country: 'country',
	timeZone: 'time_zone',
	occupation: 'occupation',
	emergencyContact: 'emergency_contact',
	medicare: 'medicare',
	medicareReferenceNumber: 'medicare_reference_number',
	dvaCardNumber: 'dva_card_number',
	notes: 'notes',
	appointmentNotes: 'appointment_notes',
	oldReferenceId: 'old_reference_id',
	referralSource: 'referral_source',
	reminderType: 'reminder_type',
	receivesConfirmationEmails: 'receives_confirmation_emails',
	acceptedPrivacyPolicy: 'accepted_privacy_policy',
	acceptedEmailMarketing: 'accepted_email_marketing',
	acceptedSmsMarketing: 'accepted_sms_marketing',
	invoiceDefaultTo: 'invoice_default_to',
	invoiceEmail: 'invoice_email',
	invoiceExtraInformation: 'invoice_extra_information',
	concessionTypeId: 'concession_type_id',
	referringDoctorId: 'referring_doctor_id',
	customFields: 'custom_fields'
} as const satisfies Partial<Record<keyof PatientFields, string>>;

function renamePatientField(field: string): string {
	return Object.hasOwn(PATIENT_API_NAMES, field)
		? PATIENT_API_NAMES[field as keyof typeof PATIENT_API_NAMES]
		: snakeCase(field);
}

// ---------------------------------------------------------------------------------------------
// Request bodies: the same field rules as the staff forms and tRPC, under Cliniko's names

/** An id as Cliniko clients send it: a number or a string of digits. */
export const apiId = z
	.union([z.string(), z.number().int().nonnegative()])
	.transform((v) => String(v))
	.pipe(recordId);

const country = () => getConfig().CASEBOOK_DEFAULT_COUNTRY;

function patientBodyShape() {
	const f = patientFields(country).shape;
	return {
		title: f.title,
		first_name: f.firstName,
		last_name: f.lastName,
		preferred_first_name: f.preferredFirstName,
		pronouns: f.pronouns,
		date_of_birth: f.dateOfBirth.describe('YYYY-MM-DD; "" or null when unknown'),
		sex: f.sex,
		gender_identity: f.genderIdentity,
		email: f.email,
		patient_phone_numbers: z
			.array(
				z.object({
					phone_type: z.enum(PHONE_TYPES, 'Choose Mobile, Home, Work, Fax or Other'),
					number: phoneNumber(country).describe(
						'Local numbers use the clinic country; stored and returned in E.164 (+61…)'
					)
				})
			)
			.max(MAX_PHONE_NUMBERS, `At most ${MAX_PHONE_NUMBERS} phone numbers`)
			.optional(),
		address_1: f.address1,
		address_2: f.address2,
		address_3: f.address3,
		city: f.city,
		state: f.state,
		post_code: f.postCode,
		country: f.country,
		time_zone: f.timeZone.describe('An IANA time zone such as Australia/Melbourne, or null'),
		occupation: f.occupation,
		emergency_contact: f.emergencyContact,
		medicare: f.medicare,
		medicare_reference_number: f.medicareReferenceNumber,
		dva_card_number: f.dvaCardNumber,
		notes: f.notes,
		appointment_notes: f.appointmentNotes,
		old_reference_id: f.oldReferenceId,
		referral_source: f.referralSource,
		reminder_type: f.reminderType,
		receives_confirmation_emails: f.receivesConfirmationEmails,
		accepted_privacy_policy: f.acceptedPrivacyPolicy.describe(
			'null: no response; true: accepted; false: declined'
		),
		accepted_email_marketing: f.acceptedEmailMarketing,
		accepted_sms_marketing: f.acceptedSmsMarketing,
		invoice_default_to: f.invoiceDefaultTo,
		invoice_email: f.invoiceEmail,
		invoice_extra_information: f.invoiceExtraInformation,
		concession_type_id: apiId.nullable().optional(),
		referring_doctor_id: apiId.nullable().optional().describe('A contact (referring doctor)'),
		custom_fields: z
			.unknown()
			.optional()
			.describe(
				"Cliniko's custom_fields object ({ sections: [{ token, fields: [{ token, value | options | other }] }] }), checked against the clinic's custom-field definition"
			)
	};
}

const BODY_NOTE =
	'Unknown and read-only properties (id, gender, links, …) are ignored: gender is deprecated, use sex and gender_identity.';

/** POST /patients: first_name and last_name are required. */
export const patientCreateBody = z.object(patientBodyShape()).describe(`A new patient. ${BODY_NOTE}`);
/** PUT /patients/:id: only the properties sent change. */
export const patientUpdateBody = z
	.object(patientBodyShape())
	.partial()
	.describe(`The properties to change; the others keep their values. ${BODY_NOTE}`);

type PatientBody = z.output<typeof patientUpdateBody>;

function toPatientFields(body: PatientBody): Partial<PatientFields> {
	const out: Record<string, unknown> = {};
	for (const [field, name] of Object.entries(PATIENT_API_NAMES)) {
		const value = (body as Record<string, unknown>)[name];
		if (value !== undefined) out[field] = value;
	}
	if (body.patient_phone_numbers !== undefined) {
		out.phoneNumbers = body.patient_phone_numbers.map((p) => ({ phoneType: p.phone_type, number: p.number }));
	}
	return out as Partial<PatientFields>;
}

/** A request body as patient fields, or a 422 naming every bad field (custom fields included). */
async function readPatientBody(
	ctx: ApiContext,
	schema: typeof patientCreateBody | typeof patientUpdateBody
): Promise<Partial<PatientFields>> {
	const body = ctx.body ?? {};
	const parsed = schema.safeParse(body, { error: apiIssueMessage });
	if (parsed.success) return toPatientFields(parsed.data);
	const fieldErrors: FieldErrors = {};
	for (const issue of parsed.error.issues) {
		(fieldErrors[issue.path.map(String).join('.')] ??= []).push(issue.message);
	}
	// The custom fields are checked against the clinic's definition in the same round.
	const customFields = (body as Record<string, unknown>).custom_fields;
	const merged = await addCustomFieldErrors(() => getCustomFieldDefinition(ctx.em), customFields, {});
	throw validationFailed(apiFieldErrors({ ...fieldErrors, ...merged }, renamePatientField));
}

// ---------------------------------------------------------------------------------------------
// Response shape

const linkTo = z.object({ links: z.object({ self: z.url() }) });
const timestamp = z.string().describe('UTC, ISO 8601 without fractions: 2013-03-26T14:00:00Z');
const blankable = (what: string) => z.string().describe(`${what}; "" when not set`);

const customFieldsView = z
	.object({
		sections: z.array(
			z.object({
				name: z.string(),
				token: z.string(),
				archived: z.boolean(),
				fields: z.array(
					z.object({
						name: z.string(),
						type: z.enum(CUSTOM_FIELD_TYPES),
						token: z.string(),
						archived: z.boolean(),
						value: z.string().optional(),
						options: z
							.array(
								z.object({
									name: z.string(),
									token: z.string(),
									archived: z.boolean(),
									selected: z.literal(true).optional()
								})
							)
							.optional(),
						other: z
							.object({
								enabled: z.boolean(),
								archived: z.boolean().optional(),
								selected: z.boolean(),
								value: z.string().optional()
							})
							.optional()
					})
				)
			})
		)
	})
	.describe('Answered custom fields with their names and types from the clinic definition');

export const patientResponse = z.object({
	accepted_privacy_policy: z.boolean().nullable(),
	accepted_email_marketing: z.boolean(),
	accepted_sms_marketing: z.boolean(),
	address_1: blankable('Address line 1'),
	address_2: blankable('Address line 2'),
	address_3: blankable('Address line 3'),
	archived_at: z.string().describe('When archived (UTC, ISO 8601); "" when not archived'),
	city: blankable('City'),
	country: blankable('Country'),
	created_at: timestamp,
	custom_fields: customFieldsView.nullable(),
	dva_card_number: blankable('DVA card number'),
	date_of_birth: z.string().describe('YYYY-MM-DD; "" when unknown'),
	deleted_at: z.string().describe('When deleted; "" when not deleted'),
	email: blankable('Email'),
	emergency_contact: blankable('Emergency contact'),
	first_name: z.string(),
	invoice_default_to: blankable('Invoice to'),
	invoice_email: blankable('Invoice email'),
	invoice_extra_information: blankable('Extra invoice information'),
	gender: blankable('Deprecated (read-only)'),
	gender_identity: z.string().nullable(),
	id: z.number().int(),
	last_name: z.string(),
	medicare: blankable('Medicare number'),
	medicare_reference_number: blankable('Medicare reference number'),
	notes: blankable('Notes'),
	appointment_notes: blankable('Appointment notes'),
	occupation: blankable('Occupation'),
	old_reference_id: blankable('Reference in a previous system'),
	patient_phone_numbers: z.array(z.object({ phone_type: z.enum(PHONE_TYPES), number: z.string() })),
	post_code: blankable('Post code'),
	preferred_first_name: z.string().nullable(),
	pronouns: z.string().nullable(),
	receives_confirmation_emails: z.boolean(),
	referral_source: blankable('Referral source'),
	reminder_type: z.enum(REMINDER_TYPES),
	sex: z.string().nullable(),
	state: blankable('State'),
	title: blankable('Title'),
	time_zone: z.string().nullable().describe('IANA time zone, or null when not set'),
	updated_at: timestamp,
	merged_at: z
		.string()
		.optional()
		.describe(
			'When this record was merged into merged_with_patient (UTC); present on a merged patient, and "" on the other archived ones in the archived list'
		),
	merged_with_patient: linkTo
		.optional()
		.describe('Present on a merged patient: the record it was merged into'),
	concession_type: linkTo.optional().describe('Present when the patient has a concession type'),
	referring_doctor: linkTo.optional().describe('Present when the patient has a referring doctor (a contact)'),
	medical_alerts: linkTo,
	invoices: linkTo,
	appointments: linkTo,
	links: z.object({ self: z.url() })
});
export type ApiPatient = z.infer<typeof patientResponse>;

export const deletedPatientResponse = z.object({
	deleted_at: timestamp,
	links: z.object({ self: z.url() })
});

/** Cliniko writes times without fractions of a second. */
export function apiTime(date: Date): string {
	return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const link = (self: string) => ({ links: { self } });

export function patientUrl(origin: string, id: string): string {
	return `${origin}/api/v1/patients/${id}`;
}

export function patientToApi(p: PatientView, origin: string): ApiPatient {
	const self = patientUrl(origin, p.id);
	const blank = (value: string | null) => value ?? '';
	return {
		accepted_privacy_policy: p.acceptedPrivacyPolicy,
		accepted_email_marketing: p.acceptedEmailMarketing,
		accepted_sms_marketing: p.acceptedSmsMarketing,
		address_1: blank(p.address1),
		address_2: blank(p.address2),
		address_3: blank(p.address3),
		archived_at: p.archivedAt ? apiTime(p.archivedAt) : '',
		city: blank(p.city),
		country: blank(p.country),
		created_at: apiTime(p.createdAt),
		custom_fields: p.customFields,
		dva_card_number: blank(p.dvaCardNumber),
		date_of_birth: blank(p.dateOfBirth),
		deleted_at: p.deletedAt ? apiTime(p.deletedAt) : '',
		email: blank(p.email),
		emergency_contact: blank(p.emergencyContact),
		first_name: p.firstName,
		invoice_default_to: blank(p.invoiceDefaultTo),
		invoice_email: blank(p.invoiceEmail),
		invoice_extra_information: blank(p.invoiceExtraInformation),
		gender: blank(p.gender),
		gender_identity: p.genderIdentity,
		id: Number(p.id),
		last_name: p.lastName,
		medicare: blank(p.medicare),
		medicare_reference_number: blank(p.medicareReferenceNumber),
		notes: blank(p.notes),
		appointment_notes: blank(p.appointmentNotes),
		occupation: blank(p.occupation),
		old_reference_id: blank(p.oldReferenceId),
		patient_phone_numbers: p.phoneNumbers.map((n) => ({ phone_type: n.phoneType, number: n.number })),
		post_code: blank(p.postCode),
		preferred_first_name: p.preferredFirstName,
		pronouns: p.pronouns,
		receives_confirmation_emails: p.receivesConfirmationEmails,
		referral_source: blank(p.referralSource),
		reminder_type: p.reminderType,
		sex: p.sex,
		state: blank(p.state),
		title: blank(p.title),
		time_zone: p.timeZone,
		updated_at: apiTime(p.updatedAt),
		...(p.mergedAt
			? {
					merged_at: apiTime(p.mergedAt),
					...(p.mergedWithPatient
						? { merged_with_patient: link(patientUrl(origin, p.mergedWithPatient.id)) }
						: {})
				}
			: {}),
		...(p.concessionType
			? { concession_type: link(`${origin}/api/v1/concession_types/${p.concessionType.id}`) }
			: {}),
		...(p.referringDoctor
			? { referring_doctor: link(`${origin}/api/v1/contacts/${p.referringDoctor.id}`) }
			: {}),
		medical_alerts: link(`${self}/medical_alerts?page=1`),
		invoices: link(`${self}/invoices?page=1`),
		appointments: link(`${self}/appointments?page=1`),
		links: { self }
	};
}

// ---------------------------------------------------------------------------------------------
// Lists

/** Seed 003's filterable fields. */
const PATIENT_FILTERS = {
	created_at: 'createdAt',
	date_of_birth: 'dateOfBirth',
	email: 'email',
	first_name: 'firstName',
	id: 'id',
	last_name: 'lastName',
	old_reference_id: 'oldReferenceId',
	updated_at: 'updatedAt'
} as const satisfies Record<string, FilterField>;

const PATIENT_SORTS = {
	id: 'id',
	first_name: 'firstName',
	last_name: 'lastName',
	created_at: 'createdAt',
	updated_at: 'updatedAt',
	date_of_birth: 'dateOfBirth',
	archived_at: 'archivedAt',
	deleted_at: 'deletedAt'
} as const satisfies Record<string, PatientRecordSortField>;

const PATIENT_LIST: ListSpec<FilterField, PatientRecordSortField> = {
	filters: PATIENT_FILTERS,
	sorts: PATIENT_SORTS,
	dates: DATE_FILTER_KINDS
};

function listDoc(extra: string[] = []) {
	return {
		filters: {
			created_at: 'DateTime',
			date_of_birth: 'Date (wildcards: ****-05-**)',
			email: 'String',
			first_name: 'String',
			id: 'Integer',
			last_name: 'String',
			old_reference_id: 'String',
			updated_at: 'DateTime'
		},
		sorts: [...Object.keys(PATIENT_SORTS), ...extra],
		defaultSort: 'id'
	};
}

async function listPatients(ctx: ApiContext, status: 'active' | 'archived'): Promise<Response> {
	const params = parseListParams(ctx.url, PATIENT_LIST);
	const { items, total } = await withFilterErrors(params, PATIENT_FILTERS, () =>
		findPatientRecords(ctx.em, ctx.actor, status, params)
	);
	return jsonResponse({
		patients: items.map((p) => ({
			...(status === 'archived' ? { merged_at: '' } : {}),
			...patientToApi(p, ctx.origin)
		})),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

async function listDeletedPatients(ctx: ApiContext): Promise<Response> {
	const params = parseListParams(ctx.url, PATIENT_LIST);
	const { rows, total } = await withFilterErrors(params, PATIENT_FILTERS, () =>
		findPatientPage(ctx.em, 'deleted', params)
	);
	return jsonResponse({
		patients: rows.map((r) => ({
			deleted_at: r.deletedAt ? apiTime(r.deletedAt) : '',
			links: { self: patientUrl(ctx.origin, r.id) }
		})),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

// ---------------------------------------------------------------------------------------------
// Endpoints

const patientAccess = { roles: PATIENT_ROLES };
const notFound = { description: 'No live patient with that id', schema: 'Error' };

export const patientRoutes: ApiRoute[] = [
	{
		method: 'GET',
		path: '/patients',
		operationId: 'listPatients',
		summary: 'Get patients',
		description: 'Live patients (not archived, not deleted).',
		tag: 'Patients',
		access: patientAccess,
		list: listDoc(),
		responses: { 200: { description: 'A page of patients', schema: 'PatientList' } },
		handle: (ctx) => listPatients(ctx, 'active')
	},
	{
		method: 'GET',
		path: '/patients/deleted',
		operationId: 'listDeletedPatients',
		summary: 'Get deleted patients',
		description: 'Only when each was deleted, and its link.',
		tag: 'Patients',
		access: patientAccess,
		list: listDoc(),
		responses: { 200: { description: 'A page of deleted patients', schema: 'DeletedPatientList' } },
		handle: listDeletedPatients
	},
	{
		method: 'GET',
		path: '/patients/archived',
		operationId: 'listArchivedPatients',
		summary: 'Get archived patients',
		tag: 'Patients',
		access: patientAccess,
		list: listDoc(),
		responses: { 200: { description: 'A page of archived patients', schema: 'ArchivedPatientList' } },
		handle: (ctx) => listPatients(ctx, 'archived')
	},
	{
		method: 'GET',
		path: '/patients/{id}',
		operationId: 'getPatient',
		summary: 'Get a patient',
		description: 'Live or archived; a deleted patient answers 404.',
		tag: 'Patients',
		access: patientAccess,
		responses: { 200: { description: 'The patient', schema: 'Patient' }, 404: notFound },
		handle: async (ctx) =>
			jsonResponse(patientToApi(await getPatient(ctx.em, ctx.actor, ctx.params.id!), ctx.origin))
	},
	{
		method: 'POST',
		path: '/patients',
		operationId: 'createPatient',
		summary: 'Create a patient',
		description:
			'first_name and last_name are required. Unlike the staff form, the API does not stop at likely duplicates (as Cliniko).',
		tag: 'Patients',
		access: patientAccess,
		isWrite: true,
		rename: renamePatientField,
		body: { schema: 'PatientCreate', zod: patientCreateBody },
		responses: {
			201: {
				description: 'Created',
				schema: 'Patient',
				headers: { Location: 'The new patient’s URL' }
			},
			422: { description: 'Validation Failed', schema: 'ValidationError' }
		},
		handle: async (ctx) => {
			const input = await readPatientBody(ctx, patientCreateBody);
			const patient = await createPatient(ctx.em, ctx.actor, {
				...(input as PatientFields),
				allowDuplicates: true
			});
			return jsonResponse(patientToApi(patient, ctx.origin), 201, {
				Location: patientUrl(ctx.origin, patient.id)
			});
		}
	},
	{
		method: 'PUT',
		path: '/patients/{id}',
		operationId: 'updatePatient',
		summary: 'Update a patient',
		description: 'Changes only the properties sent. PATCH is accepted too.',
		tag: 'Patients',
		access: patientAccess,
		isWrite: true,
		rename: renamePatientField,
		body: { schema: 'PatientUpdate', zod: patientUpdateBody },
		responses: {
			200: { description: 'The updated patient', schema: 'Patient' },
			404: notFound,
			422: { description: 'Validation Failed', schema: 'ValidationError' }
		},
		handle: updatePatientRoute
	},
	{
		method: 'POST',
		path: '/patients/{id}/archive',
		operationId: 'archivePatient',
		summary: 'Archive a patient',
		tag: 'Patients',
		access: patientAccess,
		responses: {
			204: { description: 'Archived (no content)' },
			404: notFound,
			409: { description: 'Already archived', schema: 'Error' }
		},
		handle: async (ctx) => {
			await archivePatient(ctx.em, ctx.actor, ctx.params.id!, ctx.now);
			return emptyResponse(204);
		}
	},
	{
		method: 'POST',
		path: '/patients/{id}/unarchive',
		operationId: 'unarchivePatient',
		summary: 'Unarchive a patient',
		tag: 'Patients',
		access: patientAccess,
		responses: {
			200: { description: 'The patient, no longer archived', schema: 'Patient' },
			404: notFound,
			409: { description: 'Not archived', schema: 'Error' }
		},
		handle: async (ctx) =>
			jsonResponse(
				patientToApi(await unarchivePatient(ctx.em, ctx.actor, ctx.params.id!, ctx.now), ctx.origin)
			)
	}
];

async function updatePatientRoute(ctx: ApiContext): Promise<Response> {
	const input = await readPatientBody(ctx, patientUpdateBody);
	const patient = await updatePatient(ctx.em, ctx.actor, { ...input, id: ctx.params.id! });
	return jsonResponse(patientToApi(patient, ctx.origin));
}

/** PATCH behaves as PUT (Cliniko's newer endpoints use PATCH). */
patientRoutes.push({
	...patientRoutes.find((r) => r.operationId === 'updatePatient')!,
	method: 'PATCH',
	operationId: 'patchPatient',
	summary: 'Update a patient (PATCH)'
});
