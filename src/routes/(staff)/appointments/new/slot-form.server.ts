// What the slot fields (lib/components/appointments/slot-fields.svelte) post, read the same way for
// booking, reserving and approving a portal request: the typed strings to show again after a
// failure, the start on the clinic's clock as an instant, and the form's own clearer messages.
import type { FieldErrors } from '$lib/server/errors';
import { field, type FormValues } from '$lib/server/web/forms';
import { zonedToInstant } from '$lib/time';
import { parseLocalDateTime } from '../calendar';

export type SlotFormValues = {
	practitionerId: string;
	appointmentTypeId: string;
	/** 'YYYY-MM-DD' and 'HH:mm' on the clinic's clock. */
	date: string;
	time: string;
	/** Minutes, as typed. */
	durationMinutes: string;
	notes: string;
};

export interface SlotRead {
	values: SlotFormValues;
	/** The start, or null when the date and time are not one. */
	startsAt: Date | null;
	/** Blank: undefined (the type's duration); not a whole number: NaN, which the schema reports at the field. */
	durationMinutes: number | undefined;
	/** Nothing chosen, or no date and time: said before the schema would say it less clearly. */
	fieldErrors: FieldErrors;
}

export function readSlotForm(form: FormValues, timeZone: string): SlotRead {
	const values: SlotFormValues = {
		practitionerId: field(form, 'practitionerId'),
		appointmentTypeId: field(form, 'appointmentTypeId'),
		date: field(form, 'date'),
		time: field(form, 'time'),
		durationMinutes: field(form, 'durationMinutes'),
		notes: field(form, 'notes')
	};
	const fieldErrors: FieldErrors = {};
	if (!values.appointmentTypeId) fieldErrors.appointmentTypeId = ['Choose an appointment type'];
	if (!values.practitionerId) fieldErrors.practitionerId = ['Choose a practitioner'];
	const local = parseLocalDateTime(`${values.date}T${values.time}`);
	if (!local) fieldErrors.startsAt = ['Enter a date and a time'];
	return {
		values,
		startsAt: local ? zonedToInstant(`${local.date}T${local.time}`, timeZone) : null,
		durationMinutes: wholeNumber(values.durationMinutes),
		fieldErrors
	};
}

/** Blank: undefined; a whole number: it; anything else: NaN. */
export function wholeNumber(value: string): number | undefined {
	const trimmed = value.trim();
	if (trimmed === '') return undefined;
	return /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}
