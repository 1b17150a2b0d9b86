// Cliniko's Medical Alerts resource (medical_alerts.md) over the alerts on a patient record: a
// patient's list, and one alert to read, create, update (PUT, PATCH too) and delete. The patient
// service keeps the rules (at most 50 alerts, names up to 200 characters) and the audit trail.
import { z } from 'zod';
import { PATIENT_ROLES } from '../patients/patients.service.ts';
import {
	createMedicalAlert,
	deleteMedicalAlert,
	findMedicalAlerts,
	getMedicalAlert,
	updateMedicalAlert,
	type MedicalAlertView
} from '../patients/medical-alerts.service.ts';
import { emptyResponse, jsonResponse, validationFailed } from './http.ts';
import { pageLinks, parseListParams, type ListSpec } from './list-params.ts';
import { apiId, apiTime, patientUrl } from './patients.resource.ts';
import { inMemoryPage, parseApiBody } from './resource-kit.ts';
import type { ApiContext, ApiRoute } from './route.ts';

export const medicalAlertResponse = z.object({
	id: z.number().int(),
	name: z.string(),
	notes: z.string().nullable().describe('Casebook: notes on the alert'),
	created_at: z.string(),
	updated_at: z.string(),
	deleted_at: z.null().describe('Always null: a deleted alert is gone'),
	patient: z.object({ links: z.object({ self: z.url() }) }),
	links: z.object({ self: z.url() })
});

export const medicalAlertCreateBody = z
	.object({
		name: z.string().describe('Up to 200 characters'),
		patient_id: apiId.optional().describe('Required on POST /medical_alerts; implied by the path otherwise'),
		notes: z.string().nullable().optional().describe('Casebook: up to 2,000 characters')
	})
	.describe('A new medical alert');

export const medicalAlertUpdateBody = z
	.object({
		name: z.string().optional(),
		notes: z.string().nullable().optional()
	})
	.describe('The properties to change');

export function medicalAlertUrl(origin: string, id: string): string {
	return `${origin}/api/v1/medical_alerts/${id}`;
}

function toApi(a: MedicalAlertView, origin: string): z.infer<typeof medicalAlertResponse> {
	return {
		id: Number(a.id),
		name: a.name,
		notes: a.notes,
		created_at: apiTime(new Date(a.createdAt)),
		updated_at: apiTime(new Date(a.updatedAt ?? a.createdAt)),
		deleted_at: null,
		patient: { links: { self: patientUrl(origin, a.patientId) } },
		links: { self: medicalAlertUrl(origin, a.id) }
	};
}

const FILTERS = {
	id: 'id',
	created_at: 'createdAt',
	updated_at: 'updatedAt',
	patient_id: 'patientId'
} as const;
type AlertField = (typeof FILTERS)[keyof typeof FILTERS];
const LIST: ListSpec<AlertField, AlertField> = {
	filters: FILTERS,
	sorts: { id: 'id', created_at: 'createdAt', updated_at: 'updatedAt' },
	dates: { createdAt: 'datetime', updatedAt: 'datetime' }
};

