// The clinic-editable body-part vocabulary cases are about ("Left shoulder", "Lumbar spine").
// Parts are archived, never deleted: cases keep the parts they use. Every change is audited in its
// own transaction. Signatures follow the other services here: (em, actor, raw input).
import type { FilterQuery } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { escapeLike } from '../db/like.ts';
import { uniqueName } from '../db/unique-name.ts';
import type { Em } from '../db/orm.ts';
import { notFound } from '../errors.ts';
import { BodyPart } from './body-part.entity.ts';
import {
	bodyPartIdInput,
	createBodyPartInput,
	findBodyPartsInput,
	renameBodyPartInput,
	type BodyPartIdInput,
	type CreateBodyPartInput,
	type FindBodyPartsInput,
	type RenameBodyPartInput
} from './body-parts.schemas.ts';

export interface BodyPartView {
	id: string;
	name: string;
	isActive: boolean;
}

export function toBodyPartView(part: BodyPart): BodyPartView {
	return { id: part.id, name: part.name, isActive: part.isActive };
}

export const DUPLICATE_BODY_PART = 'A body part with this name already exists';

/** Current names are unique, ignoring case (the partial unique index enforces the same). */
const names = uniqueName(BodyPart, { isActive: true }, DUPLICATE_BODY_PART);

async function loadBodyPart(em: Em, id: string): Promise<BodyPart> {
	const part = await em.findOne(BodyPart, { id });
	if (!part) throw notFound('Body part');
	return part;
}

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** The vocabulary by name (case-insensitive); archived parts only when asked. A short list: no paging. */
export async function findBodyParts(em: Em, raw: FindBodyPartsInput = {}): Promise<BodyPartView[]> {
	const input = findBodyPartsInput.parse(raw);
	const where: FilterQuery<BodyPart> = {};
	if (!input.includeArchived) where.isActive = true;
	if (input.search) where.name = { $ilike: `%${escapeLike(input.search)}%` };
	const parts = await em.find(BodyPart, where, { orderBy: { name: 'asc', id: 'asc' } });
	return parts
		.map(toBodyPartView)
		.sort((a, b) => byName.compare(a.name, b.name) || Number(BigInt(a.id) - BigInt(b.id)));
}

export async function createBodyPart(em: Em, actor: Actor, raw: CreateBodyPartInput): Promise<BodyPartView> {
	const input = createBodyPartInput.parse(raw);
	return em.transactional(async (tx) => {
		await names.assertFree(tx, input.name);
		const part = tx.create(BodyPart, { name: input.name, isActive: true });
		await names.flush(tx);
		recordAudit(tx, actor, {
			action: 'body_part.create',
			recordType: 'body_part',
			recordId: part.id,
			details: { name: part.name }
		});
		return toBodyPartView(part);
	});
}

/** Renames a part everywhere it is used (cases show the current name). */
export async function renameBodyPart(em: Em, actor: Actor, raw: RenameBodyPartInput): Promise<BodyPartView> {
	const input = renameBodyPartInput.parse(raw);
	return em.transactional(async (tx) => {
		const part = await loadBodyPart(tx, input.id);
		if (part.name === input.name) return toBodyPartView(part);
		if (part.isActive) await names.assertFree(tx, input.name, part.id);
		const from = part.name;
		part.name = input.name;
		await names.flush(tx);
		recordAudit(tx, actor, {
			action: 'body_part.rename',
			recordType: 'body_part',
			recordId: part.id,
			changedFields: ['name'],
			details: { from, to: part.name }
		});
		return toBodyPartView(part);
	});
}

/** No longer offered for new cases; cases that use it keep it. Archiving an archived part changes nothing. */
export async function archiveBodyPart(em: Em, actor: Actor, raw: BodyPartIdInput): Promise<BodyPartView> {
	const input = bodyPartIdInput.parse(raw);
	return em.transactional(async (tx) => {
		const part = await loadBodyPart(tx, input.id);
		if (!part.isActive) return toBodyPartView(part);
		part.isActive = false;
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'body_part.archive',
			recordType: 'body_part',
			recordId: part.id,
			changedFields: ['isActive'],
			details: { name: part.name }
		});
		return toBodyPartView(part);
	});
}

/** Offers an archived part again, unless an active part has taken its name meanwhile. */
export async function unarchiveBodyPart(em: Em, actor: Actor, raw: BodyPartIdInput): Promise<BodyPartView> {
	const input = bodyPartIdInput.parse(raw);
	return em.transactional(async (tx) => {
		const part = await loadBodyPart(tx, input.id);
		if (part.isActive) return toBodyPartView(part);
		await names.assertFree(tx, part.name, part.id);
		part.isActive = true;
		await names.flush(tx);
		recordAudit(tx, actor, {
			action: 'body_part.unarchive',
			recordType: 'body_part',
			recordId: part.id,
			changedFields: ['isActive'],
			details: { name: part.name }
		});
		return toBodyPartView(part);
	});
}
