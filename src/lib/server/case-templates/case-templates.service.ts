// Patient case templates (issue 5, seed 001): which kinds of case the clinic offers, for which
// services (more than one = a shared case), and which appointment types patients on such cases may
// request in the portal, with the duration offered. Cases refer to their template (issue 6), so an
// edit changes every case made from it; delete removes an unused template and archives a used one.
import type { FilterQuery } from '@mikro-orm/postgresql';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/postgresql';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { changedFields, recordAudit } from '../audit/audit.service.ts';
import { hasRole, type Actor } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';
import { escapeLike } from '../db/like.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError, notFound, type FieldErrors } from '../errors.ts';
import { Case } from '../cases/case.entity.ts';
import { Service } from '../services/service.entity.ts';
import { CaseTemplate, CaseTemplateRequestType } from './case-template.entity.ts';
import {
	caseTemplateIdInput,
	createCaseTemplateInput,
	defaultRequestDuration,
	findCaseTemplatesInput,
	updateCaseTemplateInput,
	type CreateCaseTemplateInput,
	type FindCaseTemplatesInput,
	type UpdateCaseTemplateInput
} from './case-templates.schemas.ts';

const DUPLICATE_NAME = 'An active case template already has this name';

// ---------------------------------------------------------------------------------------------
// Views: plain objects, never entities.

export interface CaseTemplateRequestTypeView {
	appointmentTypeId: string;
	name: string;
	durationMinutes: number;
	/** The type's own duration rounded to a step of 5: what the form offers by default. */
	defaultDuration: number;
}

export interface CaseTemplateView {
	id: string;
	name: string;
	description: string | null;
	/** More than one service: a shared case. */
	isShared: boolean;
	services: { id: string; name: string; colour: string }[];
	isActive: boolean;
	archivedAt: Date | null;
	allowsRequests: boolean;
	requestTypes: CaseTemplateRequestTypeView[];
	/** Requests are allowed but no appointment type is: patients could request nothing. */
	requestsWithoutTypes: boolean;
	version: number;
}

export interface CaseTemplateDetailView extends CaseTemplateView {
	/** How many cases refer to this template (an edit changes all of them). */
	affectedCases: number;
}

/** Call with `services` and `requestableTypes.appointmentType` populated. */
export function toCaseTemplateView(t: CaseTemplate): CaseTemplateView {
	const services = t.services
		.getItems()
		.map((s) => ({ id: s.id, name: s.name, colour: s.colour }))
		.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
	const requestTypes = t.requestableTypes
		.getItems()
		.map((r) => ({
			appointmentTypeId: r.appointmentType.id,
			name: r.appointmentType.name,
			durationMinutes: r.durationMinutes,
			defaultDuration: defaultRequestDuration(r.appointmentType.durationMinutes)
		}))
		.sort((a, b) => a.name.localeCompare(b.name) || a.appointmentTypeId.localeCompare(b.appointmentTypeId));
	return {
		id: t.id,
		name: t.name,
		description: t.description ?? null,
		isShared: services.length > 1,
		services,
		isActive: t.isActive,
		archivedAt: t.archivedAt ?? null,
		allowsRequests: t.allowsRequests,
		requestTypes,
		requestsWithoutTypes: t.allowsRequests && requestTypes.length === 0,
		version: t.version
	};
}

const POPULATE = ['services', 'requestableTypes.appointmentType'] as const;

// ---------------------------------------------------------------------------------------------
// Visibility: admins and schedulers see every template; a practitioner only those associated with
// one of their services.

export function templateVisibilityFilter(actor: Actor): FilterQuery<CaseTemplate> {
	const user = actor.user;
	if (!user || user.kind !== 'staff') throw new AppError('FORBIDDEN', 'This is for clinic staff only.');
	if (hasRole(user, 'scheduler')) return {};
	return { services: { practitioners: user.id } };
}

/** Cases made from this template. */
export async function countCasesUsingTemplate(em: Em, templateId: string): Promise<number> {
	return em.count(Case, { template: templateId });
}

export async function findCaseTemplates(em: Em, actor: Actor, rawInput: FindCaseTemplatesInput = {}) {
	const input = findCaseTemplatesInput.parse(rawInput);
	const where: FilterQuery<CaseTemplate>[] = [templateVisibilityFilter(actor)];
	if (!input.includeArchived) where.push({ isActive: true });
	if (input.search) where.push({ name: { $ilike: `%${escapeLike(input.search)}%` } });
	// Ids first (the visibility join may match a template through several services), then the rows.
	const matching = await em.find(CaseTemplate, { $and: where }, { fields: ['id'], orderBy: { id: 'asc' } });
	const ids = [...new Set(matching.map((t) => t.id))];
	const total = ids.length;
	const [items] = await Promise.all([
		ids.length
			? em.find(
					CaseTemplate,
					{ id: { $in: ids } },
					{
						populate: POPULATE,
						orderBy: { isActive: 'desc', name: 'asc', id: 'asc' },
						limit: input.perPage,
						offset: (input.page - 1) * input.perPage
					}
				)
			: Promise.resolve([] as CaseTemplate[])
	]);
	return {
		items: items.map(toCaseTemplateView),
		total,
		page: input.page,
		pageCount: Math.max(1, Math.ceil(total / input.perPage))
	};
}

