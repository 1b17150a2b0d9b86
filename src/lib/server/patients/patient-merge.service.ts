// Patient merge (issue 18): two records of one person found after the fact. Everything keyed by the
// patient moves from the merged record to the kept one (cases with their attachments, appointments
// and reservations, appointment requests, portal links and sessions), the kept record gains the
// other's medical alerts, referring doctor and concession when it has none, and the merged record is
// archived with Cliniko's `merged_at` / `merged_with_patient`. One transaction, audited, and the
// rows that moved are recorded, so that an admin's undo (within 30 days) moves exactly those back.
import { LockMode } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';
import { formatDate } from '../../format.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { getConfig } from '../config.ts';
import type { Contact } from '../contacts/contact.entity.ts';
import type { Em } from '../db/orm.ts';
import { AppError, fieldError, notFound } from '../errors.ts';
import type { ConcessionType } from './concession-type.entity.ts';
import { patientDisplayName } from './patient-name.rules.ts';
import { PatientMerge, type MovedRows } from './patient-merge.entity.ts';
import { Patient, type MedicalAlert } from './patient.entity.ts';

/** How long an admin may undo a merge. */
export const MERGE_UNDO_DAYS = 30;
const UNDO_WINDOW_MS = MERGE_UNDO_DAYS * 86_400_000;

export const mergePatientsInput = z
	.object({
		/** The record that stays. */
		keepId: recordId,
		/** The duplicate, archived into the kept record. */
		mergeId: recordId
	})
	.refine((v) => v.keepId !== v.mergeId, {
		path: ['mergeId'],
		message: 'Choose another patient: a record cannot be merged into itself'
	});
export type MergePatientsInput = z.input<typeof mergePatientsInput>;

export const undoPatientMergeInput = z.object({
	/** The merged (archived) record whose merge is undone. */
	patientId: recordId
});
export type UndoPatientMergeInput = z.input<typeof undoPatientMergeInput>;

/** The tables whose rows follow the patient, with the name a person reads. */
const MOVED_TABLES = [
	{ key: 'caseIds', table: 'clinic_case', versioned: true },
	{ key: 'appointmentIds', table: 'appointment', versioned: true },
	{ key: 'appointmentRequestIds', table: 'appointment_request', versioned: false },
	{ key: 'portalLinkIds', table: 'portal_link', versioned: false },
	{ key: 'portalSessionIds', table: 'portal_session', versioned: false }
] as const satisfies readonly { key: keyof MovedRows; table: string; versioned: boolean }[];

type MovedKey = (typeof MOVED_TABLES)[number]['key'];

export interface PatientRef {
	id: string;
	name: string;
	dateOfBirth: string | null;
	email: string | null;
	archivedAt: Date | null;
}

export interface MergePreview {
	kept: PatientRef;
	merged: PatientRef;
	/** What moves from the merged record to the kept one. */
	moves: {
		cases: number;
		appointments: number;
		upcomingAppointments: number;
		appointmentRequests: number;
		portalLinks: number;
		medicalAlerts: number;
		referringDoctor: string | null;
		concessionType: string | null;
	};
}

export interface MergeResult {
	mergeId: string;
	kept: PatientRef;
	merged: PatientRef;
	moved: Record<'cases' | 'appointments' | 'appointmentRequests' | 'portalLinks' | 'medicalAlerts', number>;
	undoableUntil: Date;
}

function refOf(patient: Patient): PatientRef {
	return {
		id: patient.id,
		name: patientDisplayName(patient),
		dateOfBirth: patient.dateOfBirth ?? null,
		email: patient.email ?? null,
		archivedAt: patient.archivedAt ?? null
	};
}

function sameAlert(a: MedicalAlert, b: MedicalAlert): boolean {
	return a.name.trim().toLowerCase() === b.name.trim().toLowerCase() && (a.notes ?? '') === (b.notes ?? '');
}

/** The merged record's alerts that the kept one does not already have. */
function alertsToCopy(kept: Patient, merged: Patient): MedicalAlert[] {
	const have = kept.medicalAlerts ?? [];
	const ids = new Set(have.map((a) => a.id));
	return (merged.medicalAlerts ?? []).filter((a) => !ids.has(a.id) && !have.some((h) => sameAlert(h, a)));
}

