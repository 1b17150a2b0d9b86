// The case form on the server: FormData in (field names under an optional prefix, so the booking
// form can embed the case fields), the `cases.create` / `cases.update` fields out, with every
// problem the schema finds keyed by the schema's field names. References (template, body parts,
// doctor) are checked by the service. Pure, so it is tested without a database.
import { field, fieldList, type FormValues } from './forms.ts';
import {
	emptyCaseFormValues,
	type CaseFormOptions,
	type CaseFormValues,
	type CaseLimitKind
} from '../../components/cases/case-form.ts';
import {
	CASE_LIMIT_KINDS,
	REFERRAL_TYPES,
	caseFields,
	type CaseFieldsInput,
	type ReferralType
} from '../../schemas/case.ts';
import { dollarsToCents } from '../appointment-types/appointment-types.schemas.ts';
import { zodFieldErrors, type FieldErrors } from '../errors.ts';

export interface ReadCaseForm {
	values: CaseFormValues;
	/** `createCaseInput` without `patientId` (add it, or `id` and `version` for an update). */
	input: CaseFieldsInput;
	fieldErrors: FieldErrors;
}

export const MAX_AMOUNT_MESSAGE = 'Enter the amount in dollars, such as 500 or 499.95';

function isLimitKind(value: string): value is CaseLimitKind {
	return (CASE_LIMIT_KINDS as readonly string[]).includes(value);
}

function isReferralType(value: string): value is ReferralType {
	return (REFERRAL_TYPES as readonly string[]).includes(value);
}

/** A whole number as typed, NaN for anything else (the schema names the problem), null if blank. */
function wholeNumber(value: string): number | null {
	const text = value.trim();
	if (text === '') return null;
	return /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
}

export function readCaseForm(form: FormValues, prefix = ''): ReadCaseForm {
	const text = (name: string): string => field(form, `${prefix}${name}`);
	const checked = (name: string): boolean => {
		const value = text(name);
		return value === 'on' || value === 'true';
	};
	const rawKind = text('limitKind');
	const values: CaseFormValues = {
		...emptyCaseFormValues(),
		name: text('name'),
		templateId: text('templateId'),
		bodyPartIds: [...new Set(fieldList(form, `${prefix}bodyPartIds`).filter((v) => v.trim() !== ''))],
		limitKind: isLimitKind(rawKind) ? rawKind : 'unlimited',
		maxAppointments: text('maxAppointments'),
		maxAmount: text('maxAmount'),
		countsCancelled: checked('countsCancelled'),
		countsDidNotArrive: checked('countsDidNotArrive'),
		hasReferral: checked('hasReferral'),
		referringDoctorId: text('referringDoctorId'),
		referralIssuedOn: text('referralIssuedOn'),
		referralExpiresOn: text('referralExpiresOn'),
		referralType: isReferralType(text('referralType')) ? (text('referralType') as ReferralType) : '',
		notes: text('notes'),
		issuedOn: text('issuedOn')
	};

	const fieldErrors: FieldErrors = {};
	// Only the limit of the chosen kind is read: a number left in the hidden other field is ignored.
	let maxAmountCents: number | null = null;
	if (values.limitKind === 'amount' && values.maxAmount.trim() !== '') {
		const cents = dollarsToCents(values.maxAmount);
		if (Number.isSafeInteger(cents)) maxAmountCents = cents;
		else fieldErrors.maxAmountCents = [MAX_AMOUNT_MESSAGE];
	}
	const input: CaseFieldsInput = {
		name: values.name,
		templateId: values.templateId || null,
		bodyPartIds: values.bodyPartIds,
		// An unknown kind goes on as posted, for the schema to name the problem.
		limitKind: (isLimitKind(rawKind) ? rawKind : rawKind || 'unlimited') as CaseLimitKind,
		maxAppointments: values.limitKind === 'appointments' ? wholeNumber(values.maxAppointments) : null,
		maxAmountCents,
		countsCancelled: values.countsCancelled,
		countsDidNotArrive: values.countsDidNotArrive,
		hasReferral: values.hasReferral,
		referringDoctorId: values.hasReferral ? values.referringDoctorId || null : null,
		referralIssuedOn: values.hasReferral ? values.referralIssuedOn : null,
		referralExpiresOn: values.hasReferral ? values.referralExpiresOn : null,
		// An unknown type goes on as posted, for the schema to name the problem.
		referralType: values.hasReferral ? ((text('referralType') || null) as ReferralType | null) : null,
		notes: values.notes,
		issuedOn: values.issuedOn
	};

	// The whole form is checked here, so one round shows every problem; the service checks again.
	const parsed = caseFields.safeParse(input);
	if (!parsed.success) {
		for (const [key, messages] of Object.entries(zodFieldErrors(parsed.error))) {
			// An amount that is not an amount already has the clearer message.
			if (fieldErrors[key]) continue;
			fieldErrors[key] = messages;
		}
	}
	return { values, input, fieldErrors };
}

/**
 * The form's choices (`cases.formOptions`: active ones only) plus what the case already has: an
 * archived template, body part or doctor stays on a case until someone changes it, so the edit
 * form must still offer it.
 */
export function keepCurrentChoices(
	options: CaseFormOptions,
	current: {
		template: { id: string; name: string; isShared: boolean } | null;
		bodyParts: { id: string; name: string }[];
		referringDoctor: { id: string; name: string } | null;
	}
): CaseFormOptions {
	const templates = [...options.templates];
	const template = current.template;
	if (template && !templates.some((t) => t.id === template.id))
		templates.unshift({
			id: template.id,
			name: template.name,
			isShared: template.isShared,
			isArchived: true
		});
	const bodyParts = [...options.bodyParts];
	for (const part of current.bodyParts)
		if (!bodyParts.some((b) => b.id === part.id)) bodyParts.push({ ...part, isArchived: true });
	bodyParts.sort((a, b) => a.name.localeCompare(b.name));
	const contacts = [...options.contacts];
	const doctor = current.referringDoctor;
	if (doctor && !contacts.some((c) => c.id === doctor.id)) contacts.unshift({ ...doctor, isArchived: true });
	return { templates, bodyParts, contacts };
}
