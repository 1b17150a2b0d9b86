// Cliniko's Patient Cases resource over Casebook's treatment cases: Cliniko's names and shape
// (max_sessions, max_invoiceable_amount, include_*_attendees, referral with contact_id, issue_date
// and expiry_date, attendee_ids = the case's appointments), plus Casebook's body parts and template.
// Rules stay in the cases service: this file only renames and maps Cliniko's flat limits onto the
// case type (unlimited / maximum appointments / maximum invoiceable amount).
import { z } from 'zod';
import { createCaseInput, MAX_BODY_PARTS, REFERRAL_TYPES, type CaseFieldsInput } from '../../schemas/case.ts';
import type { FieldErrors } from '../errors.ts';
import {
	archiveCase,
	closeCase,
	createCase,
	findCaseRecords,
	getCase,
	patchCase,
	reopenCase,
	unarchiveCase,
	type CaseDetailView,
	type CaseRecordFilterField,
	type CaseRecordSortField
} from '../cases/cases.service.ts';
import {
	ApiError,
	apiFieldErrors,
	emptyResponse,
	jsonResponse,
	snakeCase,
	validationFailed
} from './http.ts';
import { pageLinks, parseListParams, withFilterErrors, type ListSpec } from './list-params.ts';
import { apiId, apiTime, patientUrl } from './patients.resource.ts';
import type { ApiContext, ApiRoute } from './route.ts';
import { apiIssueMessage } from './zod-messages.ts';

// ---------------------------------------------------------------------------------------------
// Names

/** Casebook's case fields → Cliniko's (and Casebook's own extras). */
const CASE_API_NAMES: Record<string, string> = {
	name: 'name',
	patientId: 'patient_id',
	notes: 'notes',
	limitKind: 'max_sessions',
	maxAppointments: 'max_sessions',
	maxAmountCents: 'max_invoiceable_amount',
	countsCancelled: 'include_cancelled_attendees',
	countsDidNotArrive: 'include_dna_attendees',
	hasReferral: 'referral',
	referringDoctorId: 'contact_id',
	referralIssuedOn: 'issue_date',
	referralExpiresOn: 'expiry_date',
	referralType: 'referral_type',
	appointmentIds: 'attendee_ids',
	bodyPartIds: 'body_part_ids',
	templateId: 'template_id',
	issuedOn: 'issued_on'
};

function renameCaseField(field: string): string {
	return CASE_API_NAMES[field] ?? snakeCase(field);
}

// ---------------------------------------------------------------------------------------------
// Request bodies

const caseFields = createCaseInput.in.shape;

/** A money amount with at most 2 decimals (a number, or a string such as "150.50"), in cents. */
const money = z
	.union([
		z.number().nonnegative('The amount cannot be negative'),
		z.string().regex(/^\d{1,9}(\.\d{1,2})?$/, 'Write an amount such as 150 or 150.50')
	])
	.transform((value, ctx) => {
		const amount = typeof value === 'string' ? Number(value) : value;
		const cents = Math.round(amount * 100);
		if (Math.abs(amount * 100 - cents) > 1e-6) {
			ctx.addIssue({ code: 'custom', message: 'Use at most 2 decimal places' });
			return z.NEVER;
		}
		return cents;
	});

function caseBodyShape() {
	return {
		name: caseFields.name,
		notes: caseFields.notes,
		closed: z.boolean().optional().describe('true closes the case, false re-opens it'),
		max_sessions: caseFields.maxAppointments.describe(
			'A maximum number of appointments (1 to 200); null for none. Not together with max_invoiceable_amount.'
		),
		max_invoiceable_amount: money
			.nullable()
			.optional()
			.describe('A maximum invoiceable amount, up to 2 decimals; null for none'),
		include_cancelled_attendees: z
			.boolean()
			.nullable()
			.optional()
			.describe('Whether cancelled appointments count towards the maximum'),
		include_dna_attendees: z
			.boolean()
			.nullable()
			.optional()
			.describe('Whether did-not-arrive appointments count towards the maximum'),
		referral: z
			.boolean()
			.nullable()
			.optional()
			.describe('Whether the case has a referral; implied by contact_id, issue_date or expiry_date'),
		contact_id: apiId.nullable().optional().describe('The referring doctor (a contact)'),
		issue_date: caseFields.referralIssuedOn.describe('The referral’s issue date, YYYY-MM-DD'),
		expiry_date: caseFields.referralExpiresOn.describe('The referral’s expiry date, YYYY-MM-DD'),
		referral_type: z
			.enum(REFERRAL_TYPES, { error: `Use one of: ${REFERRAL_TYPES.join(', ')}; or null` })
			.nullable()
			.optional()
			.describe(`The referral’s type: one of ${REFERRAL_TYPES.join(', ')}, or null; implies referral`),
		body_part_ids: z
			.array(apiId)
			.max(MAX_BODY_PARTS, `Choose at most ${MAX_BODY_PARTS} body parts`)
			.optional()
			.describe('Casebook: body parts this case treats'),
		template_id: apiId.nullable().optional().describe('Casebook: the case template')
	};
}

