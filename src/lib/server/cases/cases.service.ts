// Treatment cases (issue 6; seeds 000 and 002): create, read, edit, close and re-open, merge two
// cases of a patient, relate appointments, attach files. Every change is one transaction with its
// audit event; every read of a case is audited like a patient record.
import { templateVisibilityFilter } from '../case-templates/case-templates.service.ts';
import {
	caseAppointmentInput,
	caseIdInput,
	closeCaseInput,
	createCaseInput,
	findCasesInput,
	mergeCasesInput,
	removeAttachmentInput,
	reopenCaseInput,
	updateCaseInput,
	type CaseFieldsInput,
	type CreateCaseInput,
	type ReferralType,
	type FindCasesInput,
	type UpdateCaseInput
} from '../../schemas/case.ts';
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import { todayIn } from '../../time.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { changedFields, recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { getConfig } from '../config.ts';
import { Contact, contactName } from '../contacts/contact.entity.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError, notFound, type FieldErrors } from '../errors.ts';
import { Patient } from '../patients/patient.entity.ts';
import { patientDisplayName } from '../patients/patient-name.rules.ts';
import { deleteAttachmentBytes, inspectUpload, storeAttachmentBytes } from './attachment-storage.ts';
import { BodyPart } from './body-part.entity.ts';
import { assertCaseOpen, isCaseVisible, loadVisibleCase } from './case-access.queries.ts';
import { Case, CaseAttachment, type CaseLimitKind, type CaseStatus } from './case.entity.ts';
import {
	caseWarnings,
	computeCaseUsage,
	countsTowardsCase,
	describeWarning,
	type CaseUsage
} from './case.rules.ts';
import { assertCaseHasRoom, capMessage, loadUsageAppointments } from './case-usage.rules.ts';
import {
	findCaseRecordPage,
	findCaseSummaryPage,
	findOpenCaseSummariesWithBodyParts,
	loadChangedCaseDetail,
	readCaseDetail,
	type CaseDetailRow,
	type CaseSummaryRow,
	type CaseSummaryWithUsage,
	type FindCaseRecordsInput
} from './cases.queries.ts';

export type { CaseRecordFilterField, CaseRecordSortField, FindCaseRecordsInput } from './cases.queries.ts';

// ---------------------------------------------------------------------------------------------
// Views: plain objects, never entities.

/**
 * Hears of a case's close and re-open inside the transaction that makes them (routing keeps a sent
 * case's escalation and its sender's timeline in step). Registered by app/wiring.ts: cases does not
 * know who listens, so no feature has to call back into cases' callers.
 */
export interface CaseStatusListener {
	closed(tx: Em, actor: Actor, caseRow: Case): Promise<void>;
	reopened(tx: Em, actor: Actor, caseRow: Case, now: Date): Promise<void>;
}

const statusListeners = new Map<string, CaseStatusListener>();

/** Registers (or replaces) the listener called `name`. */
export function listenToCaseStatus(name: string, listener: CaseStatusListener): void {
	statusListeners.set(name, listener);
}

export interface CaseUsageView extends Omit<CaseUsage, 'numbers'> {
	limitKind: CaseLimitKind;
	maxAppointments: number | null;
	maxAmountCents: number | null;
}

export interface CaseWarningView {
	kind: string;
	message: string;
}

export interface CaseSummaryView {
	id: string;
	name: string;
	patient: { id: string; name: string } | null;
	/** `serviceIds`: what the template covers (booking proposes the one case covering a service). */
	template: { id: string; name: string; isShared: boolean; isArchived: boolean; serviceIds: string[] } | null;
	bodyParts: { id: string; name: string }[];
	status: CaseStatus;
	issuedOn: string;
	hasReferral: boolean;
	referralExpiresOn: string | null;
	usage: CaseUsageView;
	warnings: CaseWarningView[];
	mergedInto: { id: string; name: string } | null;
	closedAt: Date | null;
	/** Archived through the REST API (Cliniko's patient-case archive). */
	archivedAt: Date | null;
	/** Sent to teams: it cannot be sent again (its priority can change). */
	isSentToTeams: boolean;
	version: number;
}

export interface CaseAppointmentView {
	id: string;
	startsAt: Date;
	endsAt: Date;
	status: AppointmentStatus;
	practitioner: { id: string; name: string };
	appointmentType: { id: string; name: string; priceCents: number };
	invoicedAmountCents: number | null;
	/** Its number in the series ("3 of 10"); null when it does not count. */
	number: number | null;
	counts: boolean;
}

