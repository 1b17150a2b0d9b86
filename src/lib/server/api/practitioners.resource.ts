// Cliniko's Practitioners and Appointment Types resources (practitioners.md, appointment_types.md),
// read-only: admins manage staff and types in the app. Both lists are whole and small; they include
// former practitioners and inactive types, since an old appointment still links to them.
import { z } from 'zod';
import {
	findAppointmentTypeRecords,
	findPractitionerRecords,
	type AppointmentTypeRecord,
	type PractitionerRecord
} from '../appointments/practitioner-records.service.ts';
import { notFound as notFoundError } from '../errors.ts';
import { appointmentTypeUrl, practitionerUrl, splitName } from './appointments.resource.ts';
import { jsonResponse } from './http.ts';
import { pageLinks, parseListParams, type ListSpec } from './list-params.ts';
import { apiTime } from './patients.resource.ts';
import { inMemoryPage } from './resource-kit.ts';
import type { ApiContext, ApiRoute } from './route.ts';

const linkTo = z.object({ links: z.object({ self: z.url() }) });

export const practitionerResponse = z.object({
	id: z.number().int(),
	title: z.string(),
	first_name: z.string(),
	last_name: z.string(),
	designation: z.string().describe('The services they provide, e.g. "Physiotherapy"'),
	show_in_online_bookings: z.boolean(),
	active: z.boolean().describe('Casebook: false for a former practitioner (deactivated, or no longer one)'),
	created_at: z.string(),
	updated_at: z.string(),
	appointment_types: linkTo,
	links: z.object({ self: z.url() })
});

export const appointmentTypeResponse = z.object({
	id: z.string().describe('A string, as in Cliniko’s appointment types'),
	name: z.string(),
	category: z.string().nullable().describe('Its first service'),
	color: z.string(),
	description: z.null(),
	duration_in_minutes: z.number().int(),
	max_attendees: z.literal(1),
	show_in_online_bookings: z.boolean(),
	price: z.number().describe('Casebook: the price, e.g. 90.5'),
	active: z.boolean().describe('Casebook: false once an admin retired it'),
	created_at: z.string(),
	updated_at: z.string(),
	practitioners: linkTo,
	links: z.object({ self: z.url() })
});

function practitionerToApi(p: PractitionerRecord, origin: string): z.infer<typeof practitionerResponse> {
	const self = practitionerUrl(origin, p.id);
	return {
		id: Number(p.id),
		title: '',
		...splitName(p.name),
		designation: p.services.map((s) => s.name).join(', '),
		show_in_online_bookings: false,
		active: p.isBookable,
		created_at: apiTime(p.createdAt),
		updated_at: apiTime(p.updatedAt),
		appointment_types: { links: { self: `${self}/appointment_types` } },
		links: { self }
	};
}

function typeToApi(t: AppointmentTypeRecord, origin: string): z.infer<typeof appointmentTypeResponse> {
	const self = appointmentTypeUrl(origin, t.id);
	return {
		id: t.id,
		name: t.name,
		category: t.services[0]?.name ?? null,
		color: t.colour,
		description: null,
		duration_in_minutes: t.durationMinutes,
		max_attendees: 1,
		show_in_online_bookings: false,
		price: t.priceCents / 100,
		active: t.isActive,
		created_at: apiTime(t.createdAt),
		updated_at: apiTime(t.updatedAt),
		practitioners: { links: { self: `${self}/practitioners` } },
		links: { self }
	};
}

type Field = 'id' | 'createdAt' | 'updatedAt';
const LIST: ListSpec<Field, Field> = {
	filters: { id: 'id', created_at: 'createdAt', updated_at: 'updatedAt' },
	sorts: { id: 'id', created_at: 'createdAt', updated_at: 'updatedAt' },
	dates: { createdAt: 'datetime', updatedAt: 'datetime' }
};
const LIST_DOC = {
	filters: { id: 'Integer', created_at: 'DateTime', updated_at: 'DateTime' },
	sorts: ['id', 'created_at', 'updated_at'],
	defaultSort: 'id'
};

const fieldsOf = (r: { id: string; createdAt: Date; updatedAt: Date }) => ({
	id: Number(r.id),
	createdAt: r.createdAt,
	updatedAt: r.updatedAt
});