export const patientCaseCreateBody = z
	.object({
		...caseBodyShape(),
		patient_id: apiId,
		attendee_ids: z
			.array(apiId)
			.max(200)
			.optional()
			.describe('Existing appointments of the same patient to relate to the case')
	})
	.describe('A new patient case. name and patient_id are required; unknown properties are ignored.');

export const patientCaseUpdateBody = z
	.object({ ...caseBodyShape(), patient_id: apiId.optional().describe('Must be the case’s patient') })
	.partial()
	.describe('The properties to change; the others keep their values.');

type CaseBody = z.output<typeof patientCaseUpdateBody>;

function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
	const parsed = schema.safeParse(body ?? {}, { error: apiIssueMessage });
	if (parsed.success) return parsed.data;
	const fieldErrors: FieldErrors = {};
	for (const issue of parsed.error.issues) {
		(fieldErrors[issue.path.map(String).join('.')] ??= []).push(issue.message);
	}
	throw validationFailed(apiFieldErrors(fieldErrors, renameCaseField));
}

/** Applies the body's limits, referral and flags to `current` (Casebook's case fields). */
function applyBody(current: CaseFieldsInput, body: CaseBody): CaseFieldsInput {
	const errors: Record<string, string> = {};
	const next: CaseFieldsInput = { ...current };
	if (body.name !== undefined) next.name = body.name;
	if (body.notes !== undefined) next.notes = body.notes;
	if (body.template_id !== undefined) next.templateId = body.template_id;
	if (body.body_part_ids !== undefined) next.bodyPartIds = body.body_part_ids;
	if (body.include_cancelled_attendees !== undefined)
		next.countsCancelled = body.include_cancelled_attendees ?? false;
	if (body.include_dna_attendees !== undefined) next.countsDidNotArrive = body.include_dna_attendees ?? false;

	// Cliniko has two independent maxima; a Casebook case has one kind of limit.
	const sessions = body.max_sessions;
	const amount = body.max_invoiceable_amount;
	if (sessions != null && amount != null) {
		const message = 'Give max_sessions or max_invoiceable_amount, not both';
		errors.max_sessions = message;
		errors.max_invoiceable_amount = message;
	} else if (sessions != null) {
		Object.assign(next, { limitKind: 'appointments', maxAppointments: sessions, maxAmountCents: null });
	} else if (amount != null) {
		Object.assign(next, { limitKind: 'amount', maxAmountCents: amount, maxAppointments: null });
	} else if (
		(sessions === null && current.limitKind === 'appointments') ||
		(amount === null && current.limitKind === 'amount')
	) {
		Object.assign(next, { limitKind: 'unlimited', maxAppointments: null, maxAmountCents: null });
	}

	// A referral's details imply the referral, unless the body says explicitly there is none.
	const details = {
		contact_id: body.contact_id,
		issue_date: body.issue_date,
		expiry_date: body.expiry_date,
		referral_type: body.referral_type
	};
	const givesDetails = Object.values(details).some((v) => v != null);
	const hasReferral = body.referral ?? (body.referral === null ? false : givesDetails || current.hasReferral);
	if (!hasReferral && givesDetails && body.referral !== undefined) {
		for (const [name, value] of Object.entries(details)) {
			if (value != null) errors[name] = 'Only a case with a referral has this: set referral to true';
		}
	}
	next.hasReferral = Boolean(hasReferral);
	if (details.contact_id !== undefined) next.referringDoctorId = details.contact_id;
	if (details.issue_date !== undefined) next.referralIssuedOn = details.issue_date;
	if (details.expiry_date !== undefined) next.referralExpiresOn = details.expiry_date;
	if (details.referral_type !== undefined) next.referralType = details.referral_type;

	if (Object.keys(errors).length) throw validationFailed(errors);
	return next;
}

