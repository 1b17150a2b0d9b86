// The clinic's practitioners and appointment types as the REST API lists them (issue 21): whole
// lists (a clinic has tens of each), current and former, because an old appointment still links to
// the practitioner who gave it and the type it was.
import type { Em } from '../db/orm.ts';
import { AppointmentType } from '../appointment-types/appointment-type.entity.ts';
import { Service } from '../services/service.entity.ts';

export interface PractitionerRecord {
	id: string;
	name: string;
	isActive: boolean;
	/** Still holds the practitioner (or admin) role: may be booked. */
	isBookable: boolean;
	createdAt: Date;
	updatedAt: Date;
	services: { id: string; name: string }[];
}

export interface AppointmentTypeRecord {
	id: string;
	name: string;
	durationMinutes: number;
	priceCents: number;
	colour: string;
	isActive: boolean;
	createdAt: Date;
	updatedAt: Date;
	services: { id: string; name: string }[];
}

/** Staff who may give appointments, and anyone who has given one. */
export async function findPractitionerRecords(em: Em): Promise<PractitionerRecord[]> {
	const rows = await em.execute<
		{ id: string; name: string; is_active: boolean; bookable: boolean; created_at: Date; updated_at: Date }[]
	>(
		`select u.id::text as id, u.name, u.is_active, (u.roles && array['practitioner','admin']::text[]) as bookable,
			u.created_at, u.updated_at
		 from app_user u
		 where u.kind = 'staff' and (u.roles && array['practitioner','admin']::text[]
			or exists (select 1 from appointment a where a.practitioner_id = u.id))
		 order by u.id`
	);
	const services = await em.find(Service, {}, { populate: ['practitioners'], orderBy: { name: 'asc' } });
	const byUser = new Map<string, { id: string; name: string }[]>();
	for (const service of services)
		for (const user of service.practitioners.getItems())
			byUser.set(user.id, [...(byUser.get(user.id) ?? []), { id: service.id, name: service.name }]);
	return rows.map((r) => ({
		id: String(r.id),
		name: r.name,
		isActive: r.is_active,
		isBookable: r.is_active && r.bookable,
		createdAt: new Date(r.created_at),
		updatedAt: new Date(r.updated_at),
		services: byUser.get(String(r.id)) ?? []
	}));
}

export async function findAppointmentTypeRecords(em: Em): Promise<AppointmentTypeRecord[]> {
	const types = await em.find(AppointmentType, {}, { populate: ['services'], orderBy: { id: 'asc' } });
	return types.map((t) => ({
		id: t.id,
		name: t.name,
		durationMinutes: t.durationMinutes,
		priceCents: t.priceCents,
		colour: t.colour,
		isActive: t.isActive,
		createdAt: t.createdAt,
		updatedAt: t.updatedAt,
		services: t.services.getItems().map((s) => ({ id: s.id, name: s.name }))
	}));
}