function page<T extends { id: string; createdAt: Date; updatedAt: Date }, A>(
	ctx: ApiContext,
	key: string,
	records: T[],
	toApi: (r: T, origin: string) => A
): Response {
	const params = parseListParams(ctx.url, LIST);
	const { items, total } = inMemoryPage(
		records.map((r) => ({ item: r, fields: fieldsOf(r) })),
		params
	);
	return jsonResponse({
		[key]: items.map((r) => toApi(r, ctx.origin)),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

/** Who may give a type: providers of one of its services; anyone bookable for a type without services. */
function gives(p: PractitionerRecord, t: AppointmentTypeRecord): boolean {
	if (!t.services.length) return p.isBookable;
	return p.services.some((s) => t.services.some((ts) => ts.id === s.id));
}

async function practitionerById(ctx: ApiContext, id: string): Promise<PractitionerRecord> {
	const found = (await findPractitionerRecords(ctx.em)).find((p) => p.id === id);
	if (!found) throw notFoundError('Practitioner');
	return found;
}

async function typeById(ctx: ApiContext, id: string): Promise<AppointmentTypeRecord> {
	const found = (await findAppointmentTypeRecords(ctx.em)).find((t) => t.id === id);
	if (!found) throw notFoundError('Appointment type');
	return found;
}

const access = { roles: 'any' as const };

export const practitionerRoutes: ApiRoute[] = [
	{
		method: 'GET',
		path: '/practitioners',
		operationId: 'listPractitioners',
		summary: 'Get practitioners',
		description: 'Staff who give appointments (practitioners and admins), and former ones (active: false).',
		tag: 'Practitioners',
		access,
		list: LIST_DOC,
		responses: { 200: { description: 'A page of practitioners', schema: 'PractitionerList' } },
		handle: async (ctx) =>
			page(ctx, 'practitioners', await findPractitionerRecords(ctx.em), practitionerToApi)
	},
	{
		method: 'GET',
		path: '/practitioners/{id}',
		operationId: 'getPractitioner',
		summary: 'Get a practitioner',
		tag: 'Practitioners',
		access,
		responses: {
			200: { description: 'The practitioner', schema: 'Practitioner' },
			404: { description: 'No practitioner with that id', schema: 'Error' }
		},
		handle: async (ctx) =>
			jsonResponse(practitionerToApi(await practitionerById(ctx, ctx.params.id!), ctx.origin))
	},
	{
		method: 'GET',
		path: '/practitioners/{id}/appointment_types',
		operationId: 'listAppointmentTypesOfPractitioner',
		summary: 'Get the appointment types a practitioner gives',
		tag: 'Appointment types',
		access,
		list: LIST_DOC,
		responses: {
			200: { description: 'A page of appointment types', schema: 'AppointmentTypeList' },
			404: { description: 'No practitioner with that id', schema: 'Error' }
		},
		handle: async (ctx) => {
			const practitioner = await practitionerById(ctx, ctx.params.id!);
			const types = (await findAppointmentTypeRecords(ctx.em)).filter((t) => gives(practitioner, t));
			return page(ctx, 'appointment_types', types, typeToApi);
		}
	},
	{
		method: 'GET',
		path: '/appointment_types',
		operationId: 'listAppointmentTypes',
		summary: 'Get appointment types',
		description: 'Current and retired types (active: false).',
		tag: 'Appointment types',
		access,
		list: LIST_DOC,
		responses: { 200: { description: 'A page of appointment types', schema: 'AppointmentTypeList' } },
		handle: async (ctx) => page(ctx, 'appointment_types', await findAppointmentTypeRecords(ctx.em), typeToApi)
	},
	{
		method: 'GET',
		path: '/appointment_types/{id}',
		operationId: 'getAppointmentType',
		summary: 'Get an appointment type',
		tag: 'Appointment types',
		access,
		responses: {
			200: { description: 'The appointment type', schema: 'AppointmentType' },
			404: { description: 'No appointment type with that id', schema: 'Error' }
		},
		handle: async (ctx) => jsonResponse(typeToApi(await typeById(ctx, ctx.params.id!), ctx.origin))
	},
	{
		method: 'GET',
		path: '/appointment_types/{id}/practitioners',
		operationId: 'listPractitionersOfAppointmentType',
		summary: 'Get the practitioners who give an appointment type',
		tag: 'Practitioners',
		access,
		list: LIST_DOC,
		responses: {
			200: { description: 'A page of practitioners', schema: 'PractitionerList' },
			404: { description: 'No appointment type with that id', schema: 'Error' }
		},
		handle: async (ctx) => {
			const type = await typeById(ctx, ctx.params.id!);
			const practitioners = (await findPractitionerRecords(ctx.em)).filter((p) => gives(p, type));
			return page(ctx, 'practitioners', practitioners, practitionerToApi);
		}
	}
];
