// Input rules for treatment cases (issue 6, seeds 000 and 002), shared by the tRPC router, the
// service (which parses again, so form actions may pass raw values) and the staff forms.
import { z } from 'zod';
import { isoDate, recordId } from './patient.ts';

export const CASE_LIMIT_KINDS = ['unlimited', 'appointments', 'amount'] as const;
export const MAX_CASE_APPOINTMENTS = 200;
/** $1,000,000 in cents: far above any real case, well inside a 32-bit column. */
export const MAX_CASE_AMOUNT_CENTS = 100_000_000;
export const MAX_CASE_NOTES = 20_000;
export const MAX_BODY_PARTS = 20;
/** Cliniko's patient-case referral types (patient_cases.md: "One of [medicare]"). */
export const REFERRAL_TYPES = ['medicare'] as const;
export type ReferralType = (typeof REFERRAL_TYPES)[number];
/** How staff see each referral type (Cliniko's `referral_type` values). */
export const REFERRAL_TYPE_LABELS: Record<ReferralType, string> = { medicare: 'Medicare' };

const blankToNull = z
	.string()
	.nullable()
	.optional()
	.transform((v) => (v == null || v.trim() === '' ? null : v.trim()));

const optionalDate = blankToNull.pipe(isoDate.nullable());
const optionalId = z
	.union([recordId, z.literal(''), z.null()])
	.optional()
	.transform((v) => (v ? v : null));

export const bodyPartIds = z
	.array(recordId)
	.max(MAX_BODY_PARTS, `Choose at most ${MAX_BODY_PARTS} body parts`)
	.default([])
	.transform((ids) => [...new Set(ids)]);

const caseFieldsObject = z.object({
	name: z.string().trim().min(1, 'Enter a case name').max(200, 'Use at most 200 characters'),
	templateId: optionalId,
	bodyPartIds,
	limitKind: z.enum(CASE_LIMIT_KINDS, { error: 'Choose unlimited, maximum appointments or maximum amount' }),
	maxAppointments: z
		.number({ error: `Enter a number of appointments from 1 to ${MAX_CASE_APPOINTMENTS}` })
		.int(`Enter a whole number of appointments from 1 to ${MAX_CASE_APPOINTMENTS}`)
		.min(1, `Enter a number of appointments from 1 to ${MAX_CASE_APPOINTMENTS}`)
		.max(MAX_CASE_APPOINTMENTS, `Enter a number of appointments from 1 to ${MAX_CASE_APPOINTMENTS}`)
		.nullable()
		.optional(),
	maxAmountCents: z
		.number({ error: 'Enter the maximum invoiceable amount' })
		.int('Enter the amount in whole cents')
		.min(1, 'The maximum amount must be more than $0.00')
		.max(MAX_CASE_AMOUNT_CENTS, 'The maximum amount can be at most $1,000,000.00')
		.nullable()
		.optional(),
	countsCancelled: z.boolean().default(false),
	countsDidNotArrive: z.boolean().default(false),
	hasReferral: z.boolean().default(false),
	referringDoctorId: optionalId,
	referralIssuedOn: optionalDate,
	referralExpiresOn: optionalDate,
	/** Left out: unchanged; only kept with a referral. */
	referralType: z
		.enum(REFERRAL_TYPES, { error: `Choose ${REFERRAL_TYPES.join(' or ')}, or none` })
		.nullable()
		.optional(),
	notes: z
		.string()
		.max(MAX_CASE_NOTES, `Notes can be at most ${MAX_CASE_NOTES.toLocaleString('en')} characters`)
		.nullable()
		.optional()
		.transform((v) => (v == null || v.trim() === '' ? null : v)),
	/** Defaults to today in the clinic's time zone. */
	issuedOn: optionalDate
});

type CaseFieldsShape = z.output<typeof caseFieldsObject>;

