// The OpenAPI 3.1 document of /api/v1, generated from the route table and the same zod schemas
// that validate requests (z.toJSONSchema: request bodies as input, responses as output).
import { z } from 'zod';
import { MAX_PER_PAGE, DEFAULT_PER_PAGE } from './list-params.ts';
import { API_RATE_LIMIT } from './rate-limit.ts';
import {
	patientCaseCreateBody,
	patientCaseResponse,
	patientCaseUpdateBody
} from './patient-cases.resource.ts';
import {
	deletedPatientResponse,
	patientCreateBody,
	patientResponse,
	patientUpdateBody
} from './patients.resource.ts';
import { concessionTypeResponse } from './concession-types.resource.ts';
import {
	medicalAlertCreateBody,
	medicalAlertResponse,
	medicalAlertUpdateBody
} from './medical-alerts.resource.ts';
import {
	attendeeResponse,
	bookingResponse,
	cancelBody,
	conflictsResponse,
	individualAppointmentCreateBody,
	individualAppointmentResponse,
	individualAppointmentUpdateBody,
	legacyAppointmentResponse
} from './appointments.resource.ts';
import { appointmentTypeResponse, practitionerResponse } from './practitioners.resource.ts';
import { contactResponse } from './contacts.resource.ts';
import { patientAttachmentResponse } from './patient-attachments.resource.ts';
import { invoiceListResponse } from './invoices.resource.ts';
import { treatmentNoteResponse, treatmentNoteTemplateResponse } from './treatment-notes.resource.ts';
import type { ApiRoute } from './route.ts';
import { teamCaseSchemas } from './team-cases.resource.ts';
import { apiRoutes } from './routes.ts';

type JsonSchema = Record<string, unknown>;

const pageLinks = z
	.object({
		self: z.url(),
		next: z.url().optional().describe('Only when there is a next page'),
		previous: z.url().optional().describe('Only when there is a previous page')
	})
	.describe('Absolute URLs of this page and its neighbours; follow them rather than building your own');

const errorBody = z.object({ message: z.string() }).describe('Every 4xx and 5xx answer is JSON');

const validationError = z.object({
	message: z.literal('Validation Failed'),
	errors: z
		.record(z.string(), z.string())
		.describe(
			'Every bad field, by its API name; nested fields by their dotted path (patient_phone_numbers.0.number, custom_fields.sections.0.fields.1.value)'
		)
});

function list(name: string, item: string): JsonSchema {
	return {
		type: 'object',
		required: [name, 'total_entries', 'links'],
		properties: {
			[name]: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
			total_entries: { type: 'integer', description: 'How many match, over every page' },
			links: { $ref: '#/components/schemas/PageLinks' }
		}
	};
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
	const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
	return rest;
}

