// The staff patient form, on the server: posted form values (`formValues`) in, a `patients.create` /
// `patients.update` input out (the schemas do the validating), and a patient or a failed submission
// back into the values the form shows. Pure, so it is tested without a database.
import { z } from 'zod';
import { formatPhone } from '../../components/patients/phone.ts';
import { PHONE_TYPES, REMINDER_TYPES } from '../../schemas/patient-enums.ts';
import { MAX_MEDICAL_ALERTS, MAX_PHONE_NUMBERS, type PatientFieldsInput } from '../../schemas/patient.ts';
import type { FieldErrors } from '../errors.ts';
import { field, isChecked, type FormValues } from './forms.ts';
import type { CustomFieldsDefinitionDoc } from '../patients/custom-field-definition.entity.ts';
import { addCustomFieldErrors } from '../patients/custom-fields.rules.ts';
import type { PatientView } from '../patients/patients.service.ts';

/** The plain text inputs, named as the tRPC input names them. */
export const PATIENT_TEXT_FIELDS = [
	'title',
	'firstName',
	'lastName',
	'preferredFirstName',
	'pronouns',
	'dateOfBirth',
	'sex',
	'genderIdentity',
	'occupation',
	'email',
	'emergencyContact',
	'address1',
	'address2',
	'address3',
	'city',
	'state',
	'postCode',
	'country',
	'timeZone',
	'medicare',
	'medicareReferenceNumber',
	'dvaCardNumber',
	'referralSource',
	'invoiceDefaultTo',
	'invoiceEmail',
	'invoiceExtraInformation',
	'notes',
	'appointmentNotes'
] as const satisfies readonly (keyof PatientFieldsInput)[];
export type PatientTextField = (typeof PATIENT_TEXT_FIELDS)[number];

export const PATIENT_CHECKBOXES = [
	'receivesConfirmationEmails',
	'acceptedEmailMarketing',
	'acceptedSmsMarketing'
] as const satisfies readonly (keyof PatientFieldsInput)[];
export type PatientCheckbox = (typeof PATIENT_CHECKBOXES)[number];

/** The privacy policy radios: accepted, declined, or not answered (null). */
export type PrivacyAnswer = 'accepted' | 'declined' | 'unanswered';

/** What the form shows: strings as typed, so a failed submission comes back exactly as it was. */
export type PatientFormValues = Record<PatientTextField, string> &
	Record<PatientCheckbox, boolean> & {
		phoneNumbers: { phoneType: string; number: string }[];
		medicalAlerts: { id: string; name: string; notes: string }[];
		reminderType: string;
		acceptedPrivacyPolicy: PrivacyAnswer;
		concessionTypeId: string;
		referringDoctorId: string;
		/** The custom fields editor's starting answers: stored (read shape) or as posted. */
		customFields: CustomFieldAnswersDoc | null;
	};

/** Tokens and answers: what both Cliniko's read shape and its input shape carry. */
export interface CustomFieldAnswersDoc {
	sections: {
		token: string;
		fields: {
			token: string;
			value?: string;
			options?: { token: string; selected?: boolean }[];
			other?: { selected?: boolean; value?: string };
		}[];
	}[];
}

// Lenient on purpose: only used to show posted answers again; the service does the real checking.
const customFieldAnswersDoc = z.object({
	sections: z.array(
		z.object({
			token: z.string(),
			fields: z.array(
				z.object({
					token: z.string(),
					value: z.string().optional(),
					options: z.array(z.object({ token: z.string(), selected: z.boolean().optional() })).optional(),
					other: z.object({ selected: z.boolean().optional(), value: z.string().optional() }).optional()
				})
			)
		})
	)
});

export type PatientFormInput = PatientFieldsInput & { allowDuplicates?: boolean };

export interface ReadPatientForm {
	input: PatientFormInput;
	/** Present only on the edit form. */
	version?: number;
	values: PatientFormValues;
	/** Problems found before the input reaches the server (custom fields that are not JSON). */
	fieldErrors: FieldErrors;
}

const DEFAULT_REMINDER_TYPE: (typeof REMINDER_TYPES)[number] = 'SMS & Email';