export interface CaseAttachmentView {
	id: string;
	fileName: string;
	contentType: string;
	sizeBytes: number;
	uploadedBy: string | null;
	createdAt: Date;
}

export interface CaseDetailView extends CaseSummaryView {
	countsCancelled: boolean;
	countsDidNotArrive: boolean;
	referringDoctor: { id: string; name: string } | null;
	referralIssuedOn: string | null;
	referralType: ReferralType | null;
	notes: string | null;
	templateServices: { id: string; name: string }[];
	appointments: CaseAppointmentView[];
	attachments: CaseAttachmentView[];
	mergedFrom: { id: string; name: string }[];
	createdBy: string | null;
	createdAt: Date;
	updatedAt: Date;
}

function today(now = new Date()): string {
	return todayIn(getConfig().CASEBOOK_TIME_ZONE, now);
}

function toUsageView(caseRow: CaseSummaryRow, usage: CaseUsage): CaseUsageView {
	const { numbers: _numbers, ...rest } = usage;
	return {
		...rest,
		limitKind: caseRow.limitKind,
		maxAppointments: caseRow.maxAppointments,
		maxAmountCents: caseRow.maxAmountCents
	};
}

function toSummaryView(caseRow: CaseSummaryRow, usage: CaseUsage, now = new Date()): CaseSummaryView {
	const template = caseRow.template;
	const warnings = caseWarnings(
		{
			status: caseRow.status,
			hasReferral: caseRow.hasReferral,
			referralExpiresOn: caseRow.referralExpiresOn,
			usage: { ...usage, maxAmountCents: caseRow.maxAmountCents }
		},
		today(now)
	);
	return {
		id: caseRow.id,
		name: caseRow.name,
		patient: caseRow.patient ? { id: caseRow.patient.id, name: patientDisplayName(caseRow.patient) } : null,
		template: template
			? {
					id: template.id,
					name: template.name,
					isShared: template.serviceIds.length > 1,
					isArchived: !template.isActive,
					serviceIds: template.serviceIds
				}
			: null,
		bodyParts: caseRow.bodyParts,
		status: caseRow.status,
		issuedOn: caseRow.issuedOn,
		hasReferral: caseRow.hasReferral,
		referralExpiresOn: caseRow.hasReferral ? caseRow.referralExpiresOn : null,
		usage: toUsageView(caseRow, usage),
		warnings: warnings.map((w) => ({ kind: w.kind, message: describeWarning(w) })),
		mergedInto: caseRow.mergedInto,
		closedAt: caseRow.closedAt,
		archivedAt: caseRow.archivedAt,
		isSentToTeams: caseRow.isSentToTeams,
		version: caseRow.version
	};
}

function summaryViewOf({ summary, usage }: CaseSummaryWithUsage): CaseSummaryView {
	return toSummaryView(summary, computeCaseUsage(summary, usage));
}

// ---------------------------------------------------------------------------------------------
// Find

export async function findCases(em: Em, actor: Actor, raw: FindCasesInput = {}) {
	const input = findCasesInput.parse(raw);
	const { rows, total } = await findCaseSummaryPage(em, actor, input, today());
	return {
		items: rows.map(summaryViewOf),
		total,
		page: input.page,
		pageCount: Math.max(1, Math.ceil(total / input.perPage))
	};
}

// ---------------------------------------------------------------------------------------------
// Get

/** The case page's view of a case, read after any pending change of `caseRow` is flushed. */
async function toDetailView(em: Em, caseRow: Case): Promise<CaseDetailView> {
	await em.flush();
	return detailViewOf(await loadChangedCaseDetail(em, caseRow.id));
}

function detailViewOf(row: CaseDetailRow | null): CaseDetailView {
	if (!row) throw notFound('Case');
	const usage = computeCaseUsage(
		row,
		row.appointments.map((a) => ({
			id: a.id,
			status: a.status,
			startsAt: a.startsAt,
			invoicedAmountCents: a.invoicedAmountCents,
			priceCents: a.appointmentType.priceCents
		}))
	);
	return {
		...toSummaryView(row, usage),
		countsCancelled: row.countsCancelled,
		countsDidNotArrive: row.countsDidNotArrive,
		referringDoctor:
			row.hasReferral && row.referringDoctor
				? { id: row.referringDoctor.id, name: contactName(row.referringDoctor) }
				: null,
		referralIssuedOn: row.hasReferral ? row.referralIssuedOn : null,
		referralType: row.hasReferral ? row.referralType : null,
		notes: row.notes,
		templateServices: row.template ? row.templateServices : [],
		appointments: row.appointments.map((a) => ({
			...a,
			number: usage.numbers.get(a.id) ?? null,
			counts: countsTowardsCase(a.status, row)
		})),
		attachments: row.attachments,
		mergedFrom: row.mergedFrom,
		createdBy: row.createdBy,
		createdAt: row.createdAt,
		updatedAt: row.updatedAt
	};
}