const NEW_CASE: CaseFieldsInput = {
	name: '',
	templateId: null,
	bodyPartIds: [],
	limitKind: 'unlimited',
	maxAppointments: null,
	maxAmountCents: null,
	countsCancelled: false,
	countsDidNotArrive: false,
	hasReferral: false,
	referringDoctorId: null,
	referralIssuedOn: null,
	referralExpiresOn: null,
	referralType: null,
	notes: null
};

// ---------------------------------------------------------------------------------------------
// Response shape

const linkTo = z.object({ links: z.object({ self: z.url() }) });

export const patientCaseResponse = z.object({
	id: z.string().describe('Ids are strings, as in Cliniko’s patient cases'),
	created_at: z.string(),
	updated_at: z.string(),
	archived_at: z.string().nullable(),
	max_invoiceable_amount: z.number().nullable().describe('In the clinic’s currency, e.g. 1200.5'),
	closed: z.boolean(),
	include_cancelled_attendees: z.boolean(),
	include_dna_attendees: z.boolean(),
	issue_date: z.string().nullable().describe('The referral’s issue date'),
	expiry_date: z.string().nullable().describe('The referral’s expiry date'),
	name: z.string(),
	notes: z.string().nullable(),
	max_sessions: z.number().int().nullable(),
	referral: z.boolean(),
	referral_type: z
		.enum(REFERRAL_TYPES)
		.nullable()
		.describe(`The referral’s type (one of ${REFERRAL_TYPES.join(', ')}), or null`),
	attendee_ids: z.array(z.string()).describe('The appointments related to the case'),
	body_part_ids: z.array(z.string()).describe('Casebook: body parts'),
	template_id: z.string().nullable().describe('Casebook: the case template'),
	patient: linkTo,
	contact: linkTo.optional().describe('Present when the referral names a referring doctor'),
	attendees: linkTo,
	bookings: linkTo,
	patient_attachments: linkTo,
	invoices: linkTo,
	links: z.object({ self: z.url() })
});
export type ApiPatientCase = z.infer<typeof patientCaseResponse>;

function caseUrl(origin: string, id: string): string {
	return `${origin}/api/v1/patient_cases/${id}`;
}

const link = (self: string) => ({ links: { self } });

export function caseToApi(c: CaseDetailView, origin: string): ApiPatientCase {
	const self = caseUrl(origin, c.id);
	return {
		id: c.id,
		created_at: apiTime(c.createdAt),
		updated_at: apiTime(c.updatedAt),
		archived_at: c.archivedAt ? apiTime(c.archivedAt) : null,
		max_invoiceable_amount: c.usage.maxAmountCents === null ? null : c.usage.maxAmountCents / 100,
		closed: c.status === 'closed',
		include_cancelled_attendees: c.countsCancelled,
		include_dna_attendees: c.countsDidNotArrive,
		issue_date: c.referralIssuedOn,
		expiry_date: c.referralExpiresOn,
		name: c.name,
		notes: c.notes,
		max_sessions: c.usage.maxAppointments,
		referral: c.hasReferral,
		referral_type: c.referralType,
		attendee_ids: c.appointments.map((a) => a.id),
		body_part_ids: c.bodyParts.map((b) => b.id),
		template_id: c.template?.id ?? null,
		patient: link(patientUrl(origin, c.patient!.id)),
		...(c.referringDoctor ? { contact: link(`${origin}/api/v1/contacts/${c.referringDoctor.id}`) } : {}),
		attendees: link(`${self}/attendees`),
		bookings: link(`${self}/bookings`),
		patient_attachments: link(`${self}/patient_attachments`),
		invoices: link(`${self}/invoices`),
		links: { self }
	};
}

// ---------------------------------------------------------------------------------------------
// Lists

