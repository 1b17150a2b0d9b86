// The case form's values as typed (strings and booleans, browser-safe): shared by the new and edit
// case pages and the booking form's "new case" choice. The server reads them in
// $lib/server/cases/case-form.ts.
// Relative, not $lib: the server side (and so the worker) imports this file on plain Node.
import type { CASE_LIMIT_KINDS, ReferralType } from '../../schemas/case.ts';

export type CaseLimitKind = (typeof CASE_LIMIT_KINDS)[number];

export interface CaseFormValues {
	name: string;
	templateId: string;
	bodyPartIds: string[];
	limitKind: CaseLimitKind;
	/** As typed. */
	maxAppointments: string;
	/** Dollars, as typed ("500" or "499.95"). */
	maxAmount: string;
	countsCancelled: boolean;
	countsDidNotArrive: boolean;
	hasReferral: boolean;
	referringDoctorId: string;
	/** 'YYYY-MM-DD' or ''. */
	referralIssuedOn: string;
	referralExpiresOn: string;
	/** '' when not given. */
	referralType: ReferralType | '';
	notes: string;
	/** 'YYYY-MM-DD'; '' lets the server use the clinic's today. */
	issuedOn: string;
}

/** What the form offers to choose from (`cases.formOptions`, plus anything the case already has). */
export interface CaseFormOptions {
	templates: { id: string; name: string; isShared: boolean; isArchived?: boolean }[];
	bodyParts: { id: string; name: string; isArchived?: boolean }[];
	contacts: { id: string; name: string; isArchived?: boolean }[];
}

/** A new case; `today` (the clinic's, 'YYYY-MM-DD') fills the issue date when given. */
export function emptyCaseFormValues(today = ''): CaseFormValues {
	return {
		name: '',
		templateId: '',
		bodyPartIds: [],
		limitKind: 'unlimited',
		maxAppointments: '',
		maxAmount: '',
		countsCancelled: false,
		countsDidNotArrive: false,
		hasReferral: false,
		referringDoctorId: '',
		referralIssuedOn: '',
		referralExpiresOn: '',
		referralType: '',
		notes: '',
		issuedOn: today
	};
}

/** The parts of a case (CaseDetailView) the form shows. */
export interface CaseFormSource {
	name: string;
	template: { id: string } | null;
	bodyParts: { id: string }[];
	usage: { limitKind: CaseLimitKind; maxAppointments: number | null; maxAmountCents: number | null };
	countsCancelled: boolean;
	countsDidNotArrive: boolean;
	hasReferral: boolean;
	referringDoctor: { id: string } | null;
	referralIssuedOn: string | null;
	referralExpiresOn: string | null;
	referralType: ReferralType | null;
	notes: string | null;
	issuedOn: string;
}

/** Integer cents as a form's dollar amount: 50000 → "500.00". */
export function centsToDollarText(cents: number): string {
	return (cents / 100).toFixed(2);
}

export function caseFormValuesFrom(detail: CaseFormSource): CaseFormValues {
	return {
		name: detail.name,
		templateId: detail.template?.id ?? '',
		bodyPartIds: detail.bodyParts.map((b) => b.id),
		limitKind: detail.usage.limitKind,
		maxAppointments: detail.usage.maxAppointments == null ? '' : String(detail.usage.maxAppointments),
		maxAmount: detail.usage.maxAmountCents == null ? '' : centsToDollarText(detail.usage.maxAmountCents),
		countsCancelled: detail.countsCancelled,
		countsDidNotArrive: detail.countsDidNotArrive,
		hasReferral: detail.hasReferral,
		referringDoctorId: detail.referringDoctor?.id ?? '',
		referralIssuedOn: detail.referralIssuedOn ?? '',
		referralExpiresOn: detail.referralExpiresOn ?? '',
		referralType: detail.referralType ?? '',
		notes: detail.notes ?? '',
		issuedOn: detail.issuedOn
	};
}
