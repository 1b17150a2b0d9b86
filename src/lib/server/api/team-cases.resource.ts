// Casebook's own Team Cases resource (issue 21): another system (radiology, records, a referral
// portal) sends a case to teams with a triage priority, safely retried with an Idempotency-Key,
// and reads back what happened to it (acknowledged by whom and when, escalation steps taken).
// JSON, or multipart/form-data when it carries attachments (the app's type and size rules).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PRIORITIES } from '../../schemas/team.ts';
import { patientFields } from '../../schemas/patient.ts';
import { phoneNumber } from '../../schemas/phone.ts';
import { FILE_TOO_LARGE, MAX_ATTACHMENT_BYTES } from '../cases/cases.service.ts';
import { getConfig } from '../config.ts';
import type { FieldErrors } from '../errors.ts';
import { isStorableText, UNSTORABLE_TEXT } from '../db/storable-text.ts';
import { BodyRefused } from '../request-body.ts';
import { ApiError, apiFieldErrors, jsonResponse, snakeCase, validationFailed } from './http.ts';
import { idempotencyKeyOf, withIdempotency } from './idempotency.ts';
import { pageLinks, parseListParams, withFilterErrors, type ListSpec } from './list-params.ts';
import { apiId, apiTime, patientUrl } from './patients.resource.ts';
import type { ApiContext, ApiRoute } from './route.ts';
import {
	findTeamCases,
	getTeamCase,
	sendInboundTeamCase,
	type InboundAttachment,
	type TeamCaseFilterField,
	type TeamCaseSortField,
	type TeamCaseView
} from './team-cases.service.ts';
import { apiIssueMessage } from './zod-messages.ts';

/** Files one request may carry, and the whole multipart body (the web server refuses more at 27 MB). */
export const MAX_TEAM_CASE_ATTACHMENTS = 5;
const MULTIPART_LIMIT = MAX_ATTACHMENT_BYTES + 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Request

const country = () => getConfig().CASEBOOK_DEFAULT_COUNTRY;
const patientShape = patientFields(country).shape;

export const teamCasePatientBody = z
	.object({
		first_name: patientShape.firstName,
		last_name: patientShape.lastName,
		date_of_birth: patientShape.dateOfBirth
			.unwrap()
			.refine((v) => typeof v === 'string', 'Give the date of birth, YYYY-MM-DD'),
		medicare: patientShape.medicare,
		email: patientShape.email,
		mobile: phoneNumber(country).nullable().optional().describe('A mobile number; stored in E.164')
	})
	.describe(
		'The patient, when you do not know their Casebook id: matched to an existing patient by the same duplicate rules as the app (same first and last name and date of birth; a different Medicare number is a different person), or created.'
	);

export const teamCaseCreateBody = z
	.object({
		subject: z
			.string()
			.trim()
			.min(1, 'Enter a subject')
			.max(200, 'Use at most 200 characters')
			.describe('What the teams see first; no more clinical detail than needed'),
		details: z.string().max(20_000, 'Use at most 20,000 characters').nullable().optional(),
		priority: z
			.enum(PRIORITIES, { error: `Use one of: ${PRIORITIES.join(', ')}` })
			.describe('Triage priority: decides how fast unacknowledged cases escalate'),
		team_ids: z
			.array(apiId)
			.min(1, 'Choose at least one team')
			.max(20, 'Choose at most 20 teams')
			.describe('The receiving teams'),
		patient_id: apiId.nullable().optional().describe('An existing patient; or give patient instead'),
		patient: teamCasePatientBody.nullable().optional(),
		external_reference: z
			.string()
			.trim()
			.min(1, 'Leave external_reference out rather than empty')
			.max(255, 'Use at most 255 characters')
			.nullable()
			.optional()
			.describe('Your system’s own id for this case; filter the list by it')
	})
	.describe(
		'A case for one or more teams. Send it as JSON, or as multipart/form-data with the same fields (team_ids repeated, patient[first_name]…, or the whole JSON in a part named payload) and files in parts named attachments.'
	);

const multipartDoc = z
	.object({
		payload: z.string().optional().describe('The JSON body as one part (instead of separate fields)'),
		subject: z.string().optional(),
		details: z.string().optional(),
		priority: z.enum(PRIORITIES).optional(),
		team_ids: z.array(z.string()).optional(),
		patient_id: z.string().optional(),
		external_reference: z.string().optional(),
		attachments: z
			.array(z.string().describe('binary'))
			.max(MAX_TEAM_CASE_ATTACHMENTS)
			.optional()
			.describe(
				`Up to ${MAX_TEAM_CASE_ATTACHMENTS} files: PDF, images (PNG, JPEG, GIF, WebP, HEIC), Word (.docx) or plain text, judged by their content; at most 25 MB in all`
			)
	})
	.describe('The same case as multipart/form-data, with attachments');

