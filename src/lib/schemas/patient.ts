// The patient record's input rules, shared by the staff forms, tRPC and (later) the REST API.
// Built per clinic country, because phone numbers typed without a country code use it.
import { z } from 'zod';
import { isTimeZone } from './time-zone.ts';
import { filterDateProblem, type FilterDateKind } from './filter-dates.ts';
import { PHONE_TYPES, REMINDER_TYPES } from './patient-enums.ts';
import { phoneNumber } from './phone.ts';

export const MAX_NOTES = 20_000;
export const MAX_PHONE_NUMBERS = 10;
export const MAX_MEDICAL_ALERTS = 50;

/** Optional text: trimmed, empty means "not set" (null). */
function optionalText(max: number, label = 'This') {
	return z
		.string()
		.max(max, `${label} can be at most ${max.toLocaleString('en')} characters`)
		.transform((v) => (v.trim() === '' ? null : v.trim()))
		.nullable()
		.optional()
		.transform((v) => (v === undefined ? undefined : (v ?? null)));
}

export const recordId = z.string().regex(/^\d{1,18}$/, 'Not a valid id');

function isRealDate(value: string): boolean {
	const [y, m, d] = value.split('-').map(Number) as [number, number, number];
	const date = new Date(Date.UTC(y, m - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

export const isoDate = z
	.string()
	.regex(/^\d{4}-\d{2}-\d{2}$/, 'Use the format YYYY-MM-DD')
	.refine(isRealDate, 'That date does not exist');

function todayIso(): string {
	return new Date().toISOString().slice(0, 10);
}

/** '' and whitespace mean "not set": normalised to null before the real rule runs. */
const blankToNull = z
	.string()
	.nullable()
	.transform((v) => (v === null || v.trim() === '' ? null : v.trim()));

const dateOfBirth = blankToNull.pipe(
	isoDate
		.refine((v) => v <= todayIso(), 'The date of birth cannot be in the future')
		.refine((v) => v >= '1880-01-01', 'Check the year of birth')
		.nullable()
);

export { isTimeZone };

const timeZone = blankToNull.pipe(
	z
		.string()
		.refine(isTimeZone, 'Choose a time zone from the list (an IANA name such as Australia/Melbourne)')
		.nullable()
);

export const optionalEmail = blankToNull.pipe(
	z
		.email('Enter a valid email address')
		.max(254, 'That email address is too long')
		.transform((v) => v.toLowerCase())
		.nullable()
);

export function phoneNumbersSchema(defaultCountry: string | (() => string)) {
	return z
		.array(
			z.object({
				phoneType: z.enum(PHONE_TYPES, 'Choose Mobile, Home, Work, Fax or Other'),
				number: phoneNumber(defaultCountry)
			})
		)
		.max(MAX_PHONE_NUMBERS, `At most ${MAX_PHONE_NUMBERS} phone numbers`);
}

export const medicalAlertInput = z.object({
	id: z.string().max(40).optional(),
	name: z.string().trim().min(1, 'Describe the alert').max(200, 'Keep the alert under 200 characters'),
	notes: optionalText(2000, 'Notes')
});

/** Every writable field. `gender` is deprecated and deliberately absent: it is never written. */
export function patientFields(defaultCountry: string | (() => string)) {
	return z.object({
		title: optionalText(40, 'Title'),
		firstName: z.string().trim().min(1, 'Enter a first name').max(120, 'Use at most 120 characters'),
		lastName: z.string().trim().min(1, 'Enter a last name').max(120, 'Use at most 120 characters'),
		preferredFirstName: optionalText(120, 'Preferred name'),
		pronouns: optionalText(60, 'Pronouns'),
		dateOfBirth: dateOfBirth.optional(),
		sex: optionalText(60, 'Sex'),
		genderIdentity: optionalText(120, 'Gender identity'),
		email: optionalEmail.optional(),
		phoneNumbers: phoneNumbersSchema(defaultCountry).optional(),
		address1: optionalText(200, 'Address'),
		address2: optionalText(200, 'Address'),
		address3: optionalText(200, 'Address'),
		city: optionalText(120, 'City'),
		state: optionalText(120, 'State'),
		postCode: optionalText(20, 'Post code'),
		country: optionalText(120, 'Country'),
		timeZone: timeZone.optional(),
		occupation: optionalText(200, 'Occupation'),
		emergencyContact: optionalText(2000, 'Emergency contact'),
		medicare: optionalText(40, 'Medicare number'),
		medicareReferenceNumber: optionalText(10, 'Medicare reference number'),
		dvaCardNumber: optionalText(40, 'DVA card number'),
		notes: optionalText(MAX_NOTES, 'Notes'),
		appointmentNotes: optionalText(MAX_NOTES, 'Appointment notes'),
		oldReferenceId: optionalText(100, 'Old reference'),
		referralSource: optionalText(200, 'Referral source'),
		reminderType: z.enum(REMINDER_TYPES, 'Choose None, SMS, Email or SMS & Email').optional(),
		receivesConfirmationEmails: z.boolean().optional(),
		acceptedPrivacyPolicy: z.boolean().nullable().optional(),
		acceptedEmailMarketing: z.boolean().optional(),
		acceptedSmsMarketing: z.boolean().optional(),
		invoiceDefaultTo: optionalText(200, 'Invoice to'),
		invoiceEmail: optionalEmail.optional(),
		invoiceExtraInformation: optionalText(2000, 'Invoice information'),
		concessionTypeId: recordId.nullable().optional(),
		referringDoctorId: recordId.nullable().optional(),
		medicalAlerts: z.array(medicalAlertInput).max(MAX_MEDICAL_ALERTS).optional(),
		/** Cliniko's custom_fields shape; checked against the clinic's definition by the service. */
		customFields: z.unknown().optional()
	});
}

export type PatientFieldsInput = z.input<ReturnType<typeof patientFields>>;
export type PatientFields = z.output<ReturnType<typeof patientFields>>;

export function createPatientInput(defaultCountry: string | (() => string)) {
	return patientFields(defaultCountry).extend({
		/** Save even though likely duplicates exist (the user saw them and confirmed). */
		allowDuplicates: z.boolean().default(false)
	});
}

export function updatePatientInput(defaultCountry: string | (() => string)) {
	return patientFields(defaultCountry)
		.partial()
		.extend({ id: recordId, version: z.number().int().min(1, 'Missing version') });
}

// Filters, as Cliniko names them; the operators are Cliniko's symbols.
export const FILTER_FIELDS = [
	'createdAt',
	'updatedAt',
	'dateOfBirth',
	'email',
	'firstName',
	'lastName',
	'preferredFirstName',
	'id',
	'oldReferenceId'
] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** The filter fields that hold a date or a date and time: their values are checked here. */
export const DATE_FILTER_KINDS = {
	createdAt: 'datetime',
	updatedAt: 'datetime',
	dateOfBirth: 'date'
} as const satisfies Partial<Record<FilterField, FilterDateKind>>;

export const FILTER_OPERATORS = ['=', '!=', '<', '<=', '>', '>=', '~', '~~', '?', '!?'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export const SORT_FIELDS = ['lastName', 'firstName', 'createdAt', 'updatedAt', 'dateOfBirth', 'id'] as const;
export type SortField = (typeof SORT_FIELDS)[number];

export const patientFilter = z
	.object({
		field: z.enum(FILTER_FIELDS, 'Unknown filter field'),
		op: z.enum(FILTER_OPERATORS, 'Unknown filter operator'),
		value: z.string().max(255).optional()
	})
	.superRefine((filter, ctx) => {
		const kind = Object.hasOwn(DATE_FILTER_KINDS, filter.field)
			? DATE_FILTER_KINDS[filter.field as keyof typeof DATE_FILTER_KINDS]
			: undefined;
		const problem = kind && filterDateProblem(kind, filter.op, filter.value);
		if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem, input: filter.value });
	});
export type PatientFilter = z.infer<typeof patientFilter>;

export const findPatientsInput = z.object({
	search: z.string().trim().max(200, 'Search for at most 200 characters').optional(),
	filters: z.array(patientFilter).max(20, 'At most 20 filters').default([]),
	sort: z
		.object({ field: z.enum(SORT_FIELDS), direction: z.enum(['asc', 'desc']).default('asc') })
		.default({ field: 'lastName', direction: 'asc' }),
	cursor: z.string().max(500).optional(),
	direction: z.enum(['forward', 'backward']).default('forward'),
	limit: z.number().int().min(1).max(100).default(25)
});
export type FindPatientsInput = z.input<typeof findPatientsInput>;

/**
 * A row of the patient lists: the output schema of `patients.find` and `findArchived`. The list
 * page, the picker and the REST API rely on exactly these fields; the procedure answers nothing
 * else (unknown keys are stripped), so a column added to the query cannot leak by accident.
 */
export const patientSummary = z.object({
	id: z.string(),
	title: z.string().nullable(),
	firstName: z.string(),
	lastName: z.string(),
	preferredFirstName: z.string().nullable(),
	pronouns: z.string().nullable(),
	dateOfBirth: z.string().nullable(),
	email: z.string().nullable(),
	phoneNumbers: z.array(z.object({ phoneType: z.string(), number: z.string() })),
	medicalAlertCount: z.number().int(),
	archivedAt: z.date().nullable(),
	createdAt: z.date(),
	updatedAt: z.date()
});
export type PatientSummary = z.output<typeof patientSummary>;

export const patientListOutput = z.object({
	items: z.array(patientSummary),
	total: z.number().int(),
	nextCursor: z.string().nullable(),
	prevCursor: z.string().nullable()
});
