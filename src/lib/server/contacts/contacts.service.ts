// Referring doctors and other outside contacts.
import type { FilterQuery } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { CONTACT_TYPES } from '../../schemas/patient-enums.ts';
import { phoneNumber } from '../../schemas/phone.ts';
import { optionalEmail } from '../../schemas/patient.ts';
import { recordAudit, changedFields } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { notFound } from '../errors.ts';
import { Contact, contactName } from './contact.entity.ts';
import { escapeLike } from '../db/like.ts';

const text = (max: number) =>
	z
		.string()
		.max(max, `Use at most ${max} characters`)
		.transform((v) => (v.trim() === '' ? null : v.trim()))
		.nullable()
		.optional()
		.transform((v) => v ?? null);

export function contactFields() {
	return z.object({
		type: z.enum(CONTACT_TYPES, 'Choose GP, Specialist or Other').default('gp'),
		title: text(40),
		firstName: text(120),
		lastName: z.string().trim().min(1, 'Enter a last name').max(120),
		company: text(200),
		providerNumber: text(40),
		phone: z
			.string()
			.nullable()
			.optional()
			.transform((v) => (v == null || v.trim() === '' ? null : v))
			.pipe(phoneNumber(() => getConfig().CASEBOOK_DEFAULT_COUNTRY).nullable()),
		email: optionalEmail.optional().transform((v) => v ?? null),
		notes: text(5000)
	});
}

export const findContactsInput = z.object({
	search: z.string().trim().max(200).optional(),
	type: z.enum(CONTACT_TYPES).optional(),
	/** Archived contacts instead of current ones (to find one to restore). */
	archived: z.boolean().default(false),
	page: z.number().int().min(1).max(10_000).default(1),
	perPage: z.number().int().min(1).max(100).default(25)
});

export type ContactView = ReturnType<typeof toContactView>;

export function toContactView(c: Contact) {
	return {
		id: c.id,
		type: c.type,
		title: c.title ?? null,
		firstName: c.firstName ?? null,
		lastName: c.lastName,
		name: contactName(c),
		company: c.company ?? null,
		providerNumber: c.providerNumber ?? null,
		phone: c.phone ?? null,
		email: c.email ?? null,
		notes: c.notes ?? null,
		archivedAt: c.archivedAt ?? null,
		version: c.version
	};
}

export async function findContacts(em: Em, input: z.output<typeof findContactsInput>) {
	const where: FilterQuery<Contact> = { archivedAt: input.archived ? { $ne: null } : null };
	if (input.type) where.type = input.type;
	if (input.search) {
		const like = `%${escapeLike(input.search)}%`;
		where.$or = [
			{ lastName: { $ilike: like } },
			{ firstName: { $ilike: like } },
			{ company: { $ilike: like } },
			{ providerNumber: { $ilike: like } }
		];
	}
	const [items, total] = await em.findAndCount(Contact, where, {
		orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' },
		limit: input.perPage,
		offset: (input.page - 1) * input.perPage
	});
	return {
		items: items.map(toContactView),
		total,
		page: input.page,
		pageCount: Math.max(1, Math.ceil(total / input.perPage))
	};
}

export async function getContact(em: Em, id: string) {
	const contact = await em.findOne(Contact, { id });
	if (!contact) throw notFound('Contact');
	return toContactView(contact);
}

export async function createContact(em: Em, actor: Actor, input: z.output<ReturnType<typeof contactFields>>) {
	return em.transactional(async (tx) => {
		const contact = tx.create(Contact, input);
		await tx.flush();
		recordAudit(tx, actor, { action: 'contact.create', recordType: 'contact', recordId: contact.id });
		return toContactView(contact);
	});
}

export async function updateContact(
	em: Em,
	actor: Actor,
	input: z.output<ReturnType<typeof contactFields>> & { id: string; version: number }
) {
	return em.transactional(async (tx) => {
		const contact = await tx.findOne(Contact, { id: input.id });
		if (!contact) throw notFound('Contact');
		assertVersion(contact, input.version, 'contact');
		const before = toContactView(contact);
		const { id: _id, version: _version, ...fields } = input;
		tx.assign(contact, fields);
		const changed = changedFields(before, toContactView(contact)).filter((f) => f !== 'name');
		if (changed.length) {
			await tx.flush();
			recordAudit(tx, actor, {
				action: 'contact.update',
				recordType: 'contact',
				recordId: contact.id,
				changedFields: changed
			});
		}
		return toContactView(contact);
	});
}

export async function archiveContact(em: Em, actor: Actor, id: string) {
	return em.transactional(async (tx) => {
		const contact = await tx.findOne(Contact, { id });
		if (!contact) throw notFound('Contact');
		contact.archivedAt ??= new Date();
		recordAudit(tx, actor, {
			action: 'contact.archive',
			recordType: 'contact',
			recordId: id,
			changedFields: ['archivedAt']
		});
		return toContactView(contact);
	});
}

/** Offers an archived contact on patient forms again. Restoring a current contact changes nothing. */
export async function unarchiveContact(em: Em, actor: Actor, id: string) {
	return em.transactional(async (tx) => {
		const contact = await tx.findOne(Contact, { id });
		if (!contact) throw notFound('Contact');
		if (contact.archivedAt) {
			contact.archivedAt = null;
			recordAudit(tx, actor, {
				action: 'contact.unarchive',
				recordType: 'contact',
				recordId: id,
				changedFields: ['archivedAt']
			});
		}
		return toContactView(contact);
	});
}
