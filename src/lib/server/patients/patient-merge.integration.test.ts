// Patient merge (issue 18): everything keyed by the duplicate moves to the kept record in one
// transaction, audited; the duplicate is archived with merged_at / merged_with_patient; an admin's
// undo within 30 days moves exactly what moved back.
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, ORIGIN, type ApiClient } from '../api/api-test-client.ts';
import { AppointmentRequest } from '../appointment-requests/appointment-request.entity.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { Contact } from '../contacts/contact.entity.ts';
import { PortalLink } from '../portal/portal.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { actorFor, callerFor, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { ConcessionType } from './concession-type.entity.ts';
import { PatientMerge } from './patient-merge.entity.ts';
import { mergePatients, undoPatientMerge } from './patient-merge.service.ts';
import { Patient } from './patient.entity.ts';

let db: TestDb;
let clinic: Clinic;
let api: ApiClient;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	api = await apiClient(db, ['scheduler']);
});
afterAll(async () => {
	await db?.close();
});

const as = (user = clinic.scheduler) => callerFor(db.em(), user);
const DAY = 86_400_000;

/** A duplicate with one of everything that follows a patient, and a kept record with a case of its own. */
async function duplicatePair() {
	const em = db.em();
	const kept = await createPatient(em, 'Kept');
	const dup = await createPatient(em, 'Dup');
	const doctor = em.create(Contact, { firstName: 'Gita', lastName: `Doctor ${uniqueSuffix()}` });
	const concession = em.create(ConcessionType, { name: `Pensioner ${uniqueSuffix()}` });
	dup.referringDoctor = doctor;
	dup.concessionType = concession;
	dup.medicalAlerts = [
		{ id: crypto.randomUUID(), name: 'Penicillin allergy', notes: null, createdAt: new Date().toISOString() },
		{ id: crypto.randomUUID(), name: 'Asthma', notes: null, createdAt: new Date().toISOString() }
	];
	// The kept record already knows about the asthma: not copied twice.
	kept.medicalAlerts = [
		{ id: crypto.randomUUID(), name: 'asthma', notes: null, createdAt: new Date().toISOString() }
	];
	await em.flush();

	const keptCase = await as().cases.create({
		patientId: kept.id,
		name: `Kept case ${uniqueSuffix()}`,
		limitKind: 'unlimited'
	});
	const dupCase = await as().cases.create({
		patientId: dup.id,
		name: `Dup case ${uniqueSuffix()}`,
		limitKind: 'unlimited'
	});
	const book = async (caseId: string | null) =>
		(
			await as().appointments.create({
				patientId: dup.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: nextSlot(),
				case: caseId ? { mode: 'existing', caseId } : { mode: 'none' }
			})
		).appointment;
	const onCase = await book(dupCase.id);
	const loose = await book(null);
	const request = em.create(AppointmentRequest, {
		patient: em.getReference(Patient, dup.id),
		case: em.getReference(Case, dupCase.id),
		appointmentType: clinic.consult,
		durationMinutes: 30,
		windows: []
	});
	const link = em.create(PortalLink, {
		tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
		patient: em.getReference(Patient, dup.id),
		purpose: 'sign_in',
		channel: 'email',
		createdAt: new Date(),
		expiresAt: new Date(Date.now() + 15 * 60_000)
	});
	await em.flush();
	return { kept, dup, doctor, concession, keptCase, dupCase, onCase, loose, request, link };
}

const TABLES = new Map<unknown, string>([
	[Case, 'clinic_case'],
	[Appointment, 'appointment'],
	[AppointmentRequest, 'appointment_request'],
	[PortalLink, 'portal_link']
]);

/** Whose row it is now, straight from the table. */
async function ownerOf(
	entity: typeof Case | typeof Appointment | typeof AppointmentRequest | typeof PortalLink,
	id: string
) {
	const rows = await db
		.em()
		.getConnection()
		.execute<{ patient_id: string }[]>(
			`select patient_id::text as patient_id from "${TABLES.get(entity)}" where id = ?`,
			[id]
		);
	return rows[0]?.patient_id;
}

async function fresh(id: string) {
	return db.em().findOneOrFail(Patient, { id }, { populate: ['referringDoctor', 'concessionType'] });
}

