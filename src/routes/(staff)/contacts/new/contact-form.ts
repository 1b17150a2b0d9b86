// The referring doctor form, on the server: posted form values in, `contacts.create` / `contacts.update`
// input out, and a contact back into the strings the form shows. Shared by new/ and [id]/.
import { formatPhone } from '$lib/components/patients/phone';
import { CONTACT_TYPES, type ContactType } from '$lib/schemas/patient-enums';
import type { ContactView } from '$lib/server/contacts/contacts.service';
import { field, type FormValues } from '$lib/forms/values';

export const CONTACT_FORM_FIELDS = [
	'type',
	'title',
	'firstName',
	'lastName',
	'company',
	'providerNumber',
	'phone',
	'email',
	'notes'
] as const;
export type ContactFormField = (typeof CONTACT_FORM_FIELDS)[number];
export type ContactFormValues = Record<ContactFormField, string>;

export function emptyContactFormValues(): ContactFormValues {
	const values = Object.fromEntries(CONTACT_FORM_FIELDS.map((name) => [name, ''])) as ContactFormValues;
	return { ...values, type: 'gp' };
}

export function contactFormValues(contact: ContactView, clinicCountry: string): ContactFormValues {
	return {
		type: contact.type,
		title: contact.title ?? '',
		firstName: contact.firstName ?? '',
		lastName: contact.lastName,
		company: contact.company ?? '',
		providerNumber: contact.providerNumber ?? '',
		phone: contact.phone ? formatPhone(contact.phone, clinicCountry) : '',
		email: contact.email ?? '',
		notes: contact.notes ?? ''
	};
}

/** Strings as typed (the schema trims, and turns '' into null); an unknown type is left to it. */
export function readContactForm(data: FormValues) {
	const values = emptyContactFormValues();
	for (const name of CONTACT_FORM_FIELDS) values[name] = field(data, name);
	const type = CONTACT_TYPES.includes(values.type as ContactType) ? (values.type as ContactType) : undefined;
	return { values, input: { ...values, type } };
}
