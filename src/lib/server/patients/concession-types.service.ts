// The clinic's concession types (pensioner, student, healthcare card...) that patients may hold:
// admins add, rename, archive and bring them back; archived types stay on the patients who hold
// them but are no longer offered. Every change is audited in its own transaction.
import type { FilterQuery } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { escapeLike } from '../db/like.ts';
import { uniqueName } from '../db/unique-name.ts';
import type { Em } from '../db/orm.ts';
import { notFound } from '../errors.ts';
import { ConcessionType } from './concession-type.entity.ts';
import {
	concessionTypeIdInput,
	createConcessionTypeInput,
	findConcessionTypesInput,
	renameConcessionTypeInput,
	type ConcessionTypeIdInput,
	type CreateConcessionTypeInput,
	type FindConcessionTypesInput,
	type RenameConcessionTypeInput
} from './concession-types.schemas.ts';

export interface ConcessionTypeView {
	id: string;
	name: string;
	isArchived: boolean;
	archivedAt: Date | null;
	/** Live patients holding it. */
	patientCount: number;
	createdAt: Date;
	updatedAt: Date;
}

export const DUPLICATE_CONCESSION_TYPE = 'A concession type with this name already exists';

/** Current names are unique, ignoring case (the partial unique index enforces the same). */
const names = uniqueName(ConcessionType, { archivedAt: null }, DUPLICATE_CONCESSION_TYPE);

async function loadConcessionType(em: Em, id: string): Promise<ConcessionType> {
	const type = await em.findOne(ConcessionType, { id });
	if (!type) throw notFound('Concession type');
	return type;
}

async function patientCounts(em: Em, ids: string[]): Promise<Map<string, number>> {
	if (!ids.length) return new Map();
	const rows = await em.execute<{ id: string; count: string }[]>(
		`select concession_type_id::text as id, count(*) as count from patient
		 where concession_type_id in (${ids.map(() => '?').join(', ')}) and deleted_at is null
		 group by concession_type_id`,
		ids
	);
	return new Map(rows.map((r) => [r.id, Number(r.count)]));
}

function toView(type: ConcessionType, patientCount: number): ConcessionTypeView {
	return {
		id: type.id,
		name: type.name,
		isArchived: Boolean(type.archivedAt),
		archivedAt: type.archivedAt ?? null,
		patientCount,
		createdAt: type.createdAt,
		updatedAt: type.updatedAt
	};
}

async function viewOf(em: Em, type: ConcessionType): Promise<ConcessionTypeView> {
	return toView(type, (await patientCounts(em, [type.id])).get(type.id) ?? 0);
}

const byName = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Every type by name (current first when archived ones are asked for). A short list: no paging. */
export async function findConcessionTypes(
	em: Em,
	raw: FindConcessionTypesInput = {}
): Promise<ConcessionTypeView[]> {
	const input = findConcessionTypesInput.parse(raw);
	const where: FilterQuery<ConcessionType> = {};
	if (!input.includeArchived) where.archivedAt = null;
	if (input.search) where.name = { $ilike: `%${escapeLike(input.search)}%` };
	const types = await em.find(ConcessionType, where, { orderBy: { name: 'asc', id: 'asc' }, limit: 1000 });
	const counts = await patientCounts(
		em,
		types.map((t) => t.id)
	);
	return types
		.map((t) => toView(t, counts.get(t.id) ?? 0))
		.sort(
			(a, b) =>
				Number(a.isArchived) - Number(b.isArchived) ||
				byName.compare(a.name, b.name) ||
				Number(BigInt(a.id) - BigInt(b.id))
		);
}

/** One type, current or archived (a patient's link may name an archived one). */
export async function getConcessionType(em: Em, raw: ConcessionTypeIdInput): Promise<ConcessionTypeView> {
	const input = concessionTypeIdInput.parse(raw);
	return viewOf(em, await loadConcessionType(em, input.id));
}

export async function createConcessionType(
	em: Em,
	actor: Actor,
	raw: CreateConcessionTypeInput
): Promise<ConcessionTypeView> {
	const input = createConcessionTypeInput.parse(raw);
	return em.transactional(async (tx) => {
		await names.assertFree(tx, input.name);
		const type = tx.create(ConcessionType, { name: input.name });
		await names.flush(tx);
		recordAudit(tx, actor, {
			action: 'concession_type.create',
			recordType: 'concession_type',
			recordId: type.id,
			details: { name: type.name }
		});
		return toView(type, 0);
	});
}

/** Renames a type everywhere: patients who hold it show the new name. */
export async function renameConcessionType(
	em: Em,
	actor: Actor,
	raw: RenameConcessionTypeInput
): Promise<ConcessionTypeView> {
	const input = renameConcessionTypeInput.parse(raw);
	return em.transactional(async (tx) => {
		const type = await loadConcessionType(tx, input.id);
		if (type.name === input.name) return viewOf(tx, type);
		if (!type.archivedAt) await names.assertFree(tx, input.name, type.id);
		const from = type.name;
		type.name = input.name;
		await names.flush(tx);
		recordAudit(tx, actor, {
			action: 'concession_type.rename',
			recordType: 'concession_type',
			recordId: type.id,
			changedFields: ['name'],
			details: { from, to: type.name }
		});
		return viewOf(tx, type);
	});
}

async function setArchived(em: Em, actor: Actor, raw: ConcessionTypeIdInput, archived: boolean) {
	const input = concessionTypeIdInput.parse(raw);
	return em.transactional(async (tx) => {
		const type = await loadConcessionType(tx, input.id);
		if (archived === Boolean(type.archivedAt)) return viewOf(tx, type);
		// Back in the list only if no current type has taken its name meanwhile.
		if (!archived) await names.assertFree(tx, type.name, type.id);
		type.archivedAt = archived ? new Date() : null;
		await names.flush(tx);
		recordAudit(tx, actor, {
			action: archived ? 'concession_type.archive' : 'concession_type.unarchive',
			recordType: 'concession_type',
			recordId: type.id,
			changedFields: ['archivedAt'],
			details: { name: type.name }
		});
		return viewOf(tx, type);
	});
}

/** No longer offered on the patient form; patients who hold it keep it. Archiving twice changes nothing. */
export const archiveConcessionType = (em: Em, actor: Actor, raw: ConcessionTypeIdInput) =>
	setArchived(em, actor, raw, true);
export const unarchiveConcessionType = (em: Em, actor: Actor, raw: ConcessionTypeIdInput) =>
	setArchived(em, actor, raw, false);

/** What the patient form offers: current types by name. */
export async function concessionTypeOptions(em: Em): Promise<{ id: string; name: string }[]> {
	const types = await em.find(ConcessionType, { archivedAt: null }, { orderBy: { name: 'asc', id: 'asc' } });
	return types.map((t) => ({ id: t.id, name: t.name }));
}