export function componentSchemas(): Record<string, JsonSchema> {
	return {
		Patient: schemaOf(patientResponse, 'output'),
		PatientCreate: schemaOf(patientCreateBody, 'input'),
		PatientUpdate: schemaOf(patientUpdateBody, 'input'),
		DeletedPatient: schemaOf(deletedPatientResponse, 'output'),
		PatientList: list('patients', 'Patient'),
		ArchivedPatientList: list('patients', 'Patient'),
		DeletedPatientList: list('patients', 'DeletedPatient'),
		PatientCase: schemaOf(patientCaseResponse, 'output'),
		PatientCaseCreate: schemaOf(patientCaseCreateBody, 'input'),
		PatientCaseUpdate: schemaOf(patientCaseUpdateBody, 'input'),
		PatientCaseList: list('patient_cases', 'PatientCase'),
		ConcessionType: schemaOf(concessionTypeResponse, 'output'),
		ConcessionTypeList: list('concession_types', 'ConcessionType'),
		MedicalAlert: schemaOf(medicalAlertResponse, 'output'),
		MedicalAlertCreate: schemaOf(medicalAlertCreateBody, 'input'),
		MedicalAlertUpdate: schemaOf(medicalAlertUpdateBody, 'input'),
		MedicalAlertList: list('medical_alerts', 'MedicalAlert'),
		IndividualAppointment: schemaOf(individualAppointmentResponse, 'output'),
		IndividualAppointmentCreate: schemaOf(individualAppointmentCreateBody, 'input'),
		IndividualAppointmentUpdate: schemaOf(individualAppointmentUpdateBody, 'input'),
		IndividualAppointmentCancel: schemaOf(cancelBody, 'input'),
		IndividualAppointmentList: list('individual_appointments', 'IndividualAppointment'),
		PatientAppointmentList: list('appointments', 'IndividualAppointment'),
		Conflicts: schemaOf(conflictsResponse, 'output'),
		Appointment: schemaOf(legacyAppointmentResponse, 'output'),
		AppointmentList: list('appointments', 'Appointment'),
		Booking: schemaOf(bookingResponse, 'output'),
		BookingList: list('bookings', 'Booking'),
		Attendee: schemaOf(attendeeResponse, 'output'),
		AttendeeList: list('attendees', 'Attendee'),
		Practitioner: schemaOf(practitionerResponse, 'output'),
		PractitionerList: list('practitioners', 'Practitioner'),
		AppointmentType: schemaOf(appointmentTypeResponse, 'output'),
		AppointmentTypeList: list('appointment_types', 'AppointmentType'),
		Contact: schemaOf(contactResponse, 'output'),
		ContactList: list('contacts', 'Contact'),
		PatientAttachment: schemaOf(patientAttachmentResponse, 'output'),
		PatientAttachmentList: list('patient_attachments', 'PatientAttachment'),
		InvoiceList: schemaOf(invoiceListResponse, 'output'),
		TeamCase: schemaOf(teamCaseSchemas.teamCaseResponse, 'output'),
		TeamCaseCreate: schemaOf(teamCaseSchemas.teamCaseCreateBody, 'input'),
		TeamCaseCreateMultipart: schemaOf(teamCaseSchemas.teamCaseCreateMultipart, 'input'),
		TeamCaseList: list('team_cases', 'TeamCase'),
		TreatmentNote: schemaOf(treatmentNoteResponse, 'output'),
		TreatmentNoteList: list('treatment_notes', 'TreatmentNote'),
		TreatmentNoteTemplate: schemaOf(treatmentNoteTemplateResponse, 'output'),
		TreatmentNoteTemplateList: list('treatment_note_templates', 'TreatmentNoteTemplate'),
		PageLinks: schemaOf(pageLinks, 'output'),
		Error: schemaOf(errorBody, 'output'),
		ValidationError: schemaOf(validationError, 'output')
	};
}

const RATE_HEADERS = {
	'X-RateLimit-Limit': { description: 'Requests allowed per window', schema: { type: 'integer' } },
	'X-RateLimit-Remaining': { description: 'Requests left in this window', schema: { type: 'integer' } },
	'X-RateLimit-Reset': {
		description: 'When the window resets (Unix time, seconds)',
		schema: { type: 'integer' }
	}
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ 'application/json': { schema: ref(name) } });

function listParameters(route: ApiRoute): unknown[] {
	const doc = route.list!;
	const filters = Object.entries(doc.filters)
		.map(([name, type]) => `${name} (${type})`)
		.join(', ');
	return [
		{ name: 'page', in: 'query', description: 'From 1', schema: { type: 'integer', minimum: 1, default: 1 } },
		{
			name: 'per_page',
			in: 'query',
			schema: { type: 'integer', minimum: 1, maximum: MAX_PER_PAGE, default: DEFAULT_PER_PAGE }
		},
		{
			name: 'sort',
			in: 'query',
			description: `Comma-separated fields, each optionally :asc or :desc (default ${doc.defaultSort}). Fields: ${doc.sorts.join(', ')}`,
			schema: { type: 'string' },
			example: 'last_name,created_at:desc'
		},
		{
			name: 'order',
			in: 'query',
			description: 'Default direction for sort fields without one',
			schema: { type: 'string', enum: ['asc', 'desc'] }
		},
		{
			name: 'q[]',
			in: 'query',
			description: `Filters field:OPERATORvalue, all of which must hold. Operators: = != < <= > >= ~ (contains) ~~ (wildcard with %) ? (is set) !? (is not set); dates take * wildcards (date_of_birth:=****-05-**). Fields: ${filters}`,
			style: 'form',
			explode: true,
			schema: { type: 'array', items: { type: 'string' } },
			example: ['last_name:~son', 'date_of_birth:=****-05-**']
		}
	];
}

function requestContent(body: NonNullable<ApiRoute['body']>): Record<string, unknown> {
	if (!body.multipart) return json(body.schema);
	return { ...json(body.schema), 'multipart/form-data': { schema: ref(body.multipart) } };
}