const CASE_FILTERS = {
	id: 'id',
	patient_id: 'patientId',
	created_at: 'createdAt',
	updated_at: 'updatedAt',
	issue_date: 'referralIssuedOn',
	expiry_date: 'referralExpiresOn'
} as const satisfies Record<string, CaseRecordFilterField>;

const CASE_SORTS = {
	id: 'id',
	name: 'name',
	created_at: 'createdAt',
	updated_at: 'updatedAt',
	issue_date: 'referralIssuedOn',
	expiry_date: 'referralExpiresOn'
} as const satisfies Record<string, CaseRecordSortField>;

const CASE_LIST: ListSpec<CaseRecordFilterField, CaseRecordSortField> = {
	filters: CASE_FILTERS,
	sorts: CASE_SORTS,
	dates: {
		createdAt: 'datetime',
		updatedAt: 'datetime',
		referralIssuedOn: 'date',
		referralExpiresOn: 'date'
	}
};

const CASE_LIST_DOC = {
	filters: {
		id: 'Integer',
		patient_id: 'Integer',
		created_at: 'DateTime',
		updated_at: 'DateTime',
		issue_date: 'Date',
		expiry_date: 'Date'
	},
	sorts: Object.keys(CASE_SORTS),
	defaultSort: 'id'
};