const API_NAMES: Record<string, string> = {
	teamIds: 'team_ids',
	patientId: 'patient_id',
	subject: 'subject',
	details: 'details',
	priority: 'priority',
	patient: 'patient'
};
const renameField = (field: string) => API_NAMES[field] ?? snakeCase(field);

type CreateBody = z.output<typeof teamCaseCreateBody>;

function parseCreateBody(body: unknown): CreateBody {
	const parsed = teamCaseCreateBody.safeParse(body ?? {}, { error: apiIssueMessage });
	if (parsed.success) {
		if (parsed.data.patient_id && parsed.data.patient) {
			const message = 'Give patient_id or patient, not both';
			throw validationFailed({ patient_id: message, patient: message });
		}
		return parsed.data;
	}
	const fieldErrors: FieldErrors = {};
	for (const issue of parsed.error.issues)
		(fieldErrors[issue.path.map(String).join('.')] ??= []).push(issue.message);
	throw validationFailed(apiFieldErrors(fieldErrors, renameField));
}

async function readLimitedBytes(request: Request, limit: number): Promise<Uint8Array> {
	const declared = Number(request.headers.get('content-length') ?? 'NaN');
	const refuse = () =>
		new ApiError(413, `The request is too large: attachments may be at most 25 MB in all.`);
	if (declared > limit) throw refuse();
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		let chunk: ReadableStreamReadResult<Uint8Array>;
		try {
			chunk = await reader.read();
		} catch (error) {
			if (error instanceof BodyRefused || (error as { status?: number } | null)?.status === 413)
				throw refuse();
			throw error;
		}
		if (chunk.done) break;
		size += chunk.value.byteLength;
		if (size > limit) {
			await reader.cancel().catch(() => {});
			throw refuse();
		}
		chunks.push(chunk.value);
	}
	return Buffer.concat(chunks);
}

/** A multipart body → the JSON body's shape, and its files. */
async function readMultipart(request: Request): Promise<{ body: unknown; files: InboundAttachment[] }> {
	const bytes = await readLimitedBytes(request, MULTIPART_LIMIT);
	let form: FormData;
	try {
		form = await new Response(Buffer.from(bytes), {
			headers: { 'Content-Type': request.headers.get('content-type') ?? '' }
		}).formData();
	} catch {
		throw new ApiError(400, 'The multipart body could not be read: check its boundary and parts.');
	}
	const files: InboundAttachment[] = [];
	let body: Record<string, unknown> = {};
	const payload = form.get('payload');
	if (typeof payload === 'string') {
		try {
			const parsed: unknown = JSON.parse(payload);
			if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error();
			body = parsed as Record<string, unknown>;
		} catch {
			throw new ApiError(400, 'The payload part must be a JSON object');
		}
	}
	const patient: Record<string, string> = {};
	for (const [name, value] of form) {
		if (value instanceof File) {
			if (name !== 'attachments' && name !== 'attachments[]')
				throw validationFailed({ [name]: 'Send files in parts named attachments' });
			if (value.size > MAX_ATTACHMENT_BYTES) throw validationFailed({ attachments: FILE_TOO_LARGE });
			files.push({ fileName: value.name, bytes: new Uint8Array(await value.arrayBuffer()) });
			continue;
		}
		if (name === 'payload') continue;
		if (!isStorableText(value) || !isStorableText(name)) throw validationFailed({ [name]: UNSTORABLE_TEXT });
		const nested = /^patient\[(\w+)\]$/.exec(name);
		if (nested) patient[nested[1]!] = value;
		else if (name === 'team_ids' || name === 'team_ids[]')
			body.team_ids = [...((body.team_ids as string[] | undefined) ?? []), ...value.split(',')];
		else body[name] = value === '' ? null : value;
	}
	if (Object.keys(patient).length) body.patient = { ...(body.patient as object | undefined), ...patient };
	if (files.length > MAX_TEAM_CASE_ATTACHMENTS)
		throw validationFailed({ attachments: `Attach at most ${MAX_TEAM_CASE_ATTACHMENTS} files` });
	return { body, files };
}

