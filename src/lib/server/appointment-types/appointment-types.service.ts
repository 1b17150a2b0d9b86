// Appointment types (e.g. "Initial consultation", 45 min, $95): each belongs to one or more services.
// Views are plain objects; every change is audited in the same transaction.
import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/postgresql';
import { changedFields, recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { escapeLike } from '../db/like.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError, fieldError, notFound } from '../errors.ts';
import { Service } from '../services/service.entity.ts';
import { AppointmentType } from './appointment-type.entity.ts';
import {
	createAppointmentTypeInput,
	findAppointmentTypesInput,
	updateAppointmentTypeInput,
	type CreateAppointmentTypeInput,
	type FindAppointmentTypesInput,
	type UpdateAppointmentTypeInput
} from './appointment-types.schemas.ts';

export type AppointmentTypeView = {
	id: string;
	name: string;
	services: { id: string; name: string; colour: string; isActive: boolean }[];
	serviceIds: string[];
	durationMinutes: number;
	priceCents: number;
	colour: string;
	isActive: boolean;
	version: number;
};

export function toAppointmentTypeView(type: AppointmentType): AppointmentTypeView {
	const services = type.services.isInitialized()
		? type.services
				.getItems()
				.map((s) => ({ id: s.id, name: s.name, colour: s.colour, isActive: s.isActive }))
				.sort((a, b) => a.name.localeCompare(b.name))
		: [];
	return {
		id: type.id,
		name: type.name,
		services,
		serviceIds: services.map((s) => s.id),
		durationMinutes: type.durationMinutes,
		priceCents: type.priceCents,
		colour: type.colour,
		isActive: type.isActive,
		version: type.version
	};
}

const DUPLICATE_NAME = 'An active appointment type already has this name';

function duplicateName(): AppError {
	return fieldError('name', DUPLICATE_NAME, 'CONFLICT');
}

// No unique index on appointment_type names: the check runs under a transaction-scoped advisory
// lock so two saves of the same name cannot both pass it.
async function assertNameFree(em: Em, name: string, exceptId?: string): Promise<void> {
	await em.execute("select pg_advisory_xact_lock(hashtext('appointment_type.name'))");
	const where: FilterQuery<AppointmentType> = { name: { $ilike: escapeLike(name) }, isActive: true };
	if (exceptId) where.id = { $ne: exceptId };
	if (await em.count(AppointmentType, where)) throw duplicateName();
}

/** The chosen services: each must exist and be active (one already linked may stay if inactive). */
async function loadServices(em: Em, ids: string[], alreadyLinked: string[] = []): Promise<Service[]> {
	const services = await em.find(Service, { id: { $in: ids } });
	const usable = services.filter((s) => s.isActive || alreadyLinked.includes(s.id));
	if (usable.length !== ids.length) {
		throw fieldError('serviceIds', 'Choose only active services');
	}
	return usable;
}

export async function findAppointmentTypes(em: Em, raw: FindAppointmentTypesInput = {}) {
	const input = findAppointmentTypesInput.parse(raw);
	const where: FilterQuery<AppointmentType> = {};
	if (!input.includeInactive) where.isActive = true;
	if (input.search) where.name = { $ilike: `%${escapeLike(input.search)}%` };
	if (input.serviceId) where.services = { id: input.serviceId };
	const matching = await em.find(AppointmentType, where, { fields: ['id'], limit: 500 });
	const types = matching.length
		? await em.find(
				AppointmentType,
				{ id: { $in: matching.map((t) => t.id) } },
				{ orderBy: { isActive: 'desc', name: 'asc', id: 'asc' }, populate: ['services'] }
			)
		: [];
	return { items: types.map(toAppointmentTypeView), total: types.length };
}

async function loadType(em: Em, id: string): Promise<AppointmentType> {
	const type = await em.findOne(AppointmentType, { id }, { populate: ['services'] });
	if (!type) throw notFound('Appointment type');
	return type;
}

export async function getAppointmentType(em: Em, id: string): Promise<AppointmentTypeView> {
	return toAppointmentTypeView(await loadType(em, id));
}

async function flushNamed(em: Em): Promise<void> {
	try {
		await em.flush();
	} catch (error) {
		if (error instanceof UniqueConstraintViolationException) throw duplicateName();
		throw error;
	}
}

export async function createAppointmentType(
	em: Em,
	actor: Actor,
	raw: CreateAppointmentTypeInput
): Promise<AppointmentTypeView> {
	const input = createAppointmentTypeInput.parse(raw);
	return em.transactional(async (tx) => {
		if (input.isActive) await assertNameFree(tx, input.name);
		const services = await loadServices(tx, input.serviceIds);
		const { serviceIds: _ids, ...fields } = input;
		const type = tx.create(AppointmentType, { ...fields, services });
		await flushNamed(tx);
		recordAudit(tx, actor, {
			action: 'appointmentType.create',
			recordType: 'appointment_type',
			recordId: type.id
		});
		return toAppointmentTypeView(type);
	});
}

export async function updateAppointmentType(
	em: Em,
	actor: Actor,
	raw: UpdateAppointmentTypeInput
): Promise<AppointmentTypeView> {
	const input = updateAppointmentTypeInput.parse(raw);
	return em.transactional(async (tx) => {
		const type = await loadType(tx, input.id);
		assertVersion(type, input.version, 'appointment type');
		const before = toAppointmentTypeView(type);
		if (input.isActive) await assertNameFree(tx, input.name, type.id);
		const services = await loadServices(tx, input.serviceIds, before.serviceIds);
		tx.assign(type, {
			name: input.name,
			durationMinutes: input.durationMinutes,
			priceCents: input.priceCents,
			colour: input.colour,
			isActive: input.isActive
		});
		type.services.set(services);
		const changed = changedFields(before, toAppointmentTypeView(type)).filter((f) => f !== 'serviceIds');
		if (changed.length) {
			await flushNamed(tx);
			recordAudit(tx, actor, {
				action: 'appointmentType.update',
				recordType: 'appointment_type',
				recordId: type.id,
				changedFields: changed
			});
		}
		return toAppointmentTypeView(type);
	});
}