/** Loads both live records, locked in id order (two opposite merges cannot deadlock). */
async function lockPair(tx: Em, keepId: string, mergeId: string, lock: boolean) {
	const ordered = [keepId, mergeId].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
	const found: Patient[] = [];
	for (const id of ordered) {
		const patient = await tx.findOne(
			Patient,
			{ id, deletedAt: null },
			{
				populate: ['referringDoctor', 'concessionType', 'mergedWithPatient'],
				refresh: true,
				...(lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {})
			}
		);
		if (!patient) throw notFound('Patient');
		found.push(patient);
	}
	const kept = found.find((p) => p.id === keepId)!;
	const merged = found.find((p) => p.id === mergeId)!;
	return { kept, merged };
}

function assertMergeable(kept: Patient, merged: Patient): void {
	if (merged.mergedAt) {
		const into = merged.mergedWithPatient as Patient | null | undefined;
		throw fieldError(
			'mergeId',
			`${patientDisplayName(merged)} was already merged into ${into ? patientDisplayName(into) : 'another record'}`,
			'CONFLICT'
		);
	}
	if (kept.mergedAt) {
		throw fieldError(
			'keepId',
			`${patientDisplayName(kept)} was merged into another record: keep that record instead`,
			'CONFLICT'
		);
	}
}

async function countRows(tx: Em, table: string, patientId: string, extra = ''): Promise<number> {
	const rows = await tx.execute<{ count: string }[]>(
		`select count(*) as count from "${table}" where "patient_id" = ?${extra}`,
		[patientId]
	);
	return Number(rows[0]?.count ?? 0);
}

/** What a merge of `mergeId` into `keepId` would move: the counts the confirmation shows. */
export async function previewPatientMerge(
	em: Em,
	raw: MergePatientsInput,
	now = new Date()
): Promise<MergePreview> {
	const input = mergePatientsInput.parse(raw);
	const { kept, merged } = await lockPair(em, input.keepId, input.mergeId, false);
	assertMergeable(kept, merged);
	const doctor = merged.referringDoctor as Contact | null | undefined;
	const concession = merged.concessionType as ConcessionType | null | undefined;
	const [cases, appointments, upcomingAppointments, appointmentRequests, portalLinks] = await Promise.all([
		countRows(em, 'clinic_case', merged.id),
		countRows(em, 'appointment', merged.id),
		em
			.execute<{ count: string }[]>(
				`select count(*) as count from "appointment" where "patient_id" = ? and "starts_at" >= ?`,
				[merged.id, now]
			)
			.then((rows) => Number(rows[0]?.count ?? 0)),
		countRows(em, 'appointment_request', merged.id),
		countRows(em, 'portal_link', merged.id, ' and "used_at" is null and "expires_at" > now()')
	]);
	return {
		kept: refOf(kept),
		merged: refOf(merged),
		moves: {
			cases,
			appointments,
			upcomingAppointments,
			appointmentRequests,
			portalLinks,
			medicalAlerts: alertsToCopy(kept, merged).length,
			referringDoctor:
				!kept.referringDoctor && doctor ? `${doctor.firstName ?? ''} ${doctor.lastName}`.trim() : null,
			concessionType: !kept.concessionType && concession ? concession.name : null
		}
	};
}

/** Points every row of `table` in `ids` (or of the patient `from`, when ids is null) at `to`. */
async function repoint(
	tx: Em,
	spec: (typeof MOVED_TABLES)[number],
	from: string,
	to: string,
	ids: string[] | null
): Promise<string[]> {
	if (ids && ids.length === 0) return [];
	const bump = spec.versioned ? `, "version" = "version" + 1, "updated_at" = now()` : '';
	const only = ids ? ` and "id" in (${ids.map(() => '?').join(', ')})` : '';
	const rows = await tx.execute<{ id: string }[]>(
		`update "${spec.table}" set "patient_id" = ?${bump} where "patient_id" = ?${only} returning "id"::text as "id"`,
		[to, from, ...(ids ?? [])]
	);
	return rows.map((r) => r.id).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
}

