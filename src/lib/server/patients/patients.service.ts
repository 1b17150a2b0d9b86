// Patient records: create, read, partial update with an optimistic version check, archive,
// unarchive and soft delete. Every read of a record and every change is audited in the same
// transaction; custom fields are checked against the clinic's definition.
import type { Role } from '../../schemas/staff.ts';
import type { PatientFields } from '../../schemas/patient.ts';
import type { ContactType } from '../../schemas/patient-enums.ts';
import { changedFields, recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { Contact, contactName } from '../contacts/contact.entity.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError, notFound, type FieldErrors } from '../errors.ts';
import { publishEvent } from '../events/domain-events.ts';
import { ConcessionType } from './concession-type.entity.ts';
import { CustomFieldDefinition, type CustomFieldsDefinitionDoc } from './custom-field-definition.entity.ts';
import { presentCustomFields, validateCustomFields, type CustomFieldsView } from './custom-fields.rules.ts';
import { patientDisplayName } from './patient-name.rules.ts';
import { Patient, type MedicalAlert, type PhoneNumber } from './patient.entity.ts';
import {
	findLikelyDuplicates,
	findPatientPage,
	type DuplicateCandidate,
	type FindPatientPageInput
} from './patients.queries.ts';

/** The columns a form or API call may set directly (everything but references and documents). */
const SCALAR_FIELDS = [
	'title',
	'firstName',
	'lastName',
	'preferredFirstName',
	'pronouns',
	'dateOfBirth',
	'sex',
	'genderIdentity',
	'email',
	'address1',
	'address2',
	'address3',
	'city',
	'state',
	'postCode',
	'country',
	'timeZone',
	'occupation',
	'emergencyContact',
	'medicare',
	'medicareReferenceNumber',
	'dvaCardNumber',
	'notes',
	'appointmentNotes',
	'oldReferenceId',
	'referralSource',
	'reminderType',
	'receivesConfirmationEmails',
	'acceptedEmailMarketing',
	'acceptedSmsMarketing',
	'invoiceDefaultTo',
	'invoiceEmail',
	'invoiceExtraInformation'
] as const satisfies readonly (keyof PatientFields & keyof Patient)[];

export interface PatientView {
	id: string;
	title: string | null;
	firstName: string;
	lastName: string;
	preferredFirstName: string | null;
	pronouns: string | null;
	dateOfBirth: string | null;
	sex: string | null;
	genderIdentity: string | null;
	gender: string | null;
	email: string | null;
	phoneNumbers: PhoneNumber[];
	address1: string | null;
	address2: string | null;
	address3: string | null;
	city: string | null;
	state: string | null;
	postCode: string | null;
	country: string | null;
	timeZone: string | null;
	occupation: string | null;
	emergencyContact: string | null;
	medicare: string | null;
	medicareReferenceNumber: string | null;
	dvaCardNumber: string | null;
	notes: string | null;
	appointmentNotes: string | null;
	oldReferenceId: string | null;
	referralSource: string | null;
	reminderType: Patient['reminderType'];
	receivesConfirmationEmails: boolean;
	acceptedPrivacyPolicy: boolean | null;
	privacyPolicyAnsweredAt: Date | null;
	acceptedEmailMarketing: boolean;
	acceptedSmsMarketing: boolean;
	invoiceDefaultTo: string | null;
	invoiceEmail: string | null;
	invoiceExtraInformation: string | null;
	concessionType: { id: string; name: string } | null;
	referringDoctor: { id: string; name: string; type: ContactType; providerNumber: string | null } | null;
	medicalAlerts: MedicalAlert[];
	customFields: CustomFieldsView | null;
	archivedAt: Date | null;
	/** When this record was merged into `mergedWithPatient` (it is archived since). */
	mergedAt: Date | null;
	mergedWithPatient: { id: string; name: string } | null;
	deletedAt: Date | null;
	createdAt: Date;
	updatedAt: Date;
	version: number;
}

async function loadDefinition(em: Em) {
	const row = await em.findOneOrFail(CustomFieldDefinition, { id: 1 });
	return row.definition;
}

export function toPatientView(patient: Patient, customFields: CustomFieldsView | null): PatientView {
	const doctor = patient.referringDoctor as Contact | null | undefined;
	const concession = patient.concessionType as ConcessionType | null | undefined;
	const mergedWith = patient.mergedWithPatient as Patient | null | undefined;
	return {
		id: patient.id,
		title: patient.title ?? null,
		firstName: patient.firstName,
		lastName: patient.lastName,
		preferredFirstName: patient.preferredFirstName ?? null,
		pronouns: patient.pronouns ?? null,
		dateOfBirth: patient.dateOfBirth ?? null,
		sex: patient.sex ?? null,
		genderIdentity: patient.genderIdentity ?? null,
		gender: patient.gender ?? null,
		email: patient.email ?? null,
		phoneNumbers: patient.phoneNumbers ?? [],
		address1: patient.address1 ?? null,
		address2: patient.address2 ?? null,
		address3: patient.address3 ?? null,
		city: patient.city ?? null,
		state: patient.state ?? null,
		postCode: patient.postCode ?? null,
		country: patient.country ?? null,
		timeZone: patient.timeZone ?? null,
		occupation: patient.occupation ?? null,
		emergencyContact: patient.emergencyContact ?? null,
		medicare: patient.medicare ?? null,
		medicareReferenceNumber: patient.medicareReferenceNumber ?? null,
		dvaCardNumber: patient.dvaCardNumber ?? null,
		notes: patient.notes ?? null,
		appointmentNotes: patient.appointmentNotes ?? null,
		oldReferenceId: patient.oldReferenceId ?? null,
		referralSource: patient.referralSource ?? null,
		reminderType: patient.reminderType,
		receivesConfirmationEmails: patient.receivesConfirmationEmails,
		acceptedPrivacyPolicy: patient.acceptedPrivacyPolicy ?? null,
		privacyPolicyAnsweredAt: patient.privacyPolicyAnsweredAt ?? null,
		acceptedEmailMarketing: patient.acceptedEmailMarketing,
		acceptedSmsMarketing: patient.acceptedSmsMarketing,
		invoiceDefaultTo: patient.invoiceDefaultTo ?? null,
		invoiceEmail: patient.invoiceEmail ?? null,
		invoiceExtraInformation: patient.invoiceExtraInformation ?? null,
		concessionType: concession ? { id: concession.id, name: concession.name } : null,
		referringDoctor: doctor
			? {
					id: doctor.id,
					name: contactName(doctor),
					type: doctor.type,
					providerNumber: doctor.providerNumber ?? null
				}
			: null,
		medicalAlerts: patient.medicalAlerts ?? [],
		customFields,
		archivedAt: patient.archivedAt ?? null,
		mergedAt: patient.mergedAt ?? null,
		mergedWithPatient:
			patient.mergedAt && mergedWith?.firstName
				? { id: mergedWith.id, name: patientDisplayName(mergedWith) }
				: null,
		deletedAt: patient.deletedAt ?? null,
		createdAt: patient.createdAt,
		updatedAt: patient.updatedAt,
		version: patient.version
	};
}

/** What the free-text search matches: names, email and every phone number in several spellings. */
export function buildSearchText(
	patient: Pick<Patient, 'firstName' | 'lastName' | 'preferredFirstName' | 'email' | 'phoneNumbers'>
): string {
	const phones = (patient.phoneNumbers ?? []).flatMap((p) => {
		const digits = p.number.replace(/\D/g, '');
		// +61412345678 is also found as 61412345678 and as the local 0412345678.
		const local = p.number.startsWith('+61') ? '0' + p.number.slice(3) : null;
		return [digits, local].filter(Boolean);
	});
	return [patient.firstName, patient.preferredFirstName, patient.lastName, patient.email, ...phones]
		.filter(Boolean)
		.join(' ')
		.toLowerCase();
}

async function loadPatient(em: Em, id: string, options: { includeDeleted?: boolean } = {}): Promise<Patient> {
	const patient = await em.findOne(
		Patient,
		{ id, ...(options.includeDeleted ? {} : { deletedAt: null }) },
		{ populate: ['referringDoctor', 'concessionType', 'mergedWithPatient'] }
	);
	if (!patient) throw notFound('Patient');
	return patient;
}

async function resolveReferences(em: Em, input: Partial<PatientFields>, errors: FieldErrors) {
	const refs: { referringDoctor?: Contact | null; concessionType?: ConcessionType | null } = {};
	if (input.referringDoctorId !== undefined) {
		if (input.referringDoctorId === null) refs.referringDoctor = null;
		else {
			const doctor = await em.findOne(Contact, { id: input.referringDoctorId, archivedAt: null });
			if (doctor) refs.referringDoctor = doctor;
			else errors.referringDoctorId = ['That referring doctor does not exist'];
		}
	}
	if (input.concessionTypeId !== undefined) {
		if (input.concessionTypeId === null) refs.concessionType = null;
		else {
			const concession = await em.findOne(ConcessionType, { id: input.concessionTypeId, archivedAt: null });
			if (concession) refs.concessionType = concession;
			else errors.concessionTypeId = ['That concession type does not exist'];
		}
	}
	return refs;
}

/**
 * The alerts as sent, keeping the id and creation time of those already on the record. A new alert
 * takes a whole-number id from `medical_alert_id_seq` (the REST API's /medical_alerts/:id).
 */
async function normaliseAlerts(
	em: Em,
	alerts: PatientFields['medicalAlerts'],
	previous: MedicalAlert[],
	now: Date
): Promise<MedicalAlert[] | undefined> {
	if (!alerts) return undefined;
	const known = new Map(previous.map((a) => [a.id, a]));
	const fresh = alerts.filter((alert) => !(alert.id && known.has(alert.id))).length;
	const ids = fresh
		? (
				await em.execute<{ id: string }[]>(
					`select nextval('medical_alert_id_seq')::text as id from generate_series(1, ?)`,
					[fresh]
				)
			).map((r) => String(r.id))
		: [];
	return alerts.map((alert) => {
		const existing = alert.id ? known.get(alert.id) : undefined;
		const notes = alert.notes ?? null;
		const isChanged = existing && (existing.name !== alert.name || (existing.notes ?? null) !== notes);
		return {
			id: existing?.id ?? ids.shift()!,
			name: alert.name,
			notes,
			createdAt: existing?.createdAt ?? now.toISOString(),
			...(isChanged
				? { updatedAt: now.toISOString() }
				: existing?.updatedAt
					? { updatedAt: existing.updatedAt }
					: {})
		};
	});
}

function snapshot(patient: Patient): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const field of SCALAR_FIELDS) out[field] = patient[field] ?? null;
	out.phoneNumbers = patient.phoneNumbers;
	out.medicalAlerts = patient.medicalAlerts;
	out.customFields = patient.customFields ?? null;
	out.acceptedPrivacyPolicy = patient.acceptedPrivacyPolicy ?? null;
	out.referringDoctor = (patient.referringDoctor as Contact | null | undefined)?.id ?? null;
	out.concessionType = (patient.concessionType as ConcessionType | null | undefined)?.id ?? null;
	return out;
}