export async function getCase(em: Em, actor: Actor, id: string): Promise<CaseDetailView> {
	const { id: caseId } = caseIdInput.parse({ id });
	// A case outside the caller's visibility is not found; the read is audited in the same query.
	return detailViewOf(await readCaseDetail(em, actor, caseId));
}

// ---------------------------------------------------------------------------------------------
// Create and update

type ParsedCaseFields = ReturnType<typeof createCaseInput.parse>;

/** Checks every reference the form names; collects all problems at their fields. */
async function resolveReferences(
	em: Em,
	actor: Actor,
	input: Pick<ParsedCaseFields, 'templateId' | 'bodyPartIds' | 'referringDoctorId'>,
	current?: Case
) {
	const errors: FieldErrors = {};
	let template: CaseTemplate | null = null;
	if (input.templateId) {
		template = await em.findOne(CaseTemplate, { id: input.templateId });
		if (!template) errors.templateId = ['Choose a case template'];
		// An archived template stays on the cases that use it but is not offered for new ones.
		else if (!template.isActive && current?.template?.id !== template.id)
			errors.templateId = ['This template is archived: choose another'];
		// A practitioner sees the cases of their services' templates: a template of another
		// service would make the case disappear from them the moment it is saved.
		else if (
			current?.template?.id !== template.id &&
			!(await em.count(CaseTemplate, { $and: [{ id: template.id }, templateVisibilityFilter(actor)] }))
		)
			errors.templateId = [
				'Choose a template of one of your services: with this one you could not open the case afterwards'
			];
	}
	const bodyParts = input.bodyPartIds.length
		? await em.find(BodyPart, { id: { $in: input.bodyPartIds } })
		: [];
	const keptIds = new Set(
		current?.bodyParts.isInitialized() ? current.bodyParts.getItems().map((b) => b.id) : []
	);
	if (
		bodyParts.length !== input.bodyPartIds.length ||
		bodyParts.some((b) => !b.isActive && !keptIds.has(b.id))
	)
		errors.bodyPartIds = ['Choose body parts from the list'];
	let referringDoctor: Contact | null = null;
	if (input.referringDoctorId) {
		referringDoctor = await em.findOne(Contact, { id: input.referringDoctorId });
		if (!referringDoctor) errors.referringDoctorId = ['Choose a referring doctor from your contacts'];
	}
	return { errors, template, bodyParts, referringDoctor };
}

function applyCaseFields(
	caseRow: Case,
	input: Omit<ParsedCaseFields, 'patientId' | 'appointmentIds'>,
	refs: { template: CaseTemplate | null; bodyParts: BodyPart[]; referringDoctor: Contact | null },
	now: Date
): void {
	caseRow.name = input.name;
	caseRow.template = refs.template;
	caseRow.bodyParts.set(refs.bodyParts);
	caseRow.limitKind = input.limitKind;
	caseRow.maxAppointments = input.maxAppointments ?? null;
	caseRow.maxAmountCents = input.maxAmountCents ?? null;
	caseRow.countsCancelled = input.countsCancelled;
	caseRow.countsDidNotArrive = input.countsDidNotArrive;
	caseRow.hasReferral = input.hasReferral;
	caseRow.referringDoctor = refs.referringDoctor;
	caseRow.referralIssuedOn = input.referralIssuedOn ?? null;
	caseRow.referralExpiresOn = input.referralExpiresOn ?? null;
	if (input.referralType !== undefined) caseRow.referralType = input.referralType;
	caseRow.notes = input.notes ?? null;
	caseRow.issuedOn = input.issuedOn ?? caseRow.issuedOn ?? today(now);
}

function snapshot(caseRow: Case): Record<string, unknown> {
	return {
		name: caseRow.name,
		template: caseRow.template?.id ?? null,
		bodyParts: caseRow.bodyParts.isInitialized()
			? caseRow.bodyParts
					.getItems()
					.map((b) => b.id)
					.sort()
					.join(',')
			: null,
		limitKind: caseRow.limitKind,
		maxAppointments: caseRow.maxAppointments ?? null,
		maxAmountCents: caseRow.maxAmountCents ?? null,
		countsCancelled: caseRow.countsCancelled,
		countsDidNotArrive: caseRow.countsDidNotArrive,
		hasReferral: caseRow.hasReferral,
		referringDoctor: caseRow.referringDoctor?.id ?? null,
		referralIssuedOn: caseRow.referralIssuedOn ?? null,
		referralExpiresOn: caseRow.referralExpiresOn ?? null,
		referralType: caseRow.referralType ?? null,
		notes: caseRow.notes ?? null,
		issuedOn: caseRow.issuedOn
	};
}

