// How a patient's record reads on their page: every field, grouped, in words a receptionist uses.
import { CONTACT_TYPE_LABELS, type ContactType } from '$lib/schemas/patient-enums';
import type { PatientView } from '$lib/server/patients/patients.service';
import { formatDate } from '$lib/format';
import { ageLabel, formatCalendarDate } from './dates.ts';
import { formatPhone, phoneHref } from './phone.ts';

/** One labelled value of a record, as `detail-list.svelte` shows it. */
export interface DetailItem {
	label: string;
	value: string | null | undefined;
	/** Makes the value a link (mailto:, tel:, a record). */
	href?: string;
	/** Keeps the line breaks the person typed (notes, addresses). */
	multiline?: boolean;
	/** Quiet text after the value, such as when it was answered. */
	note?: string;
}

export interface DetailContext {
	timeZone: string;
	clinicCountry: string;
	/** The clinic's today, 'YYYY-MM-DD'. */
	today: string;
}

export interface DetailGroup {
	id: string;
	title: string;
	items: DetailItem[];
}

/** "26 May 2001 (24 years)". */
export function birthDateLabel(dateOfBirth: string | null, today: string): string | null {
	if (!dateOfBirth) return null;
	const age = ageLabel(dateOfBirth, today);
	return age ? `${formatCalendarDate(dateOfBirth)} (${age})` : formatCalendarDate(dateOfBirth);
}

/** Cliniko's tri-state consent: null is "no answer yet", not "declined". */
export function privacyPolicyLabel(accepted: boolean | null): string {
	if (accepted === null) return 'No answer yet';
	return accepted ? 'Accepted' : 'Declined';
}

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

export function phoneItems(patient: Pick<PatientView, 'phoneNumbers'>, clinicCountry: string): DetailItem[] {
	return patient.phoneNumbers.map((phone) => ({
		label: phone.phoneType,
		value: formatPhone(phone.number, clinicCountry),
		href: phoneHref(phone.number)
	}));
}

export function detailGroups(patient: PatientView, context: DetailContext): DetailGroup[] {
	const doctor = patient.referringDoctor;
	const address = [patient.address1, patient.address2, patient.address3].filter(Boolean).join('\n');
	return [
		{
			id: 'personal',
			title: 'Personal',
			items: [
				{ label: 'Title', value: patient.title },
				{ label: 'First name', value: patient.firstName },
				{ label: 'Last name', value: patient.lastName },
				{ label: 'Preferred name', value: patient.preferredFirstName },
				{ label: 'Pronouns', value: patient.pronouns },
				{ label: 'Date of birth', value: birthDateLabel(patient.dateOfBirth, context.today) },
				{ label: 'Sex', value: patient.sex },
				{ label: 'Gender identity', value: patient.genderIdentity },
				// Deprecated in Cliniko: shown only for old records that still have it.
				...(patient.gender ? [{ label: 'Gender (old field)', value: patient.gender }] : []),
				{ label: 'Occupation', value: patient.occupation },
				{ label: 'Emergency contact', value: patient.emergencyContact, multiline: true },
				{ label: 'Time zone', value: patient.timeZone },
				{ label: 'Old reference', value: patient.oldReferenceId }
			]
		},
		{
			id: 'contact',
			title: 'Contact',
			items: [
				{ label: 'Email', value: patient.email, href: patient.email ? `mailto:${patient.email}` : undefined },
				...(patient.phoneNumbers.length
					? phoneItems(patient, context.clinicCountry)
					: [{ label: 'Phone', value: null }])
			]
		},
		{
			id: 'address',
			title: 'Address',
			items: [
				{ label: 'Street address', value: address, multiline: true },
				{ label: 'City', value: patient.city },
				{ label: 'State', value: patient.state },
				{ label: 'Post code', value: patient.postCode },
				{ label: 'Country', value: patient.country }
			]
		},
		{
			id: 'medicare',
			title: 'Medicare & DVA',
			items: [
				{ label: 'Medicare number', value: patient.medicare },
				{ label: 'Medicare reference number', value: patient.medicareReferenceNumber },
				{ label: 'DVA card number', value: patient.dvaCardNumber }
			]
		},
		{
			id: 'preferences',
			title: 'Preferences & consent',
			items: [
				{ label: 'Appointment reminders', value: patient.reminderType },
				{ label: 'Confirmation emails', value: yesNo(patient.receivesConfirmationEmails) },
				{
					label: 'Privacy policy',
					value: privacyPolicyLabel(patient.acceptedPrivacyPolicy),
					note: patient.privacyPolicyAnsweredAt
						? `answered ${formatDate(patient.privacyPolicyAnsweredAt, context)}`
						: undefined
				},
				{ label: 'Email marketing', value: patient.acceptedEmailMarketing ? 'Accepted' : 'Not accepted' },
				{ label: 'SMS marketing', value: patient.acceptedSmsMarketing ? 'Accepted' : 'Not accepted' }
			]
		},
		{
			id: 'invoicing',
			title: 'Invoicing',
			items: [
				{ label: 'Invoice to', value: patient.invoiceDefaultTo },
				{
					label: 'Invoice email',
					value: patient.invoiceEmail,
					href: patient.invoiceEmail ? `mailto:${patient.invoiceEmail}` : undefined
				},
				{ label: 'Extra information', value: patient.invoiceExtraInformation, multiline: true }
			]
		},
		{
			id: 'referral',
			title: 'Referral',
			items: [
				{
					label: 'Referring doctor',
					value: doctor ? `${doctor.name} (${CONTACT_TYPE_LABELS[doctor.type as ContactType]})` : null,
					note: doctor?.providerNumber ? `provider number ${doctor.providerNumber}` : undefined
				},
				{ label: 'Concession', value: patient.concessionType?.name },
				{ label: 'Referral source', value: patient.referralSource }
			]
		}
	];
}