async function loadVisible(em: Em, actor: Actor, id: string): Promise<CaseTemplate> {
	const visible = await em.findOne(
		CaseTemplate,
		{ $and: [{ id }, templateVisibilityFilter(actor)] },
		{ fields: ['id'] }
	);
	if (!visible) throw notFound('Case template');
	return em.findOneOrFail(CaseTemplate, { id }, { populate: POPULATE, refresh: true });
}

export async function getCaseTemplate(em: Em, actor: Actor, id: string): Promise<CaseTemplateDetailView> {
	const { id: templateId } = caseTemplateIdInput.parse({ id });
	const template = await loadVisible(em, actor, templateId);
	return { ...toCaseTemplateView(template), affectedCases: await countCasesUsingTemplate(em, template.id) };
}

/** What the template form offers: active services and the appointment types belonging to them. */
export async function caseTemplateFormOptions(em: Em) {
	const [services, types] = await Promise.all([
		em.find(Service, { isActive: true }, { orderBy: { name: 'asc', id: 'asc' } }),
		em.find(
			AppointmentType,
			{ isActive: true },
			{ populate: ['services'], orderBy: { name: 'asc', id: 'asc' } }
		)
	]);
	return {
		services: services.map((s) => ({ id: s.id, name: s.name, colour: s.colour })),
		appointmentTypes: types.map((t) => ({
			id: t.id,
			name: t.name,
			durationMinutes: t.durationMinutes,
			defaultDuration: defaultRequestDuration(t.durationMinutes),
			serviceIds: t.services.getItems().map((s) => s.id)
		}))
	};
}

// ---------------------------------------------------------------------------------------------
// Changes.

type Parsed = ReturnType<typeof createCaseTemplateInput.parse>;

interface Resolved {
	services: Service[];
	requestTypes: { type: AppointmentType; durationMinutes: number }[];
}

/** Checks everything against the database; collects every field error before failing. */
async function resolve(tx: Em, input: Parsed, selfId: string | null, checkName: boolean): Promise<Resolved> {
	const errors: FieldErrors = {};
	const add = (field: string, message: string) => (errors[field] ??= []).push(message);

	if (checkName) {
		const clash = await tx.findOne(CaseTemplate, {
			name: { $ilike: escapeLike(input.name) },
			isActive: true,
			...(selfId ? { id: { $ne: selfId } } : {})
		});
		if (clash) {
			throw new AppError('CONFLICT', DUPLICATE_NAME, { fieldErrors: { name: [DUPLICATE_NAME] } });
		}
	}

	const services = await tx.find(Service, { id: { $in: input.serviceIds }, isActive: true });
	if (services.length !== input.serviceIds.length) add('serviceIds', 'Choose active services only');
	const serviceIds = new Set(input.serviceIds);

	const typeIds = input.requestTypes.map((r) => r.appointmentTypeId);
	const types = typeIds.length
		? await tx.find(AppointmentType, { id: { $in: typeIds } }, { populate: ['services'] })
		: [];
	const byId = new Map(types.map((t) => [t.id, t]));
	const requestTypes: Resolved['requestTypes'] = [];
	input.requestTypes.forEach((row, index) => {
		const type = byId.get(row.appointmentTypeId);
		if (!type) {
			add(`requestTypes.${index}.appointmentTypeId`, 'This appointment type does not exist');
			return;
		}
		if (!type.services.getItems().some((s) => serviceIds.has(s.id))) {
			add(
				`requestTypes.${index}.appointmentTypeId`,
				`${type.name} does not belong to any of this template’s services`
			);
			return;
		}
		requestTypes.push({
			type,
			durationMinutes: row.durationMinutes ?? defaultRequestDuration(type.durationMinutes)
		});
	});

	if (Object.keys(errors).length) {
		throw new AppError('BAD_REQUEST', 'Some fields need attention', { fieldErrors: errors });
	}
	return { services, requestTypes };
}

function apply(tx: Em, template: CaseTemplate, input: Parsed, resolved: Resolved) {
	template.name = input.name;
	template.description = input.description;
	template.allowsRequests = input.allowsRequests;
	template.services.set(resolved.services);
	const existing = new Map(template.requestableTypes.getItems().map((r) => [r.appointmentType.id, r]));
	const wanted = new Set(resolved.requestTypes.map((r) => r.type.id));
	for (const [typeId, row] of existing) {
		if (!wanted.has(typeId)) template.requestableTypes.remove(row);
	}
	for (const { type, durationMinutes } of resolved.requestTypes) {
		const row = existing.get(type.id);
		if (row) row.durationMinutes = durationMinutes;
		else
			template.requestableTypes.add(
				tx.create(CaseTemplateRequestType, { template, appointmentType: type, durationMinutes })
			);
	}
}