/** Merges `mergeId` into `keepId`; see the header. Scheduler or admin (the router decides). */
export async function mergePatients(
	em: Em,
	actor: Actor,
	raw: MergePatientsInput,
	now = new Date()
): Promise<MergeResult> {
	const input = mergePatientsInput.parse(raw);
	return em.transactional(async (tx) => {
		const { kept, merged } = await lockPair(tx, input.keepId, input.mergeId, true);
		assertMergeable(kept, merged);

		const moved: MovedRows = {
			caseIds: [],
			appointmentIds: [],
			appointmentRequestIds: [],
			portalLinkIds: [],
			portalSessionIds: [],
			medicalAlertIds: [],
			referringDoctorId: null,
			concessionTypeId: null,
			previousArchivedAt: merged.archivedAt ? merged.archivedAt.toISOString() : null
		};
		for (const spec of MOVED_TABLES) moved[spec.key] = await repoint(tx, spec, merged.id, kept.id, null);

		const copied = alertsToCopy(kept, merged);
		if (copied.length) kept.medicalAlerts = [...(kept.medicalAlerts ?? []), ...copied];
		moved.medicalAlertIds = copied.map((a) => a.id);
		const doctor = merged.referringDoctor as Contact | null | undefined;
		if (!kept.referringDoctor && doctor) {
			kept.referringDoctor = doctor;
			moved.referringDoctorId = doctor.id;
		}
		const concession = merged.concessionType as ConcessionType | null | undefined;
		if (!kept.concessionType && concession) {
			kept.concessionType = concession;
			moved.concessionTypeId = concession.id;
		}

		merged.archivedAt = merged.archivedAt ?? now;
		merged.mergedAt = now;
		merged.mergedWithPatient = kept;
		const merge = tx.create(PatientMerge, {
			keptPatient: kept,
			mergedPatient: merged,
			mergedAt: now,
			mergedBy: actor.user ? tx.getReference(User, actor.user.id) : null,
			moved
		});
		await tx.flush();

		const counts = {
			cases: moved.caseIds.length,
			appointments: moved.appointmentIds.length,
			appointmentRequests: moved.appointmentRequestIds.length,
			portalLinks: moved.portalLinkIds.length,
			medicalAlerts: moved.medicalAlertIds.length
		};
		recordAudit(tx, actor, {
			action: 'patient.merge',
			recordType: 'patient',
			recordId: kept.id,
			changedFields: [
				...(copied.length ? ['medicalAlerts'] : []),
				...(moved.referringDoctorId ? ['referringDoctor'] : []),
				...(moved.concessionTypeId ? ['concessionType'] : [])
			],
			details: { mergeId: merge.id, mergedPatientId: merged.id, ...counts }
		});
		recordAudit(tx, actor, {
			action: 'patient.merged_into',
			recordType: 'patient',
			recordId: merged.id,
			changedFields: ['archivedAt', 'mergedAt', 'mergedWithPatient'],
			details: { mergeId: merge.id, keptPatientId: kept.id }
		});
		return {
			mergeId: merge.id,
			kept: refOf(kept),
			merged: refOf(merged),
			moved: counts,
			undoableUntil: new Date(now.getTime() + UNDO_WINDOW_MS)
		};
	});
}

/**
 * Undoes the merge of `patientId` (the merged record): moves back exactly the rows the merge moved
 * (those still on the kept record), takes back what the kept record gained, and restores the merged
 * record as it was. Admins only (the router decides); refused after MERGE_UNDO_DAYS days.
 */