/** Applies validated input to a patient; collects every field error before throwing. */
async function applyFields(
	em: Em,
	patient: Patient,
	input: Partial<PatientFields>,
	definition: CustomFieldsDefinitionDoc,
	now: Date
) {
	const errors: FieldErrors = {};
	const refs = await resolveReferences(em, input, errors);
	let answers: Patient['customFields'] | undefined;
	if (input.customFields !== undefined) {
		const result = validateCustomFields(input.customFields, definition);
		if (result.ok) answers = result.answers;
		else Object.assign(errors, result.errors);
	}
	if (Object.keys(errors).length)
		throw new AppError('BAD_REQUEST', 'Some fields need attention', { fieldErrors: errors });

	for (const field of SCALAR_FIELDS) {
		const value = input[field];
		if (value !== undefined) (patient as unknown as Record<string, unknown>)[field] = value;
	}
	if (input.phoneNumbers !== undefined) patient.phoneNumbers = input.phoneNumbers as PhoneNumber[];
	const alerts = await normaliseAlerts(em, input.medicalAlerts, patient.medicalAlerts ?? [], now);
	if (alerts) patient.medicalAlerts = alerts;
	if (answers !== undefined) patient.customFields = answers;
	if (
		input.acceptedPrivacyPolicy !== undefined &&
		input.acceptedPrivacyPolicy !== (patient.acceptedPrivacyPolicy ?? null)
	) {
		patient.acceptedPrivacyPolicy = input.acceptedPrivacyPolicy;
		patient.privacyPolicyAnsweredAt = input.acceptedPrivacyPolicy === null ? null : now;
	}
	if (refs.referringDoctor !== undefined) patient.referringDoctor = refs.referringDoctor;
	if (refs.concessionType !== undefined) patient.concessionType = refs.concessionType;
	patient.searchText = buildSearchText(patient);
}