/** The audited shape: field names as the form knows them. */
function snapshot(view: CaseTemplateView) {
	return {
		name: view.name,
		description: view.description,
		serviceIds: view.services.map((s) => s.id),
		allowsRequests: view.allowsRequests,
		requestTypes: view.requestTypes.map((r) => [r.appointmentTypeId, r.durationMinutes])
	};
}

async function flushName(tx: Em) {
	try {
		await tx.flush();
	} catch (error) {
		// Two saves racing past the name check: the unique index decides.
		if (error instanceof UniqueConstraintViolationException) {
			throw new AppError('CONFLICT', DUPLICATE_NAME, {
				fieldErrors: { name: [DUPLICATE_NAME] },
				cause: error
			});
		}
		throw error;
	}
}

export async function createCaseTemplate(
	em: Em,
	actor: Actor,
	rawInput: CreateCaseTemplateInput
): Promise<CaseTemplateView> {
	const input = createCaseTemplateInput.parse(rawInput);
	return em.transactional(async (tx) => {
		const resolved = await resolve(tx, input, null, true);
		const template = tx.create(CaseTemplate, {
			name: input.name,
			description: input.description,
			allowsRequests: input.allowsRequests,
			isActive: true
		});
		apply(tx, template, input, resolved);
		await flushName(tx);
		const view = toCaseTemplateView(template);
		recordAudit(tx, actor, {
			action: 'case_template.create',
			recordType: 'case_template',
			recordId: template.id,
			changedFields: Object.keys(snapshot(view))
		});
		await tx.flush();
		return view;
	});
}

export async function updateCaseTemplate(
	em: Em,
	actor: Actor,
	rawInput: UpdateCaseTemplateInput
): Promise<CaseTemplateDetailView> {
	const input = updateCaseTemplateInput.parse(rawInput);
	return em.transactional(async (tx) => {
		const template = await tx.findOne(CaseTemplate, { id: input.id }, { populate: POPULATE });
		if (!template) throw notFound('Case template');
		assertVersion(template, input.version, 'case template');
		const before = snapshot(toCaseTemplateView(template));
		const resolved = await resolve(tx, input, template.id, template.isActive);
		apply(tx, template, input, resolved);
		const changed = changedFields(before, snapshot(toCaseTemplateView(template)));
		if (changed.length) {
			// The template row itself may be unchanged (only its services or types): bump the version
			// anyway, so a form opened before this save cannot overwrite it.
			if (!changed.some((f) => f === 'name' || f === 'description' || f === 'allowsRequests')) {
				template.updatedAt = new Date();
			}
			await flushName(tx);
			recordAudit(tx, actor, {
				action: 'case_template.update',
				recordType: 'case_template',
				recordId: template.id,
				changedFields: changed
			});
			await tx.flush();
		}
		return { ...toCaseTemplateView(template), affectedCases: await countCasesUsingTemplate(tx, template.id) };
	});
}

async function archiveIn(tx: Em, actor: Actor, template: CaseTemplate): Promise<void> {
	if (!template.isActive) return;
	template.isActive = false;
	template.archivedAt = new Date();
	await tx.flush();
	recordAudit(tx, actor, {
		action: 'case_template.archive',
		recordType: 'case_template',
		recordId: template.id,
		changedFields: ['isActive', 'archivedAt']
	});
	await tx.flush();
}

/** No longer offered for new cases; existing cases keep showing it. */
export async function archiveCaseTemplate(em: Em, actor: Actor, id: string): Promise<CaseTemplateView> {
	const { id: templateId } = caseTemplateIdInput.parse({ id });
	return em.transactional(async (tx) => {
		const template = await tx.findOne(CaseTemplate, { id: templateId }, { populate: POPULATE });
		if (!template) throw notFound('Case template');
		await archiveIn(tx, actor, template);
		return toCaseTemplateView(template);
	});
}

export type DeleteCaseTemplateOutcome = 'deleted' | 'archived';

/** Removes a template no case uses; archives one that cases use (they keep showing it). */
export async function deleteCaseTemplate(
	em: Em,
	actor: Actor,
	id: string
): Promise<{ outcome: DeleteCaseTemplateOutcome; affectedCases: number }> {
	const { id: templateId } = caseTemplateIdInput.parse({ id });
	return em.transactional(async (tx) => {
		// The row lock waits for any case being created from this template right now (its foreign
		// key holds a share lock), so the count below cannot miss it.
		const template = await tx.findOne(
			CaseTemplate,
			{ id: templateId },
			{ lockMode: LockMode.PESSIMISTIC_WRITE }
		);
		if (!template) throw notFound('Case template');
		const affectedCases = await countCasesUsingTemplate(tx, template.id);
		if (affectedCases > 0) {
			await archiveIn(tx, actor, template);
			return { outcome: 'archived' as const, affectedCases };
		}
		await tx.nativeDelete(CaseTemplate, { id: template.id });
		recordAudit(tx, actor, {
			action: 'case_template.delete',
			recordType: 'case_template',
			recordId: template.id,
			details: { name: template.name }
		});
		await tx.flush();
		return { outcome: 'deleted' as const, affectedCases };
	});
}
