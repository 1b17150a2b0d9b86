// One medical alert at a time (Cliniko's Medical Alerts resource, issue 21). Alerts are a small
// document on the patient row: every change here goes through updatePatient with the whole list, so
// the patient's rules, audit, version and `patient.updated` event apply exactly as in the staff form.
// The patient row is locked first, so two concurrent changes to one patient's alerts cannot lose one.
import { LockMode } from '@mikro-orm/postgresql';
import { MAX_MEDICAL_ALERTS, medicalAlertInput } from '../../schemas/patient.ts';
import type { Actor } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';
import { AppError, notFound } from '../errors.ts';
import { Patient, type MedicalAlert } from './patient.entity.ts';
import { getPatient, updatePatient } from './patients.service.ts';

export interface MedicalAlertView extends MedicalAlert {
	patientId: string;
}

const view = (patientId: string, alert: MedicalAlert): MedicalAlertView => ({ ...alert, patientId });

/** The patient's alerts, oldest first (a read of the patient record, audited as one). */
export async function findMedicalAlerts(
	em: Em,
	actor: Actor,
	patientId: string
): Promise<MedicalAlertView[]> {
	const patient = await getPatient(em, actor, patientId);
	return patient.medicalAlerts.map((a) => view(patient.id, a));
}

/**
 * The live patient holding an alert id. A merge copies alerts to the kept record, so the merged
 * (archived) record may hold the same id: the kept record answers.
 */
async function patientIdOfAlert(em: Em, alertId: string): Promise<string> {
	const rows = await em.execute<{ id: string }[]>(
		`select id::text as id from patient
		 where medical_alerts @> ?::jsonb and deleted_at is null
		 order by (merged_at is not null), id limit 1`,
		[JSON.stringify([{ id: alertId }])]
	);
	if (!rows[0]) throw notFound('Medical alert');
	return String(rows[0].id);
}

export async function getMedicalAlert(em: Em, actor: Actor, alertId: string): Promise<MedicalAlertView> {
	const patientId = await patientIdOfAlert(em, alertId);
	const alerts = await findMedicalAlerts(em, actor, patientId);
	const found = alerts.find((a) => a.id === alertId);
	if (!found) throw notFound('Medical alert');
	return found;
}

async function lockPatient(tx: Em, patientId: string): Promise<Patient> {
	const patient = await tx.findOne(
		Patient,
		{ id: patientId, deletedAt: null },
		{ lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true }
	);
	if (!patient) throw notFound('Patient');
	return patient;
}

const asInput = (a: MedicalAlert) => ({ id: a.id, name: a.name, notes: a.notes });

export async function createMedicalAlert(
	em: Em,
	actor: Actor,
	raw: { patientId: string; name: unknown; notes?: unknown }
): Promise<MedicalAlertView> {
	const input = medicalAlertInput.omit({ id: true }).parse({ name: raw.name, notes: raw.notes });
	return em.transactional(async (tx) => {
		const patient = await lockPatient(tx, raw.patientId);
		const before = patient.medicalAlerts ?? [];
		if (before.length >= MAX_MEDICAL_ALERTS)
			throw new AppError('CONFLICT', `A patient can have at most ${MAX_MEDICAL_ALERTS} medical alerts`);
		const updated = await updatePatient(tx, actor, {
			id: patient.id,
			medicalAlerts: [...before.map(asInput), { name: input.name, notes: input.notes ?? null }]
		});
		const known = new Set(before.map((a) => a.id));
		const created = updated.medicalAlerts.find((a) => !known.has(a.id))!;
		return view(updated.id, created);
	});
}

export async function updateMedicalAlert(
	em: Em,
	actor: Actor,
	raw: { id: string; name?: unknown; notes?: unknown }
): Promise<MedicalAlertView> {
	return em.transactional(async (tx) => {
		const patient = await lockPatient(tx, await patientIdOfAlert(tx, raw.id));
		const before = patient.medicalAlerts ?? [];
		const current = before.find((a) => a.id === raw.id);
		if (!current) throw notFound('Medical alert');
		const input = medicalAlertInput.parse({
			id: current.id,
			name: raw.name === undefined ? current.name : raw.name,
			notes: raw.notes === undefined ? (current.notes ?? null) : raw.notes
		});
		const updated = await updatePatient(tx, actor, {
			id: patient.id,
			medicalAlerts: before.map((a) =>
				a.id === current.id ? { id: a.id, name: input.name, notes: input.notes ?? null } : asInput(a)
			)
		});
		return view(
			updated.id,
			updated.medicalAlerts.find((a) => a.id === current.id)!
		);
	});
}

export async function deleteMedicalAlert(em: Em, actor: Actor, id: string): Promise<void> {
	await em.transactional(async (tx) => {
		const patient = await lockPatient(tx, await patientIdOfAlert(tx, id));
		const before = patient.medicalAlerts ?? [];
		await updatePatient(tx, actor, {
			id: patient.id,
			medicalAlerts: before.filter((a) => a.id !== id).map(asInput)
		});
	});
}
