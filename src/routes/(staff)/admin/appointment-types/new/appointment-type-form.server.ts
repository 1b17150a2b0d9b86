// The appointment type form, on the server: posted form values in, `appointmentTypes.create` / `update` input
// out, and a type back into the values the form shows. Shared by new/ and [id]/.
import type { RequestEvent } from '@sveltejs/kit';
import { appointmentTypesRouter } from '$lib/server/appointment-types/appointment-types.router';
import { centsToDollars, dollarsToCents } from '$lib/server/appointment-types/appointment-types.schemas';
import type { AppointmentTypeView } from '$lib/server/appointment-types/appointment-types.service';
import { servicesRouter } from '$lib/server/services/services.router';
import { createCallerFactory } from '$lib/server/trpc/init';
import { createContextFromEvent } from '$lib/server/app/caller';
import { field, fieldList, isChecked, type FormValues } from '$lib/server/web/forms';

// These routers are not in the app router yet: call them on their own, with the same access checks.
export const appointmentTypesCaller = (event: RequestEvent) =>
	createCallerFactory(appointmentTypesRouter)(createContextFromEvent(event));
export const servicesCaller = (event: RequestEvent) =>
	createCallerFactory(servicesRouter)(createContextFromEvent(event));

export interface AppointmentTypeFormValues {
	name: string;
	serviceIds: string[];
	durationMinutes: string;
	/** Dollars, as typed. */
	price: string;
	colour: string;
	isActive: boolean;
}

export function emptyAppointmentTypeFormValues(): AppointmentTypeFormValues {
	return { name: '', serviceIds: [], durationMinutes: '30', price: '', colour: '#0284c7', isActive: true };
}

export function appointmentTypeFormValues(type: AppointmentTypeView): AppointmentTypeFormValues {
	return {
		name: type.name,
		serviceIds: type.serviceIds,
		durationMinutes: String(type.durationMinutes),
		price: centsToDollars(type.priceCents),
		colour: type.colour,
		isActive: type.isActive
	};
}

/** Numbers that are not numbers become NaN, so the schema reports them next to their field. */
function minutes(value: string): number {
	return value.trim() === '' || !/^-?\d+(\.\d+)?$/.test(value.trim()) ? Number.NaN : Number(value);
}

export function readAppointmentTypeForm(data: FormValues) {
	const values: AppointmentTypeFormValues = {
		name: field(data, 'name'),
		serviceIds: fieldList(data, 'serviceIds'),
		durationMinutes: field(data, 'durationMinutes'),
		price: field(data, 'price'),
		colour: field(data, 'colour') || '#0284c7',
		isActive: isChecked(data, 'isActive')
	};
	const input = {
		name: values.name,
		serviceIds: values.serviceIds,
		durationMinutes: minutes(values.durationMinutes),
		priceCents: values.price.trim() === '' ? 0 : dollarsToCents(values.price),
		colour: values.colour,
		isActive: values.isActive
	};
	return { input, values };
}

/** Active services to choose from, plus any inactive one the type already has. */
export async function serviceOptions(event: RequestEvent, keep: string[] = []) {
	const { items } = await servicesCaller(event).find({ includeInactive: true });
	return items
		.filter((s) => s.isActive || keep.includes(s.id))
		.map((s) => ({ id: s.id, name: s.name, colour: s.colour, isActive: s.isActive }));
}