// ---------------------------------------------------------------------------------------------
// Response

const linkTo = z.object({ links: z.object({ self: z.url() }) });
const time = z.string().describe('ISO 8601, UTC');

export const teamCaseResponse = z.object({
	id: z.string(),
	subject: z.string(),
	details: z.string().nullable(),
	priority: z.enum(PRIORITIES),
	status: z.enum(['open', 'closed']),
	external_reference: z.string().nullable(),
	teams: z.array(z.object({ id: z.string(), name: z.string() })),
	patient: linkTo.extend({ id: z.string() }).nullable(),
	created_at: time.describe('When the case was sent to the teams'),
	acknowledged_at: time.nullable(),
	acknowledged_by: z.object({ name: z.string() }).nullable(),
	next_escalation_at: time.nullable().describe('When the next step fires, while nobody has acknowledged'),
	escalation_steps: z
		.array(
			z.object({
				at: time,
				team: z.object({ id: z.string(), name: z.string() }),
				channel: z.string().describe('sms or email'),
				recipients: z.array(z.object({ name: z.string(), channel: z.string(), status: z.string() }))
			})
		)
		.describe('Every escalation step taken so far, oldest first'),
	attachments: z.array(
		z.object({
			id: z.string(),
			file_name: z.string(),
			content_type: z.string(),
			size_bytes: z.number().int()
		})
	),
	links: z.object({ self: z.url() })
});
export type ApiTeamCase = z.infer<typeof teamCaseResponse>;

export function teamCaseUrl(origin: string, id: string): string {
	return `${origin}/api/v1/team_cases/${id}`;
}

export function teamCaseToApi(c: TeamCaseView, origin: string): ApiTeamCase {
	return {
		id: c.id,
		subject: c.subject,
		details: c.details,
		priority: c.priority,
		status: c.status,
		external_reference: c.externalReference,
		teams: c.teams,
		patient: c.patient ? { id: c.patient.id, links: { self: patientUrl(origin, c.patient.id) } } : null,
		created_at: apiTime(c.sentAt),
		acknowledged_at: c.acknowledgedAt ? apiTime(c.acknowledgedAt) : null,
		acknowledged_by: c.acknowledgedBy ? { name: c.acknowledgedBy } : null,
		next_escalation_at: c.nextEscalationAt ? apiTime(c.nextEscalationAt) : null,
		escalation_steps: c.events
			.filter((e) => e.kind === 'escalated')
			.map((e) => ({
				at: apiTime(e.at),
				team: { id: String(e.data.teamId ?? ''), name: String(e.data.teamName ?? '') },
				channel: String(e.data.channel ?? ''),
				recipients: (e.deliveries ?? []).map((d) => ({ name: d.name, channel: d.channel, status: d.status }))
			})),
		attachments: c.attachments.map((a) => ({
			id: a.id,
			file_name: a.fileName,
			content_type: a.contentType,
			size_bytes: a.sizeBytes
		})),
		links: { self: teamCaseUrl(origin, c.id) }
	};
}

// ---------------------------------------------------------------------------------------------
// Endpoints

async function createTeamCase(ctx: ApiContext): Promise<Response> {
	const key = idempotencyKeyOf(ctx.request);
	const isMultipart = /^multipart\/form-data\b/i.test(ctx.request.headers.get('content-type') ?? '');
	const { body: raw, files } = isMultipart ? await readMultipart(ctx.request) : { body: ctx.body, files: [] };
	const body = parseCreateBody(raw);
	const fingerprint = {
		body,
		attachments: files.map((f) => ({
			name: f.fileName,
			sha256: createHash('sha256').update(f.bytes).digest('hex')
		}))
	};
	return withIdempotency(
		ctx.em,
		{ apiKeyId: ctx.apiKeyId, key, operation: 'team_cases.create', fingerprint },
		async (tx) => {
			const { id } = await sendInboundTeamCase(
				tx,
				ctx.actor,
				{
					subject: body.subject,
					details: body.details ?? null,
					priority: body.priority,
					teamIds: body.team_ids,
					patientId: body.patient_id ?? null,
					patient: body.patient
						? {
								firstName: body.patient.first_name,
								lastName: body.patient.last_name,
								dateOfBirth: body.patient.date_of_birth!,
								medicare: body.patient.medicare ?? null,
								email: body.patient.email ?? null,
								mobile: body.patient.mobile ?? null
							}
						: null,
					externalReference: body.external_reference ?? null,
					attachments: files
				},
				{ apiKeyId: ctx.apiKeyId, now: ctx.now }
			);
			const view = await getTeamCase(tx, ctx.actor, id);
			return {
				status: 201,
				body: teamCaseToApi(view!, ctx.origin),
				location: teamCaseUrl(ctx.origin, id)
			};
		}
	);
}