/** A limit lowered below what the case already counts would make it "over" for no reason. */
function assertLimitFits(caseRow: Case, usage: CaseUsage): void {
	if (
		caseRow.limitKind === 'appointments' &&
		caseRow.maxAppointments != null &&
		usage.appointmentsCounted > caseRow.maxAppointments
	) {
		const message = `This case already has ${usage.appointmentsCounted} appointments that count: the maximum cannot be lower`;
		throw new AppError('BAD_REQUEST', message, { fieldErrors: { maxAppointments: [message] } });
	}
}

async function loadActivePatient(em: Em, patientId: string, field = 'patientId'): Promise<Patient> {
	const patient = await em.findOne(Patient, { id: patientId, deletedAt: null });
	if (!patient)
		throw new AppError('NOT_FOUND', 'Patient not found', { fieldErrors: { [field]: ['Choose a patient'] } });
	return patient;
}

/**
 * Creates a case inside the caller's transaction (the appointment form creates one while booking).
 * `input` must already be parsed.
 */
export async function createCaseIn(
	tx: Em,
	actor: Actor,
	input: ParsedCaseFields,
	now = new Date()
): Promise<Case> {
	const patient = await loadActivePatient(tx, input.patientId);
	const refs = await resolveReferences(tx, actor, input);
	const appointments = input.appointmentIds.length
		? await tx.find(Appointment, { id: { $in: input.appointmentIds } }, { populate: ['patient'] })
		: [];
	// An appointment on a case the actor may not see counts as missing: taking it would change that case.
	let isAnyOnHiddenCase = false;
	for (const a of appointments)
		if (a.case && !(await isCaseVisible(tx, actor, a.case.id))) isAnyOnHiddenCase = true;
	if (appointments.length !== input.appointmentIds.length || isAnyOnHiddenCase)
		refs.errors.appointmentIds = ['Choose appointments of this patient'];
	else if (appointments.some((a) => a.patient.id !== patient.id))
		refs.errors.appointmentIds = ['An appointment of another patient cannot be added to this case'];
	if (Object.keys(refs.errors).length)
		throw new AppError('BAD_REQUEST', 'Some fields need attention', { fieldErrors: refs.errors });
	const caseRow = tx.create(Case, {
		name: input.name,
		patient,
		issuedOn: input.issuedOn ?? today(now),
		createdBy: actor.user ? tx.getReference(User, actor.user.id) : null
	});
	applyCaseFields(caseRow, input, refs, now);
	await tx.flush();
	if (appointments.length) {
		const usage = computeCaseUsage(
			caseRow,
			appointments.map((a) => ({
				id: a.id,
				status: a.status,
				startsAt: a.startsAt,
				invoicedAmountCents: a.invoicedAmountCents ?? null,
				priceCents: 0
			}))
		);
		if (
			caseRow.limitKind === 'appointments' &&
			usage.appointmentsLeft !== null &&
			usage.appointmentsLeft < 0
		) {
			const message = `${capMessage(caseRow.maxAppointments!)}: choose fewer appointments`;
			throw new AppError('CONFLICT', message, { fieldErrors: { appointmentIds: [message] } });
		}
		for (const appointment of appointments) appointment.case = caseRow;
	}
	await tx.flush();
	recordAudit(tx, actor, {
		action: 'case.create',
		recordType: 'case',
		recordId: caseRow.id,
		details: { patientId: patient.id, appointmentIds: input.appointmentIds }
	});
	return caseRow;
}

export async function createCase(
	em: Em,
	actor: Actor,
	raw: CreateCaseInput,
	now = new Date()
): Promise<CaseDetailView> {
	const input = createCaseInput.parse(raw);
	return em.transactional(async (tx) => toDetailView(tx, await createCaseIn(tx, actor, input, now)));
}

