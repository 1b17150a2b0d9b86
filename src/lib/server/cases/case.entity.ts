// The Case aggregate (DOMAIN.md): one row for the treatment face (seeds 000, 002: a patient's
// series of appointments with caps, referral, body parts), and, from the teams issue, the routing
// face (subject = name, teams, priority, sender). Usage (appointments counted, amount invoiced)
// is never stored: it is computed from the appointments, so it cannot drift.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { CASE_LIMIT_KINDS, REFERRAL_TYPES } from '../../schemas/case.ts';
import { PRIORITIES } from '../../schemas/team.ts';
import { User } from '../auth/user.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { Contact } from '../contacts/contact.entity.ts';
import { Patient } from '../patients/patient.entity.ts';
import { BodyPart } from './body-part.entity.ts';

export type CaseLimitKind = (typeof CASE_LIMIT_KINDS)[number];

export const CASE_STATUSES = ['open', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

const CaseSchema = defineEntity({
	name: 'Case',
	tableName: 'clinic_case',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		/** The case name (treatment) or subject (routing). */
		name: p.string().length(200),
		/** Required for treatment cases; a routed case may arrive without one. */
		patient: () => p.manyToOne(Patient).nullable().deleteRule('restrict').index(),
		template: () => p.manyToOne(CaseTemplate).nullable().deleteRule('restrict').index(),
		bodyParts: () => p.manyToMany(BodyPart).pivotTable('case_body_part').owner(),
		limitKind: p.enum(CASE_LIMIT_KINDS).default('unlimited'),
		/** 1 to 200 when limitKind is 'appointments'. */
		maxAppointments: p.integer().nullable(),
		/** Integer cents when limitKind is 'amount'. */
		maxAmountCents: p.integer().nullable(),
		countsCancelled: p.boolean().default(false),
		countsDidNotArrive: p.boolean().default(false),
		hasReferral: p.boolean().default(false),
		referringDoctor: () => p.manyToOne(Contact).nullable().deleteRule('set null'),
		/** YYYY-MM-DD */
		referralIssuedOn: p.date().nullable(),
		/** YYYY-MM-DD, not before the issue date. */
		referralExpiresOn: p.date().nullable(),
		/** Cliniko's referral_type: one of REFERRAL_TYPES, only with a referral. */
		referralType: p.enum(REFERRAL_TYPES).nullable(),
		notes: p.text().nullable(),
		status: p.enum(CASE_STATUSES).default('open'),
		/** YYYY-MM-DD in the clinic's time zone; the created date by default. */
		issuedOn: p.date(),
		closedAt: p.datetime().nullable(),
		/** Archived through the REST API (Cliniko's patient-case archive); null while current. */
		archivedAt: p.datetime().nullable(),
		mergedInto: () => p.manyToOne(Case).nullable().deleteRule('restrict').index(),
		// Routing and triage (issue 7, seed 004). A case that was never sent has no priority.
		priority: p.enum(PRIORITIES).nullable(),
		details: p.text().nullable(),
		/** Who sent it to teams: staff or a referrer. */
		sender: () => p.manyToOne(User).nullable().deleteRule('set null'),
		sentAt: p.datetime().nullable(),
		/**
		 * Created by sending it to teams (a triage case: its name is a subject staff wrote for each
		 * other), as opposed to a treatment case that was later sent (issue 18), which stays one.
		 */
		isTriageOnly: p.boolean().default(false),
		/** Escalation times are counted from here: the sending, or the last re-triage. */
		escalationStartedAt: p.datetime().nullable(),
		/** Bumped by re-triage and acknowledgement: a pending step of an older generation does nothing. */
		escalationGeneration: p.integer().default(0),
		acknowledgedAt: p.datetime().nullable(),
		acknowledgedBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
		createdBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	},
	checks: [
		{
			name: 'clinic_case_limit_check',
			expression:
				"((((limit_kind)::text = 'unlimited'::text) AND (max_appointments IS NULL) AND (max_amount_cents IS NULL)) OR (((limit_kind)::text = 'appointments'::text) AND (max_appointments >= 1) AND (max_appointments <= 200) AND (max_amount_cents IS NULL)) OR (((limit_kind)::text = 'amount'::text) AND (max_amount_cents > 0) AND (max_appointments IS NULL)))"
		},
		{
			name: 'clinic_case_referral_dates_check',
			expression:
				'((referral_expires_on IS NULL) OR (referral_issued_on IS NULL) OR (referral_expires_on >= referral_issued_on))'
		}
	],
	indexes: [
		{
			// The case list's order (status desc, issued_on desc, id desc, read backwards) over the cases
			// it shows: archived ones are listed only when asked for.
			name: 'clinic_case_current_order',
			expression:
				'create index "clinic_case_current_order" on "clinic_case" ("status", "issued_on", "id") where "archived_at" is null'
		},
		{ properties: ['referralExpiresOn'] },
		{ properties: ['sender', 'sentAt'] },
		// The Reports page's ranges (issue 19): cases sent, created and closed in a range of weeks.
		{
			name: 'clinic_case_sent_at_index',
			expression:
				'create index "clinic_case_sent_at_index" on "clinic_case" ("sent_at") where "sent_at" is not null'
		},
		{ properties: ['createdAt'] },
		{
			name: 'clinic_case_closed_at_index',
			expression:
				'create index "clinic_case_closed_at_index" on "clinic_case" ("closed_at") where "closed_at" is not null'
		},
		{
			// Case search matches the name anywhere in it (ILIKE '%…%'): a trigram index answers that.
			name: 'clinic_case_name_trgm',
			expression: 'create index "clinic_case_name_trgm" on "clinic_case" using gin ("name" gin_trgm_ops)'
		}
	]
});

export class Case extends CaseSchema.class {}
CaseSchema.setClass(Case);

/** A file attached to a case; the bytes live under the files directory, named by `storageKey`. */
const CaseAttachmentSchema = defineEntity({
	name: 'CaseAttachment',
	tableName: 'case_attachment',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		case: () => p.manyToOne(Case).deleteRule('cascade').index(),
		fileName: p.string().length(255),
		/** Detected from the content, never taken from the upload. */
		contentType: p.string().length(100),
		sizeBytes: p.integer(),
		sha256: p.string().length(64),
		/** A random name under the files directory. */
		storageKey: p.string().length(100).unique(),
		uploadedBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
		createdAt: p.datetime().onCreate(() => new Date())
	}
});

export class CaseAttachment extends CaseAttachmentSchema.class {}
CaseAttachmentSchema.setClass(CaseAttachment);

export const CASE_WARNING_KINDS = [
	'referral-30',
	'referral-7',
	'referral-0',
	'appointments-1',
	'appointments-0'
] as const;
export type CaseWarningKind = (typeof CASE_WARNING_KINDS)[number];

/** A warning email the daily job has sent for a case: recorded so it never repeats. */
const CaseWarningSchema = defineEntity({
	name: 'CaseWarning',
	tableName: 'case_warning',
	properties: {
		case: () => p.manyToOne(Case).primary().deleteRule('cascade'),
		kind: p.enum(CASE_WARNING_KINDS).primary(),
		sentAt: p.datetime().onCreate(() => new Date())
	}
});

export class CaseWarning extends CaseWarningSchema.class {}
CaseWarningSchema.setClass(CaseWarning);
export { CaseSchema, CaseAttachmentSchema, CaseWarningSchema };