const TEAM_CASE_FILTERS = {
	status: 'status',
	priority: 'priority',
	team_id: 'teamId',
	created_at: 'createdAt',
	external_reference: 'externalReference'
} as const satisfies Record<string, TeamCaseFilterField>;

const TEAM_CASE_SORTS = {
	id: 'id',
	created_at: 'createdAt',
	priority: 'priority'
} as const satisfies Record<string, TeamCaseSortField>;

const TEAM_CASE_LIST: ListSpec<TeamCaseFilterField, TeamCaseSortField> = {
	filters: TEAM_CASE_FILTERS,
	sorts: TEAM_CASE_SORTS,
	dates: { createdAt: 'datetime' }
};

async function listTeamCases(ctx: ApiContext): Promise<Response> {
	const params = parseListParams(ctx.url, TEAM_CASE_LIST);
	const { items, total } = await withFilterErrors(params, TEAM_CASE_FILTERS, () =>
		findTeamCases(ctx.em, ctx.actor, params)
	);
	return jsonResponse({
		team_cases: items.map((c) => teamCaseToApi(c, ctx.origin)),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

const notFound = { description: 'No team case with that id that you may see', schema: 'Error' };
const access = { roles: 'any' as const };

export const teamCaseRoutes: ApiRoute[] = [
	{
		method: 'GET',
		path: '/team_cases',
		operationId: 'listTeamCases',
		summary: 'Get team cases',
		description:
			'Cases sent to teams that you may see, newest first. Filter with q[]: status:=open, priority:=urgent, team_id:=3, created_at:>=2026-12-01T00:00:00Z, external_reference:=RAD-1234.',
		tag: 'Team cases',
		access,
		list: {
			filters: {
				status: 'open | closed',
				priority: 'normal | high | urgent',
				team_id: 'Integer',
				created_at: 'DateTime',
				external_reference: 'String'
			},
			sorts: Object.keys(TEAM_CASE_SORTS),
			defaultSort: 'created_at:desc'
		},
		responses: { 200: { description: 'A page of team cases', schema: 'TeamCaseList' } },
		handle: listTeamCases
	},
	{
		method: 'GET',
		path: '/team_cases/{id}',
		operationId: 'getTeamCase',
		summary: 'Get a team case',
		description: 'Its status, who acknowledged it and when, and the escalation steps taken.',
		tag: 'Team cases',
		access,
		responses: { 200: { description: 'The team case', schema: 'TeamCase' }, 404: notFound },
		handle: async (ctx) => {
			const view = await getTeamCase(ctx.em, ctx.actor, ctx.params.id!);
			if (!view) throw new ApiError(404, 'Case not found');
			return jsonResponse(teamCaseToApi(view, ctx.origin));
		}
	},
	{
		method: 'POST',
		path: '/team_cases',
		operationId: 'createTeamCase',
		summary: 'Send a case to teams',
		description:
			'Creates a case for the teams and starts their escalation, as “Send to teams” in the app does. Send an Idempotency-Key header (e.g. a UUID) to retry safely: a repeat with the same key answers the first result (with Idempotent-Replayed: true) and creates nothing; the same key with a different request answers 422.',
		tag: 'Team cases',
		access,
		isWrite: true,
		rename: renameField,
		body: { schema: 'TeamCaseCreate', zod: teamCaseCreateBody, multipart: 'TeamCaseCreateMultipart' },
		responses: {
			201: {
				description: 'Sent (or, for a repeated Idempotency-Key, the first answer)',
				schema: 'TeamCase',
				headers: { Location: 'The new case’s URL', 'Idempotent-Replayed': 'true on a repeated key' }
			},
			409: { description: 'Several patients match the details: send patient_id', schema: 'Error' },
			413: { description: 'Attachments over 25 MB in all', schema: 'Error' },
			422: { description: 'Validation Failed', schema: 'ValidationError' }
		},
		handle: createTeamCase
	}
];

export const teamCaseSchemas = {
	teamCaseResponse,
	teamCaseCreateBody,
	teamCaseCreateMultipart: multipartDoc
};