export async function updateCase(
	em: Em,
	actor: Actor,
	raw: UpdateCaseInput,
	now = new Date()
): Promise<CaseDetailView> {
	const input = updateCaseInput.parse(raw);
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.id, { lock: true });
		assertVersion(caseRow, input.version, 'case');
		await tx.populate(caseRow, ['bodyParts', 'template', 'referringDoctor']);
		const before = snapshot(caseRow);
		const refs = await resolveReferences(tx, actor, input, caseRow);
		if (Object.keys(refs.errors).length)
			throw new AppError('BAD_REQUEST', 'Some fields need attention', { fieldErrors: refs.errors });
		applyCaseFields(caseRow, input, refs, now);
		const usageRows = (await loadUsageAppointments(tx, [caseRow.id])).get(caseRow.id) ?? [];
		assertLimitFits(caseRow, computeCaseUsage(caseRow, usageRows));
		const fields = changedFields(before, snapshot(caseRow));
		if (fields.length) {
			await tx.flush();
			recordAudit(tx, actor, {
				action: 'case.update',
				recordType: 'case',
				recordId: caseRow.id,
				changedFields: fields
			});
		}
		return toDetailView(tx, caseRow);
	});
}

// ---------------------------------------------------------------------------------------------
// Close, re-open

/** Closes (`isOpen` false) or re-opens a case; the listeners hear of it in the same transaction. */
async function setCaseOpen(
	em: Em,
	actor: Actor,
	raw: { id: string; version: number },
	isOpen: boolean,
	now: Date
) {
	const input = (isOpen ? reopenCaseInput : closeCaseInput).parse(raw);
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.id, { lock: true });
		assertVersion(caseRow, input.version, 'case');
		if (isOpen === (caseRow.status === 'open'))
			throw new AppError('CONFLICT', isOpen ? 'This case is already open.' : 'This case is already closed.');
		if (isOpen && caseRow.mergedInto)
			throw new AppError('CONFLICT', 'This case was merged into another case: open that one instead.');
		caseRow.status = isOpen ? 'open' : 'closed';
		caseRow.closedAt = isOpen ? null : now;
		await tx.flush();
		for (const listener of statusListeners.values())
			await (isOpen ? listener.reopened(tx, actor, caseRow, now) : listener.closed(tx, actor, caseRow));
		recordAudit(tx, actor, {
			action: isOpen ? 'case.reopen' : 'case.close',
			recordType: 'case',
			recordId: caseRow.id,
			changedFields: ['status']
		});
		return toDetailView(tx, caseRow);
	});
}

export const closeCase = (em: Em, actor: Actor, raw: { id: string; version: number }, now = new Date()) =>
	setCaseOpen(em, actor, raw, false, now);
export const reopenCase = (em: Em, actor: Actor, raw: { id: string; version: number }, now = new Date()) =>
	setCaseOpen(em, actor, raw, true, now);

// ---------------------------------------------------------------------------------------------
// Merge

function mergedNotes(target: Case, source: Case, now: Date): string | null {
	if (!source.notes) return target.notes ?? null;
	const heading = `--- Merged from case "${source.name}" (#${source.id}) on ${today(now)} ---`;
	return target.notes ? `${target.notes}\n\n${heading}\n${source.notes}` : `${heading}\n${source.notes}`;
}

/**
 * Merges `source` into `target` (two cases of one patient): the target keeps every appointment,
 * attachment and body part of both, the source's notes under a heading, and the source's referral
 * if it has none; the source is closed and points at the target. One transaction.
 */
export async function mergeCases(
	em: Em,
	actor: Actor,
	raw: { sourceId: string; targetId: string },
	now = new Date()
) {
	const input = mergeCasesInput.parse(raw);
	return em.transactional(async (tx) => {
		// Lock in id order so two opposite merges cannot deadlock.
		const [firstId, secondId] = [input.sourceId, input.targetId].sort((a, b) => Number(a) - Number(b));
		const first = await loadVisibleCase(tx, actor, firstId!, { lock: true });
		const second = await loadVisibleCase(tx, actor, secondId!, { lock: true });
		const source = first.id === input.sourceId ? first : second;
		const target = first.id === input.targetId ? first : second;
		if (source.patient?.id !== target.patient?.id || !source.patient)
			throw new AppError('BAD_REQUEST', 'Only cases of the same patient can be merged', {
				fieldErrors: { targetId: ['Choose a case of the same patient'] }
			});
		if (source.mergedInto)
			throw new AppError('CONFLICT', 'That case has already been merged into another case.');
		if (target.mergedInto)
			throw new AppError('BAD_REQUEST', 'The chosen case was merged into another case', {
				fieldErrors: { targetId: ['Choose a case that has not been merged'] }
			});
		assertCaseOpen(target, 'The case to merge into is closed: re-open it first.');
		await tx.populate([source, target], ['bodyParts', 'referringDoctor']);
		const connection = { sourceId: source.id, targetId: target.id };
		const moved = await tx.nativeUpdate(Appointment, { case: source.id }, { case: target.id });
		const movedFiles = await tx.nativeUpdate(CaseAttachment, { case: source.id }, { case: target.id });
		const bodyParts = new Map(
			[...target.bodyParts.getItems(), ...source.bodyParts.getItems()].map((b) => [b.id, b])
		);
		target.bodyParts.set([...bodyParts.values()]);
		target.notes = mergedNotes(target, source, now);
		if (!target.hasReferral && source.hasReferral) {
			target.hasReferral = true;
			target.referringDoctor = source.referringDoctor ?? null;
			target.referralIssuedOn = source.referralIssuedOn ?? null;
			target.referralExpiresOn = source.referralExpiresOn ?? null;
			target.referralType = source.referralType ?? null;
		}
		source.status = 'closed';
		source.closedAt = source.closedAt ?? now;
		source.mergedInto = target;
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'case.merge',
			recordType: 'case',
			recordId: target.id,
			details: { ...connection, appointmentsMoved: moved, attachmentsMoved: movedFiles }
		});
		recordAudit(tx, actor, {
			action: 'case.merged_into',
			recordType: 'case',
			recordId: source.id,
			details: connection
		});
		return toDetailView(tx, target);
	});
}