/** The cross-field rules: a limit for its kind, an expiry not before the issue date. */
function checkCaseFields(value: CaseFieldsShape, ctx: z.RefinementCtx) {
	if (value.limitKind === 'appointments' && value.maxAppointments == null)
		ctx.addIssue({
			code: 'custom',
			path: ['maxAppointments'],
			message: `Enter a number of appointments from 1 to ${MAX_CASE_APPOINTMENTS}`
		});
	if (value.limitKind === 'amount' && value.maxAmountCents == null)
		ctx.addIssue({
			code: 'custom',
			path: ['maxAmountCents'],
			message: 'Enter the maximum invoiceable amount'
		});
	if (
		value.hasReferral &&
		value.referralIssuedOn &&
		value.referralExpiresOn &&
		value.referralExpiresOn < value.referralIssuedOn
	)
		ctx.addIssue({
			code: 'custom',
			path: ['referralExpiresOn'],
			message: 'The expiry date cannot be before the issue date'
		});
}

/** Keeps only the limit of the chosen kind and only referral details when there is a referral. */
function normaliseCaseFields<T extends CaseFieldsShape>(value: T): T {
	return {
		...value,
		maxAppointments: value.limitKind === 'appointments' ? (value.maxAppointments ?? null) : null,
		maxAmountCents: value.limitKind === 'amount' ? (value.maxAmountCents ?? null) : null,
		referringDoctorId: value.hasReferral ? value.referringDoctorId : null,
		referralIssuedOn: value.hasReferral ? value.referralIssuedOn : null,
		referralExpiresOn: value.hasReferral ? value.referralExpiresOn : null,
		referralType: value.hasReferral ? value.referralType : null
	};
}

export const caseFields = caseFieldsObject.superRefine(checkCaseFields).transform(normaliseCaseFields);

export const createCaseInput = caseFieldsObject
	.extend({
		patientId: recordId,
		/** Existing appointments of the same patient to relate to the new case. */
		appointmentIds: z.array(recordId).max(200).default([])
	})
	.superRefine(checkCaseFields)
	.transform(normaliseCaseFields);

export const updateCaseInput = caseFieldsObject
	.extend({ id: recordId, version: z.number().int().min(1, 'Missing version') })
	.superRefine(checkCaseFields)
	.transform(normaliseCaseFields);

export const caseIdInput = z.object({ id: recordId });

export const CASE_STATUS_FILTERS = ['open', 'closed', 'all'] as const;
export const REFERRAL_FILTERS = ['expiring', 'expired'] as const;

export const findCasesInput = z.object({
	search: z.string().trim().max(200).optional(),
	patientId: recordId.optional(),
	status: z.enum(CASE_STATUS_FILTERS).default('open'),
	practitionerId: recordId.optional(),
	serviceId: recordId.optional(),
	templateId: recordId.optional(),
	/** Referrals expiring within 30 days (and not yet expired), or already expired. */
	referral: z.enum(REFERRAL_FILTERS).optional(),
	/** Cases archived through the REST API (Cliniko's case archive) instead of current ones. */
	archived: z.boolean().default(false),
	page: z.number().int().min(1).max(10_000).default(1),
	perPage: z.number().int().min(1).max(100).default(25)
});

export const closeCaseInput = z.object({ id: recordId, version: z.number().int().min(1) });
export const reopenCaseInput = closeCaseInput;

export const mergeCasesInput = z
	.object({
		sourceId: recordId,
		targetId: recordId
	})
	.refine((v) => v.sourceId !== v.targetId, {
		path: ['targetId'],
		message: 'A case cannot be merged into itself'
	});

export const caseAppointmentInput = z.object({ caseId: recordId, appointmentId: recordId });

export const removeAttachmentInput = z.object({ caseId: recordId, attachmentId: recordId });

export type CaseFieldsInput = z.input<typeof caseFields>;
export type CreateCaseInput = z.input<typeof createCaseInput>;
export type UpdateCaseInput = z.input<typeof updateCaseInput>;
export type FindCasesInput = z.input<typeof findCasesInput>;
