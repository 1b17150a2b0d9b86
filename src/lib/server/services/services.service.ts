// Services the clinic offers (physiotherapy, OT...) and the practitioners who provide them.
// Views are plain objects; every change is audited in the same transaction.
import type { FilterQuery } from '@mikro-orm/postgresql';
import { changedFields, recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { escapeLike } from '../db/like.ts';
import { uniqueName } from '../db/unique-name.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { fieldError, notFound } from '../errors.ts';
import { Service } from './service.entity.ts';
import {
	createServiceInput,
	findServicesInput,
	setPractitionersInput,
	updateServiceInput,
	type CreateServiceInput,
	type FindServicesInput,
	type SetPractitionersInput,
	type UpdateServiceInput
} from './services.schemas.ts';

export interface PractitionerRef {
	id: string;
	name: string;
}

export type ServiceView = {
	id: string;
	name: string;
	colour: string;
	isActive: boolean;
	practitioners: PractitionerRef[];
	practitionerIds: string[];
	version: number;
};

export function toServiceView(service: Service): ServiceView {
	const practitioners = service.practitioners.isInitialized()
		? service.practitioners
				.getItems()
				.map((u) => ({ id: u.id, name: u.name }))
				.sort((a, b) => a.name.localeCompare(b.name))
		: [];
	return {
		id: service.id,
		name: service.name,
		colour: service.colour,
		isActive: service.isActive,
		practitioners,
		practitionerIds: practitioners.map((p) => p.id),
		version: service.version
	};
}

const DUPLICATE_NAME = 'An active service already has this name';

/** Current names are unique, ignoring case (the partial unique index enforces the same). */
const names = uniqueName(Service, { isActive: true }, DUPLICATE_NAME);

export async function findServices(em: Em, raw: FindServicesInput = {}) {
	const input = findServicesInput.parse(raw);
	const where: FilterQuery<Service> = {};
	if (!input.includeInactive) where.isActive = true;
	if (input.search) where.name = { $ilike: `%${escapeLike(input.search)}%` };
	const services = await em.find(Service, where, {
		orderBy: { isActive: 'desc', name: 'asc', id: 'asc' },
		populate: ['practitioners'],
		limit: 500
	});
	return { items: services.map(toServiceView), total: services.length };
}

async function loadService(em: Em, id: string): Promise<Service> {
	const service = await em.findOne(Service, { id }, { populate: ['practitioners'] });
	if (!service) throw notFound('Service');
	return service;
}

export async function getService(em: Em, id: string): Promise<ServiceView> {
	return toServiceView(await loadService(em, id));
}

export async function createService(em: Em, actor: Actor, raw: CreateServiceInput): Promise<ServiceView> {
	const input = createServiceInput.parse(raw);
	return em.transactional(async (tx) => {
		if (input.isActive) await names.assertFree(tx, input.name);
		const service = tx.create(Service, input);
		await names.flush(tx);
		recordAudit(tx, actor, { action: 'service.create', recordType: 'service', recordId: service.id });
		await tx.populate(service, ['practitioners']);
		return toServiceView(service);
	});
}

export async function updateService(em: Em, actor: Actor, raw: UpdateServiceInput): Promise<ServiceView> {
	const input = updateServiceInput.parse(raw);
	return em.transactional(async (tx) => {
		const service = await loadService(tx, input.id);
		assertVersion(service, input.version, 'service');
		const before = toServiceView(service);
		if (input.isActive) await names.assertFree(tx, input.name, service.id);
		tx.assign(service, { name: input.name, colour: input.colour, isActive: input.isActive });
		const changed = changedFields(before, toServiceView(service));
		if (changed.length) {
			await names.flush(tx);
			recordAudit(tx, actor, {
				action: 'service.update',
				recordType: 'service',
				recordId: service.id,
				changedFields: changed
			});
		}
		return toServiceView(service);
	});
}

/** Active staff who may be linked to services: practitioners (and admins, who hold every role). */
function practitionerWhere(): FilterQuery<User> {
	return {
		kind: 'staff',
		isActive: true,
		$or: [{ roles: { $contains: ['practitioner'] } }, { roles: { $contains: ['admin'] } }]
	};
}

/** The staff an admin may tick on a service's Practitioners list. */
export async function listPractitionerCandidates(em: Em): Promise<PractitionerRef[]> {
	const users = await em.find(User, practitionerWhere(), { orderBy: { name: 'asc', id: 'asc' } });
	return users.map((u) => ({ id: u.id, name: u.name }));
}

export async function setServicePractitioners(
	em: Em,
	actor: Actor,
	raw: SetPractitionersInput
): Promise<ServiceView> {
	const input = setPractitionersInput.parse(raw);
	return em.transactional(async (tx) => {
		const service = await loadService(tx, input.serviceId);
		const users = input.userIds.length
			? await tx.find(User, { $and: [{ id: { $in: input.userIds } }, practitionerWhere()] })
			: [];
		if (users.length !== input.userIds.length) {
			throw fieldError('userIds', 'Only active staff with the practitioner role can be linked to a service');
		}
		const before = service.practitioners.getItems().map((u) => u.id);
		service.practitioners.set(users);
		const after = users.map((u) => u.id);
		const added = after.filter((id) => !before.includes(id));
		const removed = before.filter((id) => !after.includes(id));
		if (added.length || removed.length) {
			await tx.flush();
			recordAudit(tx, actor, {
				action: 'service.practitioners',
				recordType: 'service',
				recordId: service.id,
				changedFields: ['practitioners'],
				details: { added, removed }
			});
		}
		return toServiceView(service);
	});
}