// ---------------------------------------------------------------------------------------------
// Appointments on a case

export async function addAppointmentToCase(
	em: Em,
	actor: Actor,
	raw: { caseId: string; appointmentId: string }
) {
	const input = caseAppointmentInput.parse(raw);
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.caseId, { lock: true });
		assertCaseOpen(caseRow);
		const appointment = await tx.findOne(Appointment, { id: input.appointmentId }, { populate: ['patient'] });
		if (!appointment) throw notFound('Appointment');
		// Moving it out of a case the actor may not see would change that case: as good as missing.
		if (
			appointment.case &&
			appointment.case.id !== caseRow.id &&
			!(await isCaseVisible(tx, actor, appointment.case.id))
		)
			throw notFound('Appointment');
		if (appointment.patient.id !== caseRow.patient?.id)
			throw new AppError('BAD_REQUEST', 'This appointment belongs to another patient', {
				fieldErrors: { appointmentId: ['Choose an appointment of this case’s patient'] }
			});
		if (appointment.case?.id === caseRow.id) return toDetailView(tx, caseRow);
		await assertCaseHasRoom(tx, caseRow, appointment, 'appointmentId');
		const previous = appointment.case?.id ?? null;
		appointment.case = caseRow;
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'case.add_appointment',
			recordType: 'case',
			recordId: caseRow.id,
			details: { appointmentId: appointment.id, previousCaseId: previous }
		});
		return toDetailView(tx, caseRow);
	});
}

export async function removeAppointmentFromCase(
	em: Em,
	actor: Actor,
	raw: { caseId: string; appointmentId: string }
) {
	const input = caseAppointmentInput.parse(raw);
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.caseId, { lock: true });
		const appointment = await tx.findOne(Appointment, { id: input.appointmentId, case: caseRow.id });
		if (!appointment) throw notFound('Appointment on this case');
		appointment.case = null;
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'case.remove_appointment',
			recordType: 'case',
			recordId: caseRow.id,
			details: { appointmentId: appointment.id }
		});
		return toDetailView(tx, caseRow);
	});
}

// ---------------------------------------------------------------------------------------------
// Attachments

/** The attachment rules for callers outside this feature (the REST API's inbound team cases). */
export { FILE_TOO_LARGE, MAX_ATTACHMENT_BYTES } from './attachment-storage.ts';

/** A file checked by the attachment rules (content type and name), not stored yet. */
export type CheckedAttachment = Awaited<ReturnType<typeof inspectUpload>> & { bytes: Uint8Array };

/** Checks a file by the attachment rules before anything is written; refusals name `file`. */
export async function checkAttachment(bytes: Uint8Array, fileName: string): Promise<CheckedAttachment> {
	return { ...(await inspectUpload(bytes, fileName)), bytes };
}

/**
 * Stores checked files on a case inside the caller's transaction `tx` (a case being created, so no
 * visibility check here). The bytes are removed again when this fails; the caller's rollback after
 * it returns leaves them unreferenced, as a crash between the write and the commit would.
 */