export function emptyPatientFormValues(): PatientFormValues {
	const text = Object.fromEntries(PATIENT_TEXT_FIELDS.map((name) => [name, ''])) as Record<
		PatientTextField,
		string
	>;
	return {
		...text,
		phoneNumbers: [],
		medicalAlerts: [],
		reminderType: DEFAULT_REMINDER_TYPE,
		receivesConfirmationEmails: true,
		acceptedPrivacyPolicy: 'unanswered',
		acceptedEmailMarketing: false,
		acceptedSmsMarketing: false,
		concessionTypeId: '',
		referringDoctorId: '',
		customFields: null
	};
}

/** A saved patient as the edit form shows it; phone numbers in the clinic's national format. */
export function patientFormValues(patient: PatientView, clinicCountry: string): PatientFormValues {
	const text = Object.fromEntries(PATIENT_TEXT_FIELDS.map((name) => [name, patient[name] ?? ''])) as Record<
		PatientTextField,
		string
	>;
	return {
		...text,
		phoneNumbers: patient.phoneNumbers.map((p) => ({
			phoneType: p.phoneType,
			number: formatPhone(p.number, clinicCountry)
		})),
		medicalAlerts: patient.medicalAlerts.map((a) => ({ id: a.id, name: a.name, notes: a.notes ?? '' })),
		reminderType: patient.reminderType,
		receivesConfirmationEmails: patient.receivesConfirmationEmails,
		acceptedPrivacyPolicy:
			patient.acceptedPrivacyPolicy === null
				? 'unanswered'
				: patient.acceptedPrivacyPolicy
					? 'accepted'
					: 'declined',
		acceptedEmailMarketing: patient.acceptedEmailMarketing,
		acceptedSmsMarketing: patient.acceptedSmsMarketing,
		concessionTypeId: patient.concessionType?.id ?? '',
		referringDoctorId: patient.referringDoctor?.id ?? '',
		customFields: patient.customFields
	};
}

const INDEXED_NAME = /^(\w+)\[(\d{1,4})\]\.(\w+)$/;

/**
 * Rows posted as `list[0].field`, `list[1].field`..., in index order (gaps closed up). Indexes
 * above 9999 cannot come from the form and are ignored.
 */
export function indexedRows(values: FormValues, list: string): Record<string, string>[] {
	const rows = new Map<number, Record<string, string>>();
	for (const name of Object.keys(values)) {
		const match = INDEXED_NAME.exec(name);
		if (!match || match[1] !== list) continue;
		const index = Number(match[2]);
		const row = rows.get(index) ?? {};
		row[match[3] as string] = field(values, name);
		rows.set(index, row);
	}
	return [...rows.entries()].sort(([a], [b]) => a - b).map(([, row]) => row);
}

const isBlank = (value: string | undefined) => (value ?? '').trim() === '';

function privacyAnswer(value: string): PrivacyAnswer {
	return value === 'accepted' || value === 'declined' ? value : 'unanswered';
}

/**
 * Reads the posted patient form. Rows left completely empty (a phone number with no number, a
 * medical alert with neither alert nor notes) are dropped, so an unused row is not an error; the
 * values and the schema's error paths both count the remaining rows.
 *
 * On the edit form the referring doctor and concession type are only sent when changed (the form
 * posts their loaded ids as `initial…`): the server refuses archived ones, and keeping an archived
 * doctor should not stop the rest of the record from being saved.
 */