function operation(route: ApiRoute): Record<string, unknown> {
	const parameters: unknown[] = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
		name: m[1],
		in: 'path',
		required: true,
		schema: { type: 'string', pattern: '^\\d{1,18}$' }
	}));
	if (route.list) parameters.push(...listParameters(route));
	const responses: Record<string, unknown> = {};
	for (const [status, spec] of Object.entries(route.responses)) {
		const headers: Record<string, unknown> = { ...RATE_HEADERS };
		for (const [name, description] of Object.entries(spec.headers ?? {}))
			headers[name] = { description, schema: { type: 'string' } };
		responses[status] = {
			description: spec.description,
			headers,
			...(spec.schema ? { content: json(spec.schema) } : {})
		};
	}
	if (route.list)
		responses['400'] = { description: 'A bad page, sort or filter (named)', content: json('Error') };
	responses['401'] = { description: 'No API key, or not a valid one', content: json('Error') };
	responses['403'] = { description: 'The key’s user may not do this', content: json('Error') };
	responses['429'] = {
		description: `Over ${API_RATE_LIMIT.points} requests in ${API_RATE_LIMIT.windowSeconds} seconds`,
		headers: {
			...RATE_HEADERS,
			'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } }
		},
		content: json('Error')
	};
	if (route.body) responses['400'] ??= { description: 'Malformed JSON', content: json('Error') };
	return {
		operationId: route.operationId,
		summary: route.summary,
		...(route.description ? { description: route.description } : {}),
		tags: [route.tag],
		...(parameters.length ? { parameters } : {}),
		...(route.body ? { requestBody: { required: true, content: requestContent(route.body) } } : {}),
		responses
	};
}

export function buildOpenApi(origin: string): Record<string, unknown> {
	const paths: Record<string, Record<string, unknown>> = {};
	for (const route of apiRoutes) {
		(paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
	}
	paths['/openapi.json'] = {
		get: {
			operationId: 'getOpenApi',
			summary: 'This document',
			tags: ['API'],
			security: [],
			responses: { '200': { description: 'The OpenAPI 3.1 document', content: { 'application/json': {} } } }
		}
	};
	return {
		openapi: '3.1.0',
		info: {
			title: 'Casebook API',
			version: '1',
			description:
				'Patients, patient cases, medical alerts, appointments, practitioners, appointment types, contacts, attachments and concession types, compatible with Cliniko’s API v1. Authenticate with HTTP Basic: your API key (My account → API keys) as the user name and an empty password. ' +
				`Each key may make ${API_RATE_LIMIT.points} requests per minute. A key acts as its user: the same permissions, rules and audit trail as the app.`
		},
		servers: [{ url: `${origin}/api/v1` }],
		security: [{ apiKey: [] }],
		tags: [
			{ name: 'Patients', description: 'Cliniko’s Patients resource' },
			{
				name: 'Patient cases',
				description: 'Cliniko’s Patient Cases resource, on Casebook’s treatment cases'
			},
			{ name: 'Concession types', description: 'Cliniko’s Concession Types resource (read-only)' },
			{
				name: 'Medical alerts',
				description: 'Cliniko’s Medical Alerts resource, on the alerts of a patient record'
			},
			{
				name: 'Individual appointments',
				description: 'Cliniko’s Individual Appointments resource: booking with the same rules as the calendar'
			},
			{ name: 'Appointments', description: 'Cliniko’s older Appointments resource (read-only)' },
			{ name: 'Bookings', description: 'Cliniko’s Bookings resource (read-only): individual appointments' },
			{ name: 'Attendees', description: 'Cliniko’s Attendees (read-only): one per appointment, with its id' },
			{ name: 'Practitioners', description: 'Cliniko’s Practitioners resource (read-only)' },
			{ name: 'Appointment types', description: 'Cliniko’s Appointment Types resource (read-only)' },
			{
				name: 'Contacts',
				description: 'Cliniko’s Contacts resource (read-only), and a patient’s referring doctor'
			},
			{
				name: 'Patient attachments',
				description: 'Cliniko’s Patient Attachments, on the files of patient cases (read-only)'
			},
			{ name: 'Invoices', description: 'Casebook has no invoicing: every invoice list is empty' },
			{
				name: 'Team cases',
				description: 'Casebook’s own: cases another system sends to clinical teams, and what became of them'
			},
			{
				name: 'Treatment notes',
				description: 'Cliniko’s Treatment Notes and Treatment Note Templates (read-only; final notes only)'
			},
			{ name: 'API', description: 'About the API itself' }
		],
		paths,
		components: {
			securitySchemes: {
				apiKey: {
					type: 'http',
					scheme: 'basic',
					description: 'The API key as the user name, an empty password (curl -u YOUR_KEY:)'
				}
			},
			schemas: componentSchemas()
		}
	};
}

const cache = new Map<string, Record<string, unknown>>();

/** Built once per origin: the routes and schemas do not change while the process runs. */
export function openApiDocument(origin: string): Record<string, unknown> {
	let doc = cache.get(origin);
	if (!doc) {
		doc = buildOpenApi(origin);
		cache.set(origin, doc);
	}
	return doc;
}