describe('merging two patient records', () => {
	it('previews what will move, then moves cases, appointments, requests, portal links, alerts, doctor and concession', async () => {
		const f = await duplicatePair();
		const preview = await as().patients.mergePreview({ keepId: f.kept.id, mergeId: f.dup.id });
		expect(preview.moves).toEqual({
			cases: 1,
			appointments: 2,
			upcomingAppointments: 2,
			appointmentRequests: 1,
			portalLinks: 1,
			medicalAlerts: 1,
			referringDoctor: `Gita ${f.doctor.lastName}`,
			concessionType: f.concession.name
		});

		const result = await as().patients.merge({ keepId: f.kept.id, mergeId: f.dup.id });
		expect(result.moved).toEqual({
			cases: 1,
			appointments: 2,
			appointmentRequests: 1,
			portalLinks: 1,
			medicalAlerts: 1
		});

		for (const [entity, id] of [
			[Case, f.dupCase.id],
			[Appointment, f.onCase.id],
			[Appointment, f.loose.id],
			[AppointmentRequest, f.request.id],
			[PortalLink, f.link.id]
		] as const)
			expect(await ownerOf(entity, id), `${entity.name} ${id}`).toBe(f.kept.id);
		// The kept patient's lists show the other's case and appointments.
		const cases = await as().cases.find({ patientId: f.kept.id, status: 'all' });
		expect(cases.items.map((c) => c.id).sort()).toEqual([f.keptCase.id, f.dupCase.id].sort());
		const appointments = await db.em().find(Appointment, { patient: f.kept.id });
		expect(appointments.map((a) => a.id).sort()).toEqual([f.onCase.id, f.loose.id].sort());

		const kept = await as().patients.get({ id: f.kept.id });
		expect(kept.medicalAlerts.map((a) => a.name).sort()).toEqual(['Penicillin allergy', 'asthma']);
		expect(kept.referringDoctor?.id).toBe(f.doctor.id);
		expect(kept.concessionType?.id).toBe(f.concession.id);
		expect(kept.archivedAt).toBeNull();

		const merged = await as().patients.get({ id: f.dup.id });
		expect(merged.archivedAt).toEqual(expect.any(Date));
		expect(merged.mergedAt).toEqual(merged.archivedAt);
		expect(merged.mergedWithPatient).toEqual({ id: f.kept.id, name: `Jo ${f.kept.lastName}` });

		const audits = await db.em().find(AuditEvent, {
			action: { $in: ['patient.merge', 'patient.merged_into'] },
			recordId: { $in: [f.kept.id, f.dup.id] }
		});
		expect(audits.map((a) => [a.action, a.recordId]).sort()).toEqual(
			[
				['patient.merge', f.kept.id],
				['patient.merged_into', f.dup.id]
			].sort()
		);
		expect(audits.find((a) => a.action === 'patient.merge')?.details).toMatchObject({
			mergedPatientId: f.dup.id,
			cases: 1,
			appointments: 2
		});
	});

	it('answers the merged record over REST as Cliniko does: archived, merged_at and merged_with_patient', async () => {
		const f = await duplicatePair();
		await as().patients.merge({ keepId: f.kept.id, mergeId: f.dup.id });
		const one = await api.call('GET', `/patients/${f.dup.id}`);
		expect(one.body).toMatchObject({
			archived_at: expect.stringMatching(/Z$/),
			merged_at: expect.stringMatching(/Z$/),
			merged_with_patient: { links: { self: `${ORIGIN}/api/v1/patients/${f.kept.id}` } }
		});
		const archived = await api.call(
			'GET',
			`/patients/archived?q[]=last_name:=${encodeURIComponent(f.dup.lastName)}`
		);
		const [row] = (archived.body as { patients: Record<string, unknown>[] }).patients;
		expect(row).toMatchObject({
			merged_at: (one.body as Record<string, unknown>).merged_at,
			merged_with_patient: expect.any(Object)
		});
		// The kept record is no merged record.
		expect(Object.keys((await api.call('GET', `/patients/${f.kept.id}`)).body as object)).not.toContain(
			'merged_at'
		);
	});

	it('changes nothing when it fails midway (one transaction)', async () => {
		const f = await duplicatePair();
		const fn = `fail_merge_${uniqueSuffix().replace(/-/g, '')}`;
		const connection = db.em().getConnection();
		// The merge record is written after every row has moved: failing there undoes them all.
		await connection.execute(
			`create function ${fn}() returns trigger language plpgsql as $$ begin
				if new.merged_patient_id = ${Number(f.dup.id)} then raise exception 'disk on fire'; end if;
				return new; end $$`
		);
		await connection.execute(
			`create trigger ${fn} before insert on patient_merge for each row execute function ${fn}()`
		);
		try {
			await expect(
				mergePatients(db.em(), actorFor(clinic.scheduler), { keepId: f.kept.id, mergeId: f.dup.id })
			).rejects.toThrow(/disk on fire/);
		} finally {
			await connection.execute(`drop trigger ${fn} on patient_merge`);
			await connection.execute(`drop function ${fn}()`);
		}
		for (const [entity, id] of [
			[Case, f.dupCase.id],
			[Appointment, f.onCase.id],
			[Appointment, f.loose.id],
			[AppointmentRequest, f.request.id],
			[PortalLink, f.link.id]
		] as const)
			expect(await ownerOf(entity, id)).toBe(f.dup.id);
		const dup = await fresh(f.dup.id);
		expect([dup.archivedAt ?? null, dup.mergedAt ?? null]).toEqual([null, null]);
		const kept = await fresh(f.kept.id);
		expect(kept.medicalAlerts).toHaveLength(1);
		expect(kept.referringDoctor ?? null).toBeNull();
		expect(await db.em().count(PatientMerge, { mergedPatient: f.dup.id })).toBe(0);
		expect(await db.em().count(AuditEvent, { action: 'patient.merge', recordId: f.kept.id })).toBe(0);
	});

	it('refuses a record into itself, an already merged record, and practitioners', async () => {
		const f = await duplicatePair();
		const self = await failureOf(as().patients.merge({ keepId: f.kept.id, mergeId: f.kept.id }));
		expect(self.fieldErrors.mergeId).toEqual([
			'Choose another patient: a record cannot be merged into itself'
		]);
		expect(
			(await failureOf(as(clinic.physio).patients.merge({ keepId: f.kept.id, mergeId: f.dup.id }))).code
		).toBe('FORBIDDEN');
		expect(
			(await failureOf(as(clinic.physio).patients.mergePreview({ keepId: f.kept.id, mergeId: f.dup.id })))
				.code
		).toBe('FORBIDDEN');
		expect((await failureOf(as().patients.merge({ keepId: f.kept.id, mergeId: '999999999999' }))).code).toBe(
			'NOT_FOUND'
		);

		await as().patients.merge({ keepId: f.kept.id, mergeId: f.dup.id });
		const again = await failureOf(as().patients.merge({ keepId: f.kept.id, mergeId: f.dup.id }));
		expect(again.code).toBe('CONFLICT');
		expect(again.fieldErrors.mergeId?.[0]).toContain('was already merged into');
		const third = await createPatient(db.em(), 'Third');
		expect(
			(await failureOf(as().patients.merge({ keepId: f.dup.id, mergeId: third.id }))).fieldErrors.keepId
		).toBeDefined();
		// Unarchiving a merged record would leave its cases behind: the undo does it.
		expect((await failureOf(as().patients.unarchive({ id: f.dup.id }))).message).toContain('undo the merge');
	});
});

