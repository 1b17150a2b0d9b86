// The case template form's fields <-> the service input, shared by the new and edit pages.
import type { FieldErrors } from '$lib/server/errors';
import { field, fieldList, isChecked, type FormValues } from '$lib/forms/values';

/** What the form shows: saved values, or what was typed when a save failed. */
export interface TemplateFormValues {
	name: string;
	description: string;
	serviceIds: string[];
	allowsRequests: boolean;
	/** Per appointment type id: allowed, and the minutes typed (as text). */
	types: Record<string, { allowed: boolean; duration: string }>;
}

export function readTemplateForm(data: FormValues) {
	const values: TemplateFormValues = {
		name: field(data, 'name'),
		description: field(data, 'description'),
		serviceIds: fieldList(data, 'serviceIds'),
		allowsRequests: isChecked(data, 'allowsRequests'),
		types: {}
	};
	const typeIds = fieldList(data, 'typeIds');
	for (const id of typeIds) {
		values.types[id] = {
			allowed: isChecked(data, `type.${id}.allowed`),
			duration: field(data, `type.${id}.duration`)
		};
	}
	const allowedIds = typeIds.filter((id) => values.types[id]?.allowed);
	const input = {
		name: values.name,
		description: values.description,
		serviceIds: values.serviceIds,
		allowsRequests: values.allowsRequests,
		requestTypes: allowedIds.map((id) => {
			const raw = values.types[id]?.duration.trim() ?? '';
			// Empty = the type's own duration; anything else must be a number (NaN is refused).
			return { appointmentTypeId: id, durationMinutes: raw === '' ? undefined : Number(raw) };
		})
	};
	return { values, input, allowedIds };
}

/** `requestTypes.N.field` errors become `type.<id>.field`, so the form shows them on their row. */
export function errorsByType(fieldErrors: FieldErrors, allowedIds: string[]): FieldErrors {
	const out: FieldErrors = {};
	for (const [key, messages] of Object.entries(fieldErrors)) {
		const match = /^requestTypes\.(\d+)\.(\w+)$/.exec(key);
		const id = match ? allowedIds[Number(match[1])] : undefined;
		const mapped = match && id ? `type.${id}.${match[2]}` : key;
		(out[mapped] ??= []).push(...messages);
	}
	return out;
}
