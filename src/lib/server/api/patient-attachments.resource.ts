// Cliniko's Patient Attachments resource (patient_attachments.md) over the files attached to a
// patient case: a case's list, one attachment, and its content (the bytes, always as a download).
// Read-only: files are attached in the app, where uploads are checked. A case the key's user may
// not see answers 404, and so do its attachments.
import { z } from 'zod';
import {
	findCaseAttachmentRecords,
	getCaseAttachmentRecord,
	openCaseAttachment,
	type CaseAttachmentRecord
} from '../cases/case-attachment-records.service.ts';
import { jsonResponse } from './http.ts';
import { pageLinks, parseListParams, type ListSpec } from './list-params.ts';
import { apiTime, patientUrl } from './patients.resource.ts';
import { inMemoryPage } from './resource-kit.ts';
import type { ApiContext, ApiRoute } from './route.ts';

const linkTo = z.object({ links: z.object({ self: z.url() }) });

export const patientAttachmentResponse = z.object({
	id: z.number().int(),
	created_at: z.string(),
	updated_at: z.string(),
	content_type: z.string(),
	filename: z.string(),
	size: z.number().int().describe('Bytes'),
	content: linkTo.describe('The file itself'),
	description: z.null(),
	processing_completed: z.literal(true),
	patient: linkTo.optional(),
	patient_case: linkTo.describe('Casebook: the case the file is attached to'),
	links: z.object({ self: z.url() })
});

const attachmentUrl = (origin: string, id: string) => `${origin}/api/v1/patient_attachments/${id}`;

function toApi(a: CaseAttachmentRecord, origin: string): z.infer<typeof patientAttachmentResponse> {
	const self = attachmentUrl(origin, a.id);
	return {
		id: Number(a.id),
		created_at: apiTime(a.createdAt),
		updated_at: apiTime(a.createdAt),
		content_type: a.contentType,
		filename: a.fileName,
		size: a.sizeBytes,
		content: { links: { self: `${self}/content` } },
		description: null,
		processing_completed: true,
		...(a.patientId ? { patient: { links: { self: patientUrl(origin, a.patientId) } } } : {}),
		patient_case: { links: { self: `${origin}/api/v1/patient_cases/${a.caseId}` } },
		links: { self }
	};
}

type Field = 'id' | 'createdAt' | 'updatedAt' | 'contentType' | 'filename' | 'size' | 'userId' | 'patientId';
const LIST: ListSpec<Field, Field> = {
	filters: {
		id: 'id',
		created_at: 'createdAt',
		updated_at: 'updatedAt',
		content_type: 'contentType',
		filename: 'filename',
		size: 'size',
		user_id: 'userId',
		patient_id: 'patientId'
	},
	sorts: { id: 'id', created_at: 'createdAt', filename: 'filename', size: 'size' },
	dates: { createdAt: 'datetime', updatedAt: 'datetime' }
};

async function listAttachments(ctx: ApiContext): Promise<Response> {
	const params = parseListParams(ctx.url, LIST);
	const records = await findCaseAttachmentRecords(ctx.em, ctx.actor, ctx.params.id!);
	const { items, total } = inMemoryPage(
		records.map((a) => ({
			item: a,
			fields: {
				id: Number(a.id),
				createdAt: a.createdAt,
				updatedAt: a.createdAt,
				contentType: a.contentType,
				filename: a.fileName,
				size: a.sizeBytes,
				userId: a.uploadedById === null ? null : Number(a.uploadedById),
				patientId: a.patientId === null ? null : Number(a.patientId)
			}
		})),
		params
	);
	return jsonResponse({
		patient_attachments: items.map((a) => toApi(a, ctx.origin)),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

/** `filename="…"` for old clients (ASCII only) and `filename*=` with the real name. */
function contentDisposition(fileName: string): string {
	const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_') || 'attachment';
	const encoded = encodeURIComponent(fileName).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
	);
	return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

async function download(ctx: ApiContext): Promise<Response> {
	const file = await openCaseAttachment(ctx.em, ctx.actor, ctx.params.id!);
	return new Response(file.body, {
		headers: {
			'Content-Type': file.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : file.contentType,
			'Content-Length': String(file.sizeBytes),
			'Content-Disposition': contentDisposition(file.fileName),
			'X-Content-Type-Options': 'nosniff',
			'Cache-Control': 'private, no-store'
		}
	});
}

const access = { roles: 'any' as const };
const notFound = { description: 'No attachment with that id on a case you may see', schema: 'Error' };

export const patientAttachmentRoutes: ApiRoute[] = [
	{
		method: 'GET',
		path: '/patient_cases/{id}/patient_attachments',
		operationId: 'listPatientCaseAttachments',
		summary: 'Get a patient case’s attachments',
		tag: 'Patient attachments',
		access,
		list: {
			filters: {
				id: 'Integer',
				created_at: 'DateTime',
				updated_at: 'DateTime',
				content_type: 'String',
				filename: 'String',
				size: 'Integer',
				user_id: 'Integer',
				patient_id: 'Integer'
			},
			sorts: ['id', 'created_at', 'filename', 'size'],
			defaultSort: 'id'
		},
		responses: {
			200: { description: 'A page of attachments', schema: 'PatientAttachmentList' },
			404: { description: 'No patient case with that id that you may see', schema: 'Error' }
		},
		handle: listAttachments
	},
	{
		method: 'GET',
		path: '/patient_attachments/{id}',
		operationId: 'getPatientAttachment',
		summary: 'Get a patient attachment',
		tag: 'Patient attachments',
		access,
		responses: { 200: { description: 'The attachment', schema: 'PatientAttachment' }, 404: notFound },
		handle: async (ctx) =>
			jsonResponse(toApi(await getCaseAttachmentRecord(ctx.em, ctx.actor, ctx.params.id!), ctx.origin))
	},
	{
		method: 'GET',
		path: '/patient_attachments/{id}/content',
		operationId: 'downloadPatientAttachment',
		summary: 'Download a patient attachment',
		description: 'The file’s bytes with its content type, as a download (Content-Disposition: attachment).',
		tag: 'Patient attachments',
		access,
		responses: { 200: { description: 'The file' }, 404: notFound },
		handle: download
	}
];