describe('undoing a merge', () => {
	it('moves back exactly the rows that moved, takes back what the kept record gained, and un-archives', async () => {
		const f = await duplicatePair();
		await as().patients.merge({ keepId: f.kept.id, mergeId: f.dup.id });
		// Since the merge: a new appointment for the kept patient, on the moved case.
		const later = (
			await as().appointments.create({
				patientId: f.kept.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: nextSlot(),
				case: { mode: 'existing', caseId: f.dupCase.id }
			})
		).appointment;

		expect((await failureOf(as(clinic.scheduler).patients.undoMerge({ patientId: f.dup.id }))).code).toBe(
			'FORBIDDEN'
		);
		const undone = await as(clinic.admin).patients.undoMerge({ patientId: f.dup.id });
		expect(undone.moved).toMatchObject({
			cases: 1,
			appointments: 2,
			appointmentRequests: 1,
			portalLinks: 1,
			medicalAlerts: 1
		});

		for (const [entity, id] of [
			[Case, f.dupCase.id],
			[Appointment, f.onCase.id],
			[Appointment, f.loose.id],
			[AppointmentRequest, f.request.id],
			[PortalLink, f.link.id]
		] as const)
			expect(await ownerOf(entity, id)).toBe(f.dup.id);
		expect(await ownerOf(Case, f.keptCase.id)).toBe(f.kept.id);
		// The later appointment stays the kept patient's, off the case that went back.
		expect(await ownerOf(Appointment, later.id)).toBe(f.kept.id);
		expect((await db.em().findOneOrFail(Appointment, { id: later.id })).case).toBeNull();

		const kept = await fresh(f.kept.id);
		expect(kept.medicalAlerts.map((a) => a.name)).toEqual(['asthma']);
		expect(kept.referringDoctor ?? null).toBeNull();
		expect(kept.concessionType ?? null).toBeNull();
		const dup = await as().patients.get({ id: f.dup.id });
		expect([dup.archivedAt, dup.mergedAt, dup.mergedWithPatient]).toEqual([null, null, null]);
		expect(dup.medicalAlerts).toHaveLength(2);
		expect(
			await db
				.em()
				.count(AuditEvent, { action: 'patient.merge_undo', recordId: { $in: [f.kept.id, f.dup.id] } })
		).toBe(2);
		// Nothing left to undo.
		expect((await failureOf(as(clinic.admin).patients.undoMerge({ patientId: f.dup.id }))).code).toBe(
			'NOT_FOUND'
		);
	});

	it('restores a duplicate that was already archived as archived', async () => {
		const f = await duplicatePair();
		await as().patients.archive({ id: f.dup.id });
		const archivedAt = (await fresh(f.dup.id)).archivedAt;
		await as().patients.merge({ keepId: f.kept.id, mergeId: f.dup.id });
		await as(clinic.admin).patients.undoMerge({ patientId: f.dup.id });
		const dup = await fresh(f.dup.id);
		expect(dup.archivedAt).toEqual(archivedAt);
		expect(dup.mergedAt ?? null).toBeNull();
	});

	it('is refused after 30 days with a clear message, and allowed on day 29', async () => {
		const admin = actorFor(clinic.admin);
		const old = await duplicatePair();
		const thirtyOneDaysAgo = new Date(Date.now() - 31 * DAY);
		await mergePatients(
			db.em(),
			actorFor(clinic.scheduler),
			{ keepId: old.kept.id, mergeId: old.dup.id },
			thirtyOneDaysAgo
		);
		const refused = await failureOf(as(clinic.admin).patients.undoMerge({ patientId: old.dup.id }));
		expect(refused.code).toBe('CONFLICT');
		expect(refused.message).toMatch(
			/^This merge was made on .+: a merge can be undone within 30 days only\./
		);
		expect(await ownerOf(Case, old.dupCase.id)).toBe(old.kept.id);
		expect((await fresh(old.dup.id)).mergedAt).toEqual(thirtyOneDaysAgo);

		const recent = await duplicatePair();
		const at = new Date(Date.now() - 29 * DAY);
		await mergePatients(
			db.em(),
			actorFor(clinic.scheduler),
			{ keepId: recent.kept.id, mergeId: recent.dup.id },
			at
		);
		await undoPatientMerge(db.em(), admin, { patientId: recent.dup.id });
		expect(await ownerOf(Case, recent.dupCase.id)).toBe(recent.dup.id);
	});

	it('is refused while the kept record has itself been merged since', async () => {
		const f = await duplicatePair();
		const third = await createPatient(db.em(), 'Third');
		await as().patients.merge({ keepId: f.kept.id, mergeId: f.dup.id });
		await as().patients.merge({ keepId: third.id, mergeId: f.kept.id });
		const refused = await failureOf(as(clinic.admin).patients.undoMerge({ patientId: f.dup.id }));
		expect(refused.code).toBe('CONFLICT');
		expect(refused.message).toContain('undo that merge first');
		// In the right order both come undone.
		await as(clinic.admin).patients.undoMerge({ patientId: f.kept.id });
		await as(clinic.admin).patients.undoMerge({ patientId: f.dup.id });
		expect(await ownerOf(Case, f.dupCase.id)).toBe(f.dup.id);
		expect(await ownerOf(Case, f.keptCase.id)).toBe(f.kept.id);
	});

	it('lists recent merges for admins, with what can still be undone', async () => {
		const f = await duplicatePair();
		await as().patients.merge({ keepId: f.kept.id, mergeId: f.dup.id });
		const merges = await as(clinic.admin).patients.findMerges();
		const mine = merges.find((m) => m.merged.id === f.dup.id);
		expect(mine).toMatchObject({
			kept: { id: f.kept.id },
			moved: { cases: 1, appointments: 2, appointmentRequests: 1, medicalAlerts: 1 },
			undoneAt: null,
			undoableUntil: expect.any(Date)
		});
		expect((await failureOf(as(clinic.scheduler).patients.findMerges())).code).toBe('FORBIDDEN');
	});
});