export async function storeCaseAttachments(
	tx: Em,
	actor: Actor,
	caseId: string,
	files: CheckedAttachment[]
): Promise<void> {
	const stored: string[] = [];
	try {
		for (const file of files) {
			const bytes = await storeAttachmentBytes(file.bytes);
			stored.push(bytes.storageKey);
			const attachment = tx.create(CaseAttachment, {
				case: caseId,
				fileName: file.fileName,
				contentType: file.contentType,
				sizeBytes: bytes.sizeBytes,
				sha256: bytes.sha256,
				storageKey: bytes.storageKey,
				uploadedBy: actor.user ? tx.getReference(User, actor.user.id) : null
			});
			await tx.flush();
			recordAudit(tx, actor, {
				action: 'case.add_attachment',
				recordType: 'case',
				recordId: caseId,
				details: {
					attachmentId: attachment.id,
					fileName: attachment.fileName,
					sizeBytes: attachment.sizeBytes
				}
			});
		}
		await tx.flush();
	} catch (error) {
		await Promise.all(stored.map((key) => deleteAttachmentBytes(key)));
		throw error;
	}
}

export async function addCaseAttachment(
	em: Em,
	actor: Actor,
	input: { caseId: string; fileName: string; bytes: Uint8Array }
): Promise<CaseAttachmentView> {
	const { id: caseId } = caseIdInput.parse({ id: input.caseId });
	// Refuse before touching the disk or the database.
	await loadVisibleCase(em.fork(), actor, caseId);
	const inspected = await inspectUpload(input.bytes, input.fileName);
	const stored = await storeAttachmentBytes(input.bytes);
	try {
		return await em.transactional(async (tx) => {
			const caseRow = await loadVisibleCase(tx, actor, caseId, { lock: true });
			const attachment = tx.create(CaseAttachment, {
				case: caseRow,
				fileName: inspected.fileName,
				contentType: inspected.contentType,
				sizeBytes: stored.sizeBytes,
				sha256: stored.sha256,
				storageKey: stored.storageKey,
				uploadedBy: actor.user ? tx.getReference(User, actor.user.id) : null
			});
			await tx.flush();
			recordAudit(tx, actor, {
				action: 'case.add_attachment',
				recordType: 'case',
				recordId: caseRow.id,
				details: {
					attachmentId: attachment.id,
					fileName: attachment.fileName,
					sizeBytes: attachment.sizeBytes
				}
			});
			return {
				id: attachment.id,
				fileName: attachment.fileName,
				contentType: attachment.contentType,
				sizeBytes: attachment.sizeBytes,
				uploadedBy: actor.user?.name ?? null,
				createdAt: attachment.createdAt
			};
		});
	} catch (error) {
		// Nothing half-written: the bytes go when the row does not make it.
		await deleteAttachmentBytes(stored.storageKey);
		throw error;
	}
}

export async function removeCaseAttachment(
	em: Em,
	actor: Actor,
	raw: { caseId: string; attachmentId: string }
) {
	const input = removeAttachmentInput.parse(raw);
	const storageKey = await em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.caseId, { lock: true });
		const attachment = await tx.findOne(CaseAttachment, { id: input.attachmentId, case: caseRow.id });
		if (!attachment) throw notFound('Attachment');
		const key = attachment.storageKey;
		tx.remove(attachment);
		recordAudit(tx, actor, {
			action: 'case.remove_attachment',
			recordType: 'case',
			recordId: caseRow.id,
			details: { attachmentId: input.attachmentId, fileName: attachment.fileName }
		});
		await tx.flush();
		return key;
	});
	// After the commit: a crash in between leaves an unreferenced file, never a dangling row.
	await deleteAttachmentBytes(storageKey);
	return { ok: true as const };
}

/** For the download route: the attachment's metadata, if the actor may see its case. */
export async function getCaseAttachment(em: Em, actor: Actor, raw: { caseId: string; attachmentId: string }) {
	const input = removeAttachmentInput.parse(raw);
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.caseId);
		const attachment = await tx.findOne(CaseAttachment, { id: input.attachmentId, case: caseRow.id });
		if (!attachment) throw notFound('Attachment');
		recordAudit(tx, actor, {
			action: 'case.download_attachment',
			recordType: 'case',
			recordId: caseRow.id,
			details: { attachmentId: attachment.id }
		});
		return {
			fileName: attachment.fileName,
			contentType: attachment.contentType,
			sizeBytes: attachment.sizeBytes,
			storageKey: attachment.storageKey
		};
	});
}

// ---------------------------------------------------------------------------------------------
// The REST API's patient cases (Cliniko's shape): numbered pages with filters, a change of some
// fields without a version, archive and unarchive.

/**
 * A numbered page of whole cases that have a patient and that the actor may see, archived or not.
 * Each case returned is a read of it, audited like `getCase`.
 */
export async function findCaseRecords(
	em: Em,
	actor: Actor,
	input: FindCaseRecordsInput
): Promise<{ items: CaseDetailView[]; total: number }> {
	const { rows, total } = await findCaseRecordPage(em, actor, input);
	return { items: rows.map(detailViewOf), total };
}