async function listAlerts(ctx: ApiContext): Promise<Response> {
	const params = parseListParams(ctx.url, LIST);
	const alerts = await findMedicalAlerts(ctx.em, ctx.actor, ctx.params.patient_id!);
	const { items, total } = inMemoryPage(
		alerts.map((a) => ({
			item: a,
			fields: {
				id: Number(a.id),
				createdAt: new Date(a.createdAt),
				updatedAt: new Date(a.updatedAt ?? a.createdAt),
				patientId: Number(a.patientId)
			}
		})),
		params
	);
	return jsonResponse({
		medical_alerts: items.map((a) => toApi(a, ctx.origin)),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

const access = { roles: PATIENT_ROLES };
const notFound = { description: 'No medical alert with that id on a live patient', schema: 'Error' };
const tag = 'Medical alerts';
const listDoc = {
	filters: { id: 'Integer', created_at: 'DateTime', updated_at: 'DateTime', patient_id: 'Integer' },
	sorts: ['id', 'created_at', 'updated_at'],
	defaultSort: 'id'
};

async function create(ctx: ApiContext, patientId: string | undefined): Promise<Response> {
	const body = parseApiBody(medicalAlertCreateBody, ctx.body);
	const owner = patientId ?? body.patient_id;
	if (!owner) throw validationFailed({ patient_id: 'Give the patient (patient_id)' });
	if (patientId && body.patient_id && body.patient_id !== patientId)
		throw validationFailed({ patient_id: 'Must be the patient in the path' });
	const alert = await createMedicalAlert(ctx.em, ctx.actor, {
		patientId: owner,
		name: body.name,
		notes: body.notes
	});
	return jsonResponse(toApi(alert, ctx.origin), 201, { Location: medicalAlertUrl(ctx.origin, alert.id) });
}

async function update(ctx: ApiContext): Promise<Response> {
	const body = parseApiBody(medicalAlertUpdateBody, ctx.body);
	const alert = await updateMedicalAlert(ctx.em, ctx.actor, { id: ctx.params.id!, ...body });
	return jsonResponse(toApi(alert, ctx.origin));
}

const writeResponses = {
	404: notFound,
	409: { description: 'The patient already has 50 alerts', schema: 'Error' },
	422: { description: 'Validation Failed', schema: 'ValidationError' }
};

export const medicalAlertRoutes: ApiRoute[] = [
	{
		method: 'GET',
		path: '/patients/{patient_id}/medical_alerts',
		operationId: 'listMedicalAlertsOfPatient',
		summary: 'Get a patient’s medical alerts',
		tag,
		access,
		list: listDoc,
		responses: {
			200: { description: 'A page of the patient’s alerts', schema: 'MedicalAlertList' },
			404: { description: 'No live patient with that id', schema: 'Error' }
		},
		handle: listAlerts
	},
	{
		method: 'POST',
		path: '/patients/{patient_id}/medical_alerts',
		operationId: 'createMedicalAlertOfPatient',
		summary: 'Create a medical alert for a patient',
		tag,
		access,
		isWrite: true,
		body: { schema: 'MedicalAlertCreate', zod: medicalAlertCreateBody },
		responses: {
			201: { description: 'Created', schema: 'MedicalAlert', headers: { Location: 'The new alert’s URL' } },
			...writeResponses
		},
		handle: (ctx) => create(ctx, ctx.params.patient_id!)
	},
	{
		method: 'POST',
		path: '/medical_alerts',
		operationId: 'createMedicalAlert',
		summary: 'Create a medical alert',
		description: 'As Cliniko: the body names the patient (patient_id).',
		tag,
		access,
		isWrite: true,
		body: { schema: 'MedicalAlertCreate', zod: medicalAlertCreateBody },
		responses: {
			201: { description: 'Created', schema: 'MedicalAlert', headers: { Location: 'The new alert’s URL' } },
			...writeResponses
		},
		handle: (ctx) => create(ctx, undefined)
	},
	{
		method: 'GET',
		path: '/medical_alerts/{id}',
		operationId: 'getMedicalAlert',
		summary: 'Get a medical alert',
		tag,
		access,
		responses: { 200: { description: 'The alert', schema: 'MedicalAlert' }, 404: notFound },
		handle: async (ctx) =>
			jsonResponse(toApi(await getMedicalAlert(ctx.em, ctx.actor, ctx.params.id!), ctx.origin))
	},
	{
		method: 'PUT',
		path: '/medical_alerts/{id}',
		operationId: 'updateMedicalAlert',
		summary: 'Update a medical alert',
		description: 'Changes only the properties sent. PATCH is accepted too.',
		tag,
		access,
		isWrite: true,
		body: { schema: 'MedicalAlertUpdate', zod: medicalAlertUpdateBody },
		responses: { 200: { description: 'The updated alert', schema: 'MedicalAlert' }, ...writeResponses },
		handle: update
	},
	{
		method: 'PATCH',
		path: '/medical_alerts/{id}',
		operationId: 'patchMedicalAlert',
		summary: 'Update a medical alert (PATCH)',
		tag,
		access,
		isWrite: true,
		body: { schema: 'MedicalAlertUpdate', zod: medicalAlertUpdateBody },
		responses: { 200: { description: 'The updated alert', schema: 'MedicalAlert' }, ...writeResponses },
		handle: update
	},
	{
		method: 'DELETE',
		path: '/medical_alerts/{id}',
		operationId: 'deleteMedicalAlert',
		summary: 'Delete a medical alert',
		tag,
		access,
		responses: { 204: { description: 'Deleted (no content)' }, 404: notFound },
		handle: async (ctx) => {
			await deleteMedicalAlert(ctx.em, ctx.actor, ctx.params.id!);
			return emptyResponse(204);
		}
	}
];
