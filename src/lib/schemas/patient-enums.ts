// Fixed vocabularies of the patient record (Cliniko's values), shared by forms and server.
export const PHONE_TYPES = ['Mobile', 'Home', 'Work', 'Fax', 'Other'] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

export const REMINDER_TYPES = ['None', 'SMS', 'Email', 'SMS & Email'] as const;
export type ReminderType = (typeof REMINDER_TYPES)[number];

export const CONTACT_TYPES = ['gp', 'specialist', 'other'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];
export const CONTACT_TYPE_LABELS: Record<ContactType, string> = {
	gp: 'GP',
	specialist: 'Specialist',
	other: 'Other'
};

export const CUSTOM_FIELD_TYPES = ['text', 'paragraph', 'checkboxes', 'radiobuttons', 'date'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];