export function readPatientForm(data: FormValues, mode: 'create' | 'update'): ReadPatientForm {
	const fieldErrors: FieldErrors = {};
	const values = emptyPatientFormValues();
	for (const name of PATIENT_TEXT_FIELDS) values[name] = field(data, name);
	for (const name of PATIENT_CHECKBOXES) values[name] = isChecked(data, name);

	values.phoneNumbers = indexedRows(data, 'phoneNumbers')
		.map((row) => ({ phoneType: row.phoneType ?? '', number: row.number ?? '' }))
		.filter((row) => !isBlank(row.number));
	values.medicalAlerts = indexedRows(data, 'medicalAlerts')
		.map((row) => ({ id: row.id ?? '', name: row.name ?? '', notes: row.notes ?? '' }))
		.filter((row) => !isBlank(row.name) || !isBlank(row.notes));
	values.reminderType = field(data, 'reminderType');
	values.acceptedPrivacyPolicy = privacyAnswer(field(data, 'acceptedPrivacyPolicy'));
	values.concessionTypeId = field(data, 'concessionTypeId');
	values.referringDoctorId = field(data, 'referringDoctorId');

	const input: PatientFormInput = {
		...Object.fromEntries(PATIENT_TEXT_FIELDS.map((name) => [name, values[name]])),
		firstName: values.firstName,
		lastName: values.lastName,
		receivesConfirmationEmails: values.receivesConfirmationEmails,
		acceptedEmailMarketing: values.acceptedEmailMarketing,
		acceptedSmsMarketing: values.acceptedSmsMarketing,
		acceptedPrivacyPolicy:
			values.acceptedPrivacyPolicy === 'unanswered' ? null : values.acceptedPrivacyPolicy === 'accepted',
		// An unknown type is passed on as typed, for the schema to name the problem.
		phoneNumbers: values.phoneNumbers.map((p) => ({
			phoneType: p.phoneType as (typeof PHONE_TYPES)[number],
			number: p.number
		})),
		medicalAlerts: values.medicalAlerts.map((a) => ({
			...(a.id ? { id: a.id } : {}),
			name: a.name,
			notes: a.notes
		})),
		reminderType: (values.reminderType || DEFAULT_REMINDER_TYPE) as (typeof REMINDER_TYPES)[number],
		concessionTypeId: values.concessionTypeId || null,
		referringDoctorId: values.referringDoctorId || null
	};
	if (mode === 'update') {
		if (
			Object.hasOwn(data, 'initialConcessionTypeId') &&
			field(data, 'initialConcessionTypeId') === values.concessionTypeId
		) {
			delete input.concessionTypeId;
		}
		if (
			Object.hasOwn(data, 'initialReferringDoctorId') &&
			field(data, 'initialReferringDoctorId') === values.referringDoctorId
		) {
			delete input.referringDoctorId;
		}
	} else {
		input.allowDuplicates = isChecked(data, 'allowDuplicates');
	}

	// The custom fields editor posts one JSON document. Without it (no editor on the page) the
	// answers are left as they are; an unreadable document is the editor's bug, shown as an error.
	const customFields = field(data, 'customFields');
	if (customFields.trim() !== '') {
		try {
			const posted: unknown = JSON.parse(customFields);
			input.customFields = posted;
			values.customFields = customFieldAnswersDoc.safeParse(posted).data ?? null;
		} catch {
			fieldErrors.customFields = ['The custom fields could not be read. Reload the page and try again.'];
		}
	}

	const result: ReadPatientForm = { input, values, fieldErrors };
	if (mode === 'update') {
		const version = Number(field(data, 'version'));
		// 0 is refused by the schema with "Missing version".
		result.version = Number.isSafeInteger(version) ? version : 0;
	}
	return result;
}

/**
 * A refused save as the form shows it again: the values as typed and, on a 400, the custom fields
 * editor's own errors next to the answers they are about. Shared by the new and edit pages.
 */
export async function patientFormFailure(
	loadDefinition: () => Promise<{ definition: CustomFieldsDefinitionDoc }>,
	read: ReadPatientForm,
	failure: { status: number; message: string; fieldErrors: FieldErrors }
): Promise<{ message: string; fieldErrors: FieldErrors; values: PatientFormValues }> {
	return {
		message: failure.message,
		fieldErrors:
			failure.status === 400
				? await addCustomFieldErrors(loadDefinition, read.input.customFields, failure.fieldErrors)
				: failure.fieldErrors,
		values: read.values
	};
}

const duplicateSchema = z.object({
	id: z.string(),
	firstName: z.string(),
	lastName: z.string(),
	dateOfBirth: z.string().nullable(),
	email: z.string().nullable(),
	reasons: z.array(z.enum(['name_and_birth_date', 'email', 'mobile'])),
	archivedAt: z.union([z.date(), z.string()]).nullable()
});
export type DuplicateMatch = Omit<z.infer<typeof duplicateSchema>, 'archivedAt'> & {
	isArchived: boolean;
	/** Why it matched, in words: "same name and date of birth, same mobile". */
	matchedOn: string;
};

const DUPLICATE_REASON_LABELS: Record<DuplicateMatch['reasons'][number], string> = {
	name_and_birth_date: 'same name and date of birth',
	email: 'same email',
	mobile: 'same mobile'
};