export class DuplicatePatientError extends AppError {
	readonly duplicates: DuplicateCandidate[];
	constructor(duplicates: DuplicateCandidate[]) {
		super(
			'CONFLICT',
			'This looks like a patient Casebook already has. Check the matches, then save anyway if it is someone else.',
			{
				details: { duplicates }
			}
		);
		this.duplicates = duplicates;
	}
}

function mobilesOf(phoneNumbers: PatientFields['phoneNumbers']): string[] {
	return (phoneNumbers ?? []).filter((p) => p.phoneType === 'Mobile').map((p) => p.number);
}

export async function createPatient(
	em: Em,
	actor: Actor,
	input: PatientFields & { allowDuplicates?: boolean },
	options: { now?: Date } = {}
): Promise<PatientView> {
	const now = options.now ?? new Date();
	return em.transactional(async (tx) => {
		const definition = await loadDefinition(tx);
		if (!input.allowDuplicates) {
			const duplicates = await findLikelyDuplicates(tx, {
				firstName: input.firstName,
				lastName: input.lastName,
				dateOfBirth: input.dateOfBirth ?? null,
				email: input.email ?? null,
				mobiles: mobilesOf(input.phoneNumbers)
			});
			if (duplicates.length) throw new DuplicatePatientError(duplicates);
		}
		const patient = tx.create(Patient, {
			firstName: input.firstName,
			lastName: input.lastName,
			phoneNumbers: [],
			medicalAlerts: []
		});
		await applyFields(tx, patient, input, definition, now);
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'patient.create',
			recordType: 'patient',
			recordId: patient.id,
			changedFields: Object.entries(snapshot(patient))
				.filter(([, v]) => v !== null && v !== false && !(Array.isArray(v) && v.length === 0))
				.map(([k]) => k)
		});
		await publishEvent(tx, { type: 'patient.created', patientId: patient.id }, actor);
		return toPatientView(patient, presentCustomFields(patient.customFields ?? null, definition));
	});
}

