// Someone outside the clinic the clinic deals with: a referring doctor (GP, specialist) or other.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { CONTACT_TYPES } from '../../schemas/patient-enums.ts';

const ContactSchema = defineEntity({
	name: 'Contact',
	tableName: 'contact',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		type: p.enum(CONTACT_TYPES).default('gp'),
		title: p.string().length(40).nullable(),
		firstName: p.string().length(120).nullable(),
		lastName: p.string().length(120),
		company: p.string().length(200).nullable(),
		providerNumber: p.string().length(40).nullable(),
		phone: p.string().length(20).nullable(),
		email: p.string().length(254).nullable(),
		notes: p.text().nullable(),
		archivedAt: p.datetime().nullable(),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	},
	indexes: [{ properties: ['lastName', 'firstName'] }]
});

export class Contact extends ContactSchema.class {}

export function contactName(contact: Pick<Contact, 'title' | 'firstName' | 'lastName'>): string {
	return [contact.title, contact.firstName, contact.lastName].filter(Boolean).join(' ');
}
ContactSchema.setClass(Contact);
export { ContactSchema };