export async function undoPatientMerge(em: Em, actor: Actor, raw: UndoPatientMergeInput, now = new Date()) {
	const input = undoPatientMergeInput.parse(raw);
	return em.transactional(async (tx) => {
		const merge = await tx.findOne(
			PatientMerge,
			{ mergedPatient: input.patientId, undoneAt: null },
			{ orderBy: { mergedAt: 'desc', id: 'desc' }, lockMode: LockMode.PESSIMISTIC_WRITE }
		);
		if (!merge) throw new AppError('NOT_FOUND', 'This patient has no merge to undo.');
		if (now.getTime() - merge.mergedAt.getTime() > UNDO_WINDOW_MS) {
			const on = formatDate(merge.mergedAt, { timeZone: getConfig().CASEBOOK_TIME_ZONE });
			throw new AppError(
				'CONFLICT',
				`This merge was made on ${on}: a merge can be undone within ${MERGE_UNDO_DAYS} days only. Move the records by hand instead.`
			);
		}
		const { kept, merged } = await lockPair(tx, merge.keptPatient.id, merge.mergedPatient.id, true);
		if (kept.mergedAt) {
			const into = kept.mergedWithPatient as Patient | null | undefined;
			throw new AppError(
				'CONFLICT',
				`${patientDisplayName(kept)} has since been merged into ${into ? patientDisplayName(into) : 'another record'}: undo that merge first.`
			);
		}

		const moved = merge.moved;
		const back: Partial<Record<MovedKey, string[]>> = {};
		for (const spec of MOVED_TABLES)
			back[spec.key] = await repoint(tx, spec, kept.id, merged.id, moved[spec.key]);
		// An appointment and its case belong to one patient: links made across the two records
		// since the merge are dropped (the appointment stays, without the case).
		const detached = await tx.execute<{ id: string }[]>(
			`update "appointment" a set "case_id" = null, "version" = a."version" + 1, "updated_at" = now()
			  from "clinic_case" c
			 where c."id" = a."case_id" and a."patient_id" in (?, ?) and c."patient_id" in (?, ?)
			   and a."patient_id" <> c."patient_id"
			returning a."id"::text as "id"`,
			[kept.id, merged.id, kept.id, merged.id]
		);

		const alertIds = new Set(moved.medicalAlertIds);
		if (alertIds.size) kept.medicalAlerts = (kept.medicalAlerts ?? []).filter((a) => !alertIds.has(a.id));
		if (moved.referringDoctorId && (kept.referringDoctor as Contact | null)?.id === moved.referringDoctorId)
			kept.referringDoctor = null;
		if (
			moved.concessionTypeId &&
			(kept.concessionType as ConcessionType | null)?.id === moved.concessionTypeId
		)
			kept.concessionType = null;

		merged.archivedAt = moved.previousArchivedAt ? new Date(moved.previousArchivedAt) : null;
		merged.mergedAt = null;
		merged.mergedWithPatient = null;
		merge.undoneAt = now;
		merge.undoneBy = actor.user ? tx.getReference(User, actor.user.id) : null;
		await tx.flush();

		const counts = {
			cases: back.caseIds?.length ?? 0,
			appointments: back.appointmentIds?.length ?? 0,
			appointmentRequests: back.appointmentRequestIds?.length ?? 0,
			portalLinks: back.portalLinkIds?.length ?? 0,
			medicalAlerts: alertIds.size
		};
		const details = {
			mergeId: merge.id,
			keptPatientId: kept.id,
			mergedPatientId: merged.id,
			...counts,
			...(detached.length ? { appointmentsTakenOffCases: detached.map((r) => r.id) } : {})
		};
		recordAudit(tx, actor, {
			action: 'patient.merge_undo',
			recordType: 'patient',
			recordId: kept.id,
			details
		});
		recordAudit(tx, actor, {
			action: 'patient.merge_undo',
			recordType: 'patient',
			recordId: merged.id,
			changedFields: ['archivedAt', 'mergedAt', 'mergedWithPatient'],
			details
		});
		return { kept: refOf(kept), restored: refOf(merged), moved: counts };
	});
}

export interface PatientMergeView {
	id: string;
	kept: { id: string; name: string };
	merged: { id: string; name: string };
	mergedAt: Date;
	mergedBy: string | null;
	moved: { cases: number; appointments: number; appointmentRequests: number; medicalAlerts: number };
	undoneAt: Date | null;
	undoneBy: string | null;
	/** Null once undone or past the window. */
	undoableUntil: Date | null;
}

/** Merges of the last `days` days (undone ones too), newest first: the admin's list. */
export async function findPatientMerges(
	em: Em,
	options: { days?: number; now?: Date } = {}
): Promise<PatientMergeView[]> {
	const now = options.now ?? new Date();
	const since = new Date(now.getTime() - (options.days ?? 90) * 86_400_000);
	const merges = await em.find(
		PatientMerge,
		{ mergedAt: { $gte: since } },
		{
			populate: ['keptPatient', 'mergedPatient', 'mergedBy', 'undoneBy'],
			orderBy: { mergedAt: 'desc', id: 'desc' },
			limit: 200
		}
	);
	return merges.map((m) => {
		const until = new Date(m.mergedAt.getTime() + UNDO_WINDOW_MS);
		return {
			id: m.id,
			kept: { id: m.keptPatient.id, name: patientDisplayName(m.keptPatient) },
			merged: { id: m.mergedPatient.id, name: patientDisplayName(m.mergedPatient) },
			mergedAt: m.mergedAt,
			mergedBy: (m.mergedBy as User | null | undefined)?.name ?? null,
			moved: {
				cases: m.moved.caseIds.length,
				appointments: m.moved.appointmentIds.length,
				appointmentRequests: m.moved.appointmentRequestIds.length,
				medicalAlerts: m.moved.medicalAlertIds.length
			},
			undoneAt: m.undoneAt ?? null,
			undoneBy: (m.undoneBy as User | null | undefined)?.name ?? null,
			undoableUntil: !m.undoneAt && until > now ? until : null
		};
	});
}