export async function getPatient(em: Em, actor: Actor, id: string): Promise<PatientView> {
	return em.transactional(async (tx) => {
		const definition = await loadDefinition(tx);
		const patient = await loadPatient(tx, id);
		recordAudit(tx, actor, { action: 'patient.read', recordType: 'patient', recordId: patient.id });
		return toPatientView(patient, presentCustomFields(patient.customFields ?? null, definition));
	});
}

/**
 * A numbered page of whole live or archived records (the REST API's lists), in the page's order.
 * Each record returned is a read of that record, audited like `getPatient`.
 */
export async function findPatientRecords(
	em: Em,
	actor: Actor,
	status: 'active' | 'archived',
	input: FindPatientPageInput
): Promise<{ items: PatientView[]; total: number }> {
	return em.transactional(async (tx) => {
		const { rows, total } = await findPatientPage(tx, status, input);
		if (!rows.length) return { items: [], total };
		const definition = await loadDefinition(tx);
		const ids = rows.map((r) => r.id);
		const patients = await tx.find(
			Patient,
			{ id: { $in: ids } },
			{ populate: ['referringDoctor', 'concessionType', 'mergedWithPatient'] }
		);
		const byId = new Map(patients.map((p) => [p.id, p]));
		const items: PatientView[] = [];
		for (const id of ids) {
			const patient = byId.get(id);
			if (!patient) continue;
			recordAudit(tx, actor, {
				action: 'patient.read',
				recordType: 'patient',
				recordId: patient.id,
				details: { list: status }
			});
			items.push(toPatientView(patient, presentCustomFields(patient.customFields ?? null, definition)));
		}
		return { items, total };
	});
}

