// Cliniko's Contacts resource (contacts.md), read-only (contacts are kept in the app), and a
// patient's referring doctor (the patient's referring_doctor link). Casebook's GP and specialist
// contacts are Cliniko's "Doctor" contacts (type_code 1) with their doctor_type; others "Standard".
import { z } from 'zod';
import type { Contact } from '../contacts/contact.entity.ts';
import {
	findContactRecords,
	getContactRecord,
	getReferringDoctorRecord
} from '../contacts/contact-records.service.ts';
import { PATIENT_ROLES } from '../patients/patients.service.ts';
import { jsonResponse } from './http.ts';
import { pageLinks, parseListParams, type ListSpec } from './list-params.ts';
import { apiTime } from './patients.resource.ts';
import { inMemoryPage } from './resource-kit.ts';
import type { ApiContext, ApiRoute } from './route.ts';

export const contactResponse = z.object({
	id: z.number().int(),
	created_at: z.string(),
	updated_at: z.string(),
	address_1: z.string(),
	address_2: z.string(),
	address_3: z.string(),
	city: z.string(),
	company_name: z.string(),
	country: z.string(),
	deleted_at: z.null(),
	archived_at: z.string().nullable().describe('Casebook: when archived in the app; null while current'),
	doctor_type: z.enum(['general_practitioner', 'specialist']).nullable(),
	email: z.string(),
	first_name: z.string(),
	last_name: z.string(),
	notes: z.string(),
	occupation: z.string(),
	phone_numbers: z.array(z.object({ number: z.string(), phone_type: z.string() })),
	post_code: z.string(),
	preferred_name: z.string(),
	provider_number: z.string(),
	state: z.string(),
	title: z.string(),
	type: z.enum(['Doctor', 'Standard']),
	type_code: z.union([z.literal(0), z.literal(1)]),
	links: z.object({ self: z.url() })
});

export function contactUrl(origin: string, id: string): string {
	return `${origin}/api/v1/contacts/${id}`;
}

function toApi(c: Contact, origin: string): z.infer<typeof contactResponse> {
	const isDoctor = c.type === 'gp' || c.type === 'specialist';
	return {
		id: Number(c.id),
		created_at: apiTime(c.createdAt),
		updated_at: apiTime(c.updatedAt),
		address_1: '',
		address_2: '',
		address_3: '',
		city: '',
		company_name: c.company ?? '',
		country: '',
		deleted_at: null,
		archived_at: c.archivedAt ? apiTime(c.archivedAt) : null,
		doctor_type: c.type === 'gp' ? 'general_practitioner' : c.type === 'specialist' ? 'specialist' : null,
		email: c.email ?? '',
		first_name: c.firstName ?? '',
		last_name: c.lastName,
		notes: c.notes ?? '',
		occupation: '',
		phone_numbers: c.phone ? [{ number: c.phone, phone_type: 'Work' }] : [],
		post_code: '',
		preferred_name: '',
		provider_number: c.providerNumber ?? '',
		state: '',
		title: c.title ?? '',
		type: isDoctor ? 'Doctor' : 'Standard',
		type_code: isDoctor ? 1 : 0,
		links: { self: contactUrl(origin, c.id) }
	};
}

type Field = 'id' | 'createdAt' | 'updatedAt' | 'email' | 'firstName' | 'lastName' | 'typeCode';
const FILTERS = {
	created_at: 'createdAt',
	email: 'email',
	first_name: 'firstName',
	id: 'id',
	last_name: 'lastName',
	type_code: 'typeCode',
	updated_at: 'updatedAt'
} as const satisfies Record<string, Field>;
const LIST: ListSpec<Field, Field> = {
	filters: FILTERS,
	sorts: {
		id: 'id',
		created_at: 'createdAt',
		updated_at: 'updatedAt',
		first_name: 'firstName',
		last_name: 'lastName'
	},
	dates: { createdAt: 'datetime', updatedAt: 'datetime' }
};

async function listContacts(ctx: ApiContext): Promise<Response> {
	const params = parseListParams(ctx.url, LIST);
	const contacts = await findContactRecords(ctx.em);
	const { items, total } = inMemoryPage(
		contacts.map((c) => ({
			item: c,
			fields: {
				id: Number(c.id),
				createdAt: c.createdAt,
				updatedAt: c.updatedAt,
				email: c.email ?? '',
				firstName: c.firstName ?? '',
				lastName: c.lastName,
				typeCode: c.type === 'other' ? 0 : 1
			}
		})),
		params
	);
	return jsonResponse({
		contacts: items.map((c) => toApi(c, ctx.origin)),
		total_entries: total,
		links: pageLinks(ctx.url, ctx.origin, { ...params, total })
	});
}

const access = { roles: PATIENT_ROLES };

export const contactRoutes: ApiRoute[] = [
	{
		method: 'GET',
		path: '/contacts',
		operationId: 'listContacts',
		summary: 'Get contacts',
		description: 'Current and archived contacts (archived_at).',
		tag: 'Contacts',
		access,
		list: {
			filters: {
				created_at: 'DateTime',
				email: 'String',
				first_name: 'String',
				id: 'Integer',
				last_name: 'String',
				type_code: 'Integer (1: doctor, 0: standard)',
				updated_at: 'DateTime'
			},
			sorts: ['id', 'created_at', 'updated_at', 'first_name', 'last_name'],
			defaultSort: 'id'
		},
		responses: { 200: { description: 'A page of contacts', schema: 'ContactList' } },
		handle: listContacts
	},
	{
		method: 'GET',
		path: '/contacts/{id}',
		operationId: 'getContact',
		summary: 'Get a contact',
		tag: 'Contacts',
		access,
		responses: {
			200: { description: 'The contact', schema: 'Contact' },
			404: { description: 'No contact with that id', schema: 'Error' }
		},
		handle: async (ctx) => jsonResponse(toApi(await getContactRecord(ctx.em, ctx.params.id!), ctx.origin))
	},
	{
		method: 'GET',
		path: '/patients/{patient_id}/referring_doctor',
		operationId: 'getReferringDoctorOfPatient',
		summary: 'Get a patient’s referring doctor',
		tag: 'Contacts',
		access,
		responses: {
			200: { description: 'The referring doctor (a contact)', schema: 'Contact' },
			404: {
				description: 'No live patient with that id, or the patient has no referring doctor',
				schema: 'Error'
			}
		},
		handle: async (ctx) =>
			jsonResponse(toApi(await getReferringDoctorRecord(ctx.em, ctx.params.patient_id!), ctx.origin))
	}
];