/** A case's editable fields as they are now, in the shape `updateCase` takes. */
function currentCaseFields(caseRow: Case): CaseFieldsInput {
	return {
		name: caseRow.name,
		templateId: caseRow.template?.id ?? null,
		bodyPartIds: caseRow.bodyParts.getItems().map((b) => b.id),
		limitKind: caseRow.limitKind,
		maxAppointments: caseRow.maxAppointments ?? null,
		maxAmountCents: caseRow.maxAmountCents ?? null,
		countsCancelled: caseRow.countsCancelled,
		countsDidNotArrive: caseRow.countsDidNotArrive,
		hasReferral: caseRow.hasReferral,
		referringDoctorId: caseRow.referringDoctor?.id ?? null,
		referralIssuedOn: caseRow.referralIssuedOn ?? null,
		referralExpiresOn: caseRow.referralExpiresOn ?? null,
		referralType: caseRow.referralType ?? null,
		notes: caseRow.notes ?? null,
		issuedOn: caseRow.issuedOn
	};
}

/**
 * Changes some fields of a case as it is now, for callers that hold no version (the REST API's
 * PATCH): `change` gets the current fields and returns the new ones, which `updateCase` then
 * checks and saves, in the same transaction and under the same lock.
 */
export async function patchCase(
	em: Em,
	actor: Actor,
	id: string,
	change: (current: CaseFieldsInput, about: { patientId: string | null }) => CaseFieldsInput,
	now = new Date()
): Promise<CaseDetailView> {
	const { id: caseId } = caseIdInput.parse({ id });
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, caseId, { lock: true });
		// Like findCaseRecords: a case sent to teams without a patient is no patient case.
		if (!caseRow.patient) throw notFound('Case');
		await tx.populate(caseRow, ['bodyParts', 'template', 'referringDoctor']);
		const next = change(currentCaseFields(caseRow), { patientId: caseRow.patient?.id ?? null });
		return updateCase(tx, actor, { ...next, id: caseRow.id, version: caseRow.version }, now);
	});
}

async function setCaseArchived(em: Em, actor: Actor, id: string, archived: boolean, now: Date) {
	const { id: caseId } = caseIdInput.parse({ id });
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, caseId, { lock: true });
		if (!caseRow.patient) throw notFound('Case');
		if (archived === Boolean(caseRow.archivedAt))
			throw new AppError(
				'CONFLICT',
				archived ? 'This case is already archived.' : 'This case is not archived.'
			);
		caseRow.archivedAt = archived ? now : null;
		await tx.flush();
		recordAudit(tx, actor, {
			action: archived ? 'case.archive' : 'case.unarchive',
			recordType: 'case',
			recordId: caseRow.id,
			changedFields: ['archivedAt']
		});
		return toDetailView(tx, caseRow);
	});
}

export const archiveCase = (em: Em, actor: Actor, id: string, now = new Date()) =>
	setCaseArchived(em, actor, id, true, now);
export const unarchiveCase = (em: Em, actor: Actor, id: string, now = new Date()) =>
	setCaseArchived(em, actor, id, false, now);

// ---------------------------------------------------------------------------------------------
// For forms

/** The open cases of a patient that share a body part: the booking question (seed 002). */
export async function findOpenCasesWithBodyParts(
	em: Em,
	actor: Actor,
	patientId: string,
	bodyPartIds: readonly string[]
): Promise<CaseSummaryView[]> {
	return (await findOpenCaseSummariesWithBodyParts(em, actor, patientId, bodyPartIds)).map(summaryViewOf);
}

/** Options for the case form: templates offered, the body-part vocabulary, referring doctors. */
/** What the case form offers `actor`: practitioners only the templates of their own services. */
export async function caseFormOptions(em: Em, actor: Actor) {
	const [templates, bodyParts, contacts] = await Promise.all([
		em.find(
			CaseTemplate,
			{ $and: [{ isActive: true }, templateVisibilityFilter(actor)] },
			{ populate: ['services'], orderBy: { name: 'asc', id: 'asc' } }
		),
		em.find(BodyPart, { isActive: true }, { orderBy: { name: 'asc', id: 'asc' } }),
		em.find(
			Contact,
			{ archivedAt: null },
			{ orderBy: { lastName: 'asc', firstName: 'asc', id: 'asc' }, limit: 500 }
		)
	]);
	return {
		templates: templates.map((t) => ({ id: t.id, name: t.name, isShared: t.services.count() > 1 })),
		bodyParts: bodyParts.map((b) => ({ id: b.id, name: b.name })),
		contacts: contacts.map((c) => ({ id: c.id, name: contactName(c) }))
	};
}