/** The likely duplicates of a CONFLICT from `patients.create`, or null for any other failure. */
export function duplicatesOf(details: Record<string, unknown> | undefined): DuplicateMatch[] | null {
	const parsed = z.array(duplicateSchema).min(1).safeParse(details?.duplicates);
	if (!parsed.success) return null;
	return parsed.data.map(({ archivedAt, ...match }) => ({
		...match,
		isArchived: archivedAt !== null,
		matchedOn: match.reasons.map((r) => DUPLICATE_REASON_LABELS[r]).join(', ')
	}));
}

// ---------------------------------------------------------------------------------------------
// What the form offers to choose from
// ---------------------------------------------------------------------------------------------

export interface ReferringDoctorOption {
	id: string;
	name: string;
	company: string | null;
	providerNumber: string | null;
	isArchived?: boolean;
}

export interface PatientFormOptions {
	referringDoctors: ReferringDoctorOption[];
	concessionTypes: { id: string; name: string; isArchived?: boolean }[];
	/** Every IANA name the server accepts, so the list matches the schema whatever the browser. */
	timeZones: string[];
	limits: { phoneNumbers: number; medicalAlerts: number };
	/** The clinic's custom fields; null when it has none to answer. */
	customFieldDefinition: CustomFieldsDefinitionDoc | null;
}

interface ContactsPage {
	items: { id: string; name: string; company: string | null; providerNumber: string | null }[];
	pageCount: number;
}

/** The slice of the tRPC caller the options need (a type only: this module stays pure). */
export interface PatientFormCaller {
	contacts: { find(input: { page: number; perPage: number }): Promise<ContactsPage> };
	patients: { concessionTypes(): Promise<{ id: string; name: string }[]> };
}

/** Enough for any clinic's referring doctors; a longer list would need a search box instead. */
const MAX_DOCTOR_PAGES = 10;

export async function loadPatientFormOptions(
	caller: PatientFormCaller,
	customFieldDefinition: CustomFieldsDefinitionDoc,
	current?: Pick<PatientView, 'referringDoctor' | 'concessionType' | 'customFields'> &
		Partial<Pick<PatientView, 'timeZone'>>
): Promise<PatientFormOptions> {
	const doctors: ReferringDoctorOption[] = [];
	for (let page = 1; page <= MAX_DOCTOR_PAGES; page++) {
		const result = await caller.contacts.find({ page, perPage: 100 });
		doctors.push(
			...result.items.map((c) => ({
				id: c.id,
				name: c.name,
				company: c.company,
				providerNumber: c.providerNumber
			}))
		);
		if (page >= result.pageCount) break;
	}
	const concessionTypes: PatientFormOptions['concessionTypes'] = await caller.patients.concessionTypes();
	// A patient keeps an archived doctor or concession until someone changes it: still shown.
	const doctor = current?.referringDoctor;
	if (doctor && !doctors.some((d) => d.id === doctor.id)) {
		doctors.unshift({
			id: doctor.id,
			name: doctor.name,
			company: null,
			providerNumber: doctor.providerNumber,
			isArchived: true
		});
	}
	const concession = current?.concessionType;
	if (concession && !concessionTypes.some((c) => c.id === concession.id)) {
		concessionTypes.unshift({ ...concession, isArchived: true });
	}
	return {
		referringDoctors: doctors,
		concessionTypes,
		// The list holds canonical names; a record may carry an alias (Asia/Kolkata) from the API.
		timeZones:
			current?.timeZone && !timeZoneNames().includes(current.timeZone)
				? [current.timeZone, ...timeZoneNames()]
				: timeZoneNames(),
		limits: { phoneNumbers: MAX_PHONE_NUMBERS, medicalAlerts: MAX_MEDICAL_ALERTS },
		// Archived sections only matter to a patient who answered them.
		customFieldDefinition:
			customFieldDefinition.sections.some((s) => !s.archived) || current?.customFields
				? customFieldDefinition
				: null
	};
}

let zones: string[] | undefined;
/** The time zones the schema accepts (isTimeZone), sorted. */
export function timeZoneNames(): string[] {
	zones ??= [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC'])].sort();
	return zones;
}