export async function updatePatient(
	em: Em,
	actor: Actor,
	/** Without a version (REST API clients have none) the change applies to the record as it is now. */
	input: Partial<PatientFields> & { id: string; version?: number },
	options: { now?: Date } = {}
): Promise<PatientView> {
	const now = options.now ?? new Date();
	return em.transactional(async (tx) => {
		const definition = await loadDefinition(tx);
		const patient = await loadPatient(tx, input.id);
		assertVersion(patient, input.version, 'patient');
		const before = snapshot(patient);
		await applyFields(tx, patient, input, definition, now);
		const fields = changedFields(before, snapshot(patient));
		if (fields.length) {
			await tx.flush();
			recordAudit(tx, actor, {
				action: 'patient.update',
				recordType: 'patient',
				recordId: patient.id,
				changedFields: fields
			});
			await publishEvent(tx, { type: 'patient.updated', patientId: patient.id }, actor);
		}
		return toPatientView(patient, presentCustomFields(patient.customFields ?? null, definition));
	});
}

async function setLifecycle(
	em: Em,
	actor: Actor,
	id: string,
	action: 'archive' | 'unarchive' | 'delete',
	now: Date
): Promise<PatientView> {
	return em.transactional(async (tx) => {
		const definition = await loadDefinition(tx);
		const patient = await loadPatient(tx, id);
		if (action === 'archive') {
			if (patient.archivedAt) throw new AppError('CONFLICT', 'This patient is already archived.');
			patient.archivedAt = now;
		} else if (action === 'unarchive') {
			if (!patient.archivedAt) throw new AppError('CONFLICT', 'This patient is not archived.');
			// A merged record comes back only with everything that moved: through the merge's undo.
			if (patient.mergedAt)
				throw new AppError(
					'CONFLICT',
					'This patient was merged into another record: an admin can undo the merge (Admin → Patient merges).'
				);
			patient.archivedAt = null;
		} else {
			patient.deletedAt = now;
		}
		await tx.flush();
		recordAudit(tx, actor, {
			action: `patient.${action}`,
			recordType: 'patient',
			recordId: patient.id,
			changedFields: [action === 'delete' ? 'deletedAt' : 'archivedAt']
		});
		await publishEvent(tx, { type: 'patient.updated', patientId: patient.id }, actor);
		return toPatientView(patient, presentCustomFields(patient.customFields ?? null, definition));
	});
}

export const archivePatient = (em: Em, actor: Actor, id: string, now = new Date()) =>
	setLifecycle(em, actor, id, 'archive', now);
export const unarchivePatient = (em: Em, actor: Actor, id: string, now = new Date()) =>
	setLifecycle(em, actor, id, 'unarchive', now);
export const deletePatient = (em: Em, actor: Actor, id: string, now = new Date()) =>
	setLifecycle(em, actor, id, 'delete', now);

export async function checkDuplicates(
	em: Em,
	input: {
		firstName?: string | null;
		lastName?: string | null;
		dateOfBirth?: string | null;
		email?: string | null;
		phoneNumbers?: PatientFields['phoneNumbers'];
		excludeId?: string;
	}
) {
	return findLikelyDuplicates(em, { ...input, mobiles: mobilesOf(input.phoneNumbers) });
}

/** Who may work with patients: every staff role (kept in one place for when this narrows). */
export const PATIENT_ROLES: Role[] = ['admin', 'scheduler', 'practitioner'];