async function listCases(
	ctx: ApiContext,
	options: { archived: boolean; patientId?: string }
): Promise<Response> {
	const params = parseListParams(ctx.url, CASE_LIST);
	const filters = options.patientId
		? [...params.filters, { field: 'patientId' as const, op: '=' as const, value: options.patientId }]
		: params.filters;
	const { items, total } = await withFilterErrors(params, CASE_FILTERS, () =>
		findCaseRecords(ctx.em, ctx.actor, { ...params, filters, archived: options.archived })
	);
	return jsonResponse({
		patient_cases: items.map((c) => caseToApi(c, ctx.origin)),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

// ---------------------------------------------------------------------------------------------
// Endpoints

async function createPatientCase(ctx: ApiContext): Promise<Response> {
	const body = parseBody(patientCaseCreateBody, ctx.body);
	const fields = applyBody({ ...NEW_CASE }, body);
	// One transaction: a case created closed is never seen (or left) open.
	const created = await ctx.em.transactional(async (tx) => {
		const made = await createCase(tx, ctx.actor, {
			...fields,
			patientId: body.patient_id,
			appointmentIds: body.attendee_ids ?? []
		});
		return body.closed ? closeCase(tx, ctx.actor, { id: made.id, version: made.version }) : made;
	});
	return jsonResponse(caseToApi(created, ctx.origin), 201, { Location: caseUrl(ctx.origin, created.id) });
}

async function updatePatientCase(ctx: ApiContext): Promise<Response> {
	const body = parseBody(patientCaseUpdateBody, ctx.body);
	// One transaction: the field changes and the close / re-open land together or not at all.
	const updated = await ctx.em.transactional(async (tx) => {
		const patched = await patchCase(tx, ctx.actor, ctx.params.id!, (current, about) => {
			if (body.patient_id !== undefined && body.patient_id !== about.patientId) {
				throw validationFailed({ patient_id: 'A case cannot move to another patient' });
			}
			return applyBody(current, body);
		});
		if (body.closed === true && patched.status === 'open')
			return closeCase(tx, ctx.actor, { id: patched.id, version: patched.version });
		if (body.closed === false && patched.status === 'closed')
			return reopenCase(tx, ctx.actor, { id: patched.id, version: patched.version });
		return patched;
	});
	return jsonResponse(caseToApi(updated, ctx.origin));
}

const caseAccess = { roles: 'any' as const };
const notFound = { description: 'No patient case with that id that you may see', schema: 'Error' };
const updateResponses = {
	200: { description: 'The updated case', schema: 'PatientCase' },
	404: notFound,
	409: { description: 'A rule refused the change (e.g. re-opening a merged case)', schema: 'Error' },
	422: { description: 'Validation Failed', schema: 'ValidationError' }
};

export const patientCaseRoutes: ApiRoute[] = [
	{
		method: 'GET',
		path: '/patient_cases',
		operationId: 'listPatientCases',
		summary: 'Get patient cases',
		description: 'Cases you may see that are not archived, open and closed.',
		tag: 'Patient cases',
		access: caseAccess,
		list: CASE_LIST_DOC,
		responses: { 200: { description: 'A page of patient cases', schema: 'PatientCaseList' } },
		handle: (ctx) => listCases(ctx, { archived: false })
	},
	{
		method: 'GET',
		path: '/patient_cases/archived',
		operationId: 'listArchivedPatientCases',
		summary: 'Get archived patient cases',
		tag: 'Patient cases',
		access: caseAccess,
		list: CASE_LIST_DOC,
		responses: { 200: { description: 'A page of archived patient cases', schema: 'PatientCaseList' } },
		handle: (ctx) => listCases(ctx, { archived: true })
	},
	{
		method: 'GET',
		path: '/patients/{patient_id}/patient_cases',
		operationId: 'listPatientCasesOfPatient',
		summary: 'Get a patient’s cases',
		tag: 'Patient cases',
		access: caseAccess,
		list: CASE_LIST_DOC,
		responses: { 200: { description: 'A page of the patient’s cases', schema: 'PatientCaseList' } },
		handle: (ctx) => listCases(ctx, { archived: false, patientId: ctx.params.patient_id! })
	},
	{
		method: 'GET',
		path: '/patient_cases/{id}',
		operationId: 'getPatientCase',
		summary: 'Get a patient case',
		tag: 'Patient cases',
		access: caseAccess,
		responses: { 200: { description: 'The case', schema: 'PatientCase' }, 404: notFound },
		handle: async (ctx) => {
			const found = await getCase(ctx.em, ctx.actor, ctx.params.id!);
			if (!found.patient) throw new ApiError(404, 'Case not found');
			return jsonResponse(caseToApi(found, ctx.origin));
		}
	},
	{
		method: 'POST',
		path: '/patient_cases',
		operationId: 'createPatientCase',
		summary: 'Create a patient case',
		tag: 'Patient cases',
		access: caseAccess,
		isWrite: true,
		rename: renameCaseField,
		body: { schema: 'PatientCaseCreate', zod: patientCaseCreateBody },
		responses: {
			201: { description: 'Created', schema: 'PatientCase', headers: { Location: 'The new case’s URL' } },
			422: { description: 'Validation Failed', schema: 'ValidationError' }
		},
		handle: createPatientCase
	},
	{
		method: 'PATCH',
		path: '/patient_cases/{id}',
		operationId: 'updatePatientCase',
		summary: 'Update a patient case',
		description: 'Changes only the properties sent. PUT is accepted too.',
		tag: 'Patient cases',
		access: caseAccess,
		isWrite: true,
		rename: renameCaseField,
		body: { schema: 'PatientCaseUpdate', zod: patientCaseUpdateBody },
		responses: updateResponses,
		handle: updatePatientCase
	},
	{
		method: 'POST',
		path: '/patient_cases/{id}/archive',
		operationId: 'archivePatientCase',
		summary: 'Archive a patient case',
		tag: 'Patient cases',
		access: caseAccess,
		responses: {
			204: { description: 'Archived (no content)' },
			404: notFound,
			409: { description: 'Already archived', schema: 'Error' }
		},
		handle: async (ctx) => {
			await archiveCase(ctx.em, ctx.actor, ctx.params.id!, ctx.now);
			return emptyResponse(204);
		}
	},
	{
		method: 'POST',
		path: '/patient_cases/{id}/unarchive',
		operationId: 'unarchivePatientCase',
		summary: 'Unarchive a patient case',
		tag: 'Patient cases',
		access: caseAccess,
		responses: {
			200: { description: 'The case, no longer archived', schema: 'PatientCase' },
			404: notFound,
			409: { description: 'Not archived', schema: 'Error' }
		},
		handle: async (ctx) =>
			jsonResponse(caseToApi(await unarchiveCase(ctx.em, ctx.actor, ctx.params.id!, ctx.now), ctx.origin))
	},
	{
		method: 'PUT',
		path: '/patient_cases/{id}',
		operationId: 'putPatientCase',
		summary: 'Update a patient case (PUT)',
		tag: 'Patient cases',
		access: caseAccess,
		isWrite: true,
		rename: renameCaseField,
		body: { schema: 'PatientCaseUpdate', zod: patientCaseUpdateBody },
		responses: updateResponses,
		handle: updatePatientCase
	}
];
