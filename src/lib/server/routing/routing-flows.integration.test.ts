// Issue 18, joined flows: a case that exists is sent to teams as itself (not as a new case beside
// it), and a case that came without a patient (sent without one, or by a referrer) is linked to a
// patient record later. Both through the router, as the people who do them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { User } from '../auth/user.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { addCaseAttachment, archiveCase } from '../cases/cases.service.ts';
import { Patient } from '../patients/patient.entity.ts';
import { createClinic, createPatient, type Clinic } from '../testing/clinic-fixtures.ts';
import { actorFor, callerFor, callerForPatient, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { queuedJobs } from '../testing/queued-jobs.ts';
import { CaseTeam } from './routing.entity.ts';

let db: TestDb;
let clinic: Clinic;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
});
afterAll(async () => {
	await db?.close();
});

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** A team of one member from another service, who could not see a physio's case before it was sent. */
async function createTeam(options: { acceptsExternalCases?: boolean } = {}) {
	const member = await createTestUser(db.em(), { roles: ['practitioner'], name: `Member ${uniqueSuffix()}` });
	const admin = callerFor(db.em(), clinic.admin);
	const team = await admin.teams.create({
		name: `Surgical review ${uniqueSuffix()}`,
		acceptsExternalCases: options.acceptsExternalCases ?? false
	});
	await admin.teams.addMember({ teamId: team.id, userId: member.id });
	return { team, member };
}

/** A physio's treatment case of a new patient, with no template (every practitioner sees it). */
async function createTreatmentCase(name = `Left shoulder ${uniqueSuffix()}`) {
	const patient = await createPatient(db.em(), 'Shoulder');
	const created = await callerFor(db.em(), clinic.physio).cases.create({
		patientId: patient.id,
		name,
		limitKind: 'unlimited'
	});
	return { patient, caseId: created.id, name };
}

async function createReferrer() {
	const em = db.em();
	const referrer = em.create(User, {
		kind: 'referrer',
		name: `Dr Outside ${uniqueSuffix()}`,
		email: `gp-${uniqueSuffix()}@practice.test`,
		roles: []
	});
	await em.flush();
	return referrer;
}

async function auditOf(action: string, caseId: string) {
	return db.em().find(AuditEvent, { action, recordType: 'case', recordId: caseId });
}

describe('sending a case that exists to teams', () => {
	it('routes the treatment case itself: the team sees it, with its patient and attachments, in the inbox', async () => {
		const { patient, caseId, name } = await createTreatmentCase();
		await addCaseAttachment(db.em(), actorFor(clinic.physio), { caseId, fileName: 'mri.pdf', bytes: PDF });
		const { team, member } = await createTeam();
		const before = await db.em().count(Case, {});

		const sent = await callerFor(db.em(), clinic.physio).cases.sendExisting({
			caseId,
			teamIds: [team.id],
			priority: 'urgent',
			details: 'Surgical opinion, please: no progress after six weeks.'
		});

		expect(sent.id).toBe(caseId);
		expect(await db.em().count(Case, {})).toBe(before);
		const api = callerFor(db.em(), member);
		const inbox = await api.cases.inbox({});
		const row = inbox.items.find((i) => i.id === caseId);
		expect(row).toMatchObject({ subject: name, priority: 'urgent', patient: { id: patient.id } });
		const detail = await api.cases.get({ id: caseId });
		expect(detail.patient?.id).toBe(patient.id);
		expect(detail.attachments.map((a) => a.fileName)).toEqual(['mri.pdf']);
		const routing = await api.cases.routing({ caseId });
		expect(routing?.canAcknowledge).toBe(true);
		expect(routing?.details).toMatch(/Surgical opinion/);
		// The escalation starts as for a new send, and the send is audited.
		const jobs = await queuedJobs<{ teamId: string; generation: number }>(
			db,
			'case.escalate',
			'caseId',
			caseId
		);
		expect(jobs).toEqual([expect.objectContaining({ teamId: team.id, generation: 1 })]);
		const [audit] = await auditOf('case.send', caseId);
		expect(audit?.details).toMatchObject({ isExistingCase: true, priority: 'urgent', patientId: patient.id });

		await api.cases.acknowledge({ caseId });
		expect((await api.cases.routing({ caseId }))?.acknowledgedBy).toBe(member.name);
	});

	it('keeps a sent treatment case in the patient’s portal and visible to the practitioners who saw it', async () => {
		const { patient, caseId } = await createTreatmentCase();
		const { team } = await createTeam();
		await callerFor(db.em(), clinic.physio).cases.sendExisting({
			caseId,
			teamIds: [team.id],
			priority: 'normal'
		});

		const portalCases = await callerForPatient(db.em(), patient).portal.cases();
		expect(portalCases.map((c) => c.id)).toEqual([caseId]);
		// A case with no template is every practitioner's; sending it to a team does not hide it.
		expect((await callerFor(db.em(), clinic.outsider).cases.get({ id: caseId })).id).toBe(caseId);
	});

	it('refuses a case that is already with teams, closed or archived, and changes nothing', async () => {
		const { team } = await createTeam();
		const physio = callerFor(db.em(), clinic.physio);

		const twice = await createTreatmentCase();
		await physio.cases.sendExisting({ caseId: twice.caseId, teamIds: [team.id], priority: 'high' });
		const again = await failureOf(
			physio.cases.sendExisting({ caseId: twice.caseId, teamIds: [team.id], priority: 'urgent' })
		);
		expect(again.code).toBe('CONFLICT');
		expect(again.message).toContain(`already sent to ${team.name} and is still open to them`);
		expect((await db.em().findOneOrFail(Case, { id: twice.caseId })).priority).toBe('high');
		expect(await queuedJobs(db, 'case.escalate', 'caseId', twice.caseId)).toHaveLength(1);

		const closed = await createTreatmentCase();
		await physio.cases.close({ id: closed.caseId, version: 1 });
		const closedFailure = await failureOf(
			physio.cases.sendExisting({ caseId: closed.caseId, teamIds: [team.id], priority: 'urgent' })
		);
		expect(closedFailure).toMatchObject({
			code: 'CONFLICT',
			message: expect.stringMatching(/closed: re-open it/)
		});

		const archived = await createTreatmentCase();
		await archiveCase(db.em(), actorFor(clinic.admin), archived.caseId);
		const archivedFailure = await failureOf(
			physio.cases.sendExisting({ caseId: archived.caseId, teamIds: [team.id], priority: 'urgent' })
		);
		expect(archivedFailure).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/archived/) });

		for (const caseId of [closed.caseId, archived.caseId]) {
			expect(await db.em().count(CaseTeam, { case: caseId })).toBe(0);
			expect((await db.em().findOneOrFail(Case, { id: caseId })).sentAt).toBeNull();
		}
	});

	it('refuses a team that does not exist at its field, and a case the sender may not see as not found', async () => {
		const { caseId } = await createTreatmentCase();
		const { team } = await createTeam();
		const physio = callerFor(db.em(), clinic.physio);
		const unknown = await failureOf(
			physio.cases.sendExisting({ caseId, teamIds: ['999999999'], priority: 'high' })
		);
		expect(unknown.fieldErrors.teamIds).toEqual(['Choose teams from the list']);
		const none = await failureOf(physio.cases.sendExisting({ caseId, teamIds: [], priority: 'high' }));
		expect(none.fieldErrors.teamIds?.[0]).toMatch(/at least one team/);

		// A case of the speech service's template is not the physio's to see, let alone send.
		const template = await callerFor(db.em(), clinic.admin).admin.caseTemplates.create({
			name: `Speech template ${uniqueSuffix()}`,
			serviceIds: [clinic.speech.id],
			allowsRequests: false,
			requestTypes: []
		});
		const patient = await createPatient(db.em(), 'Speech');
		const hidden = await callerFor(db.em(), clinic.outsider).cases.create({
			patientId: patient.id,
			templateId: template.id,
			name: 'Speech therapy',
			limitKind: 'unlimited'
		});
		const notFound = await failureOf(
			physio.cases.sendExisting({ caseId: hidden.id, teamIds: [team.id], priority: 'high' })
		);
		expect(notFound.code).toBe('NOT_FOUND');
		expect((await db.em().findOneOrFail(Case, { id: hidden.id })).sentAt).toBeNull();

		// A referrer sends new cases only.
		const referrer = await createReferrer();
		const asReferrer = await failureOf(
			callerFor(db.em(), referrer).cases.sendExisting({ caseId, teamIds: [team.id], priority: 'high' })
		);
		expect(asReferrer.code).toBe('FORBIDDEN');
	});
});

describe('linking a case to a patient', () => {
	/** A referrer's case to a team that takes external cases. */
	async function referral() {
		const referrer = await createReferrer();
		const { team, member } = await createTeam({ acceptsExternalCases: true });
		const subject = `Knee referral ${uniqueSuffix()}`;
		const sent = await callerFor(db.em(), referrer).cases.send({
			subject,
			details: 'Patient: Ana Lima\nDOB: 1984-03-07\nRight knee pain for three months.',
			teamIds: [team.id],
			priority: 'normal'
		});
		return { referrer, team, member, caseId: sent.id, subject };
	}

	it('links a referrer’s case to a patient found in the clinic, audited; the referrer sees no patient data', async () => {
		const { referrer, caseId, member } = await referral();
		const patient = await createPatient(db.em(), 'Lima');

		const linked = await callerFor(db.em(), clinic.scheduler).cases.linkPatient({
			caseId,
			patientId: patient.id
		});

		expect(linked).toMatchObject({ id: caseId, patient: { id: patient.id }, isNewPatient: false });
		const inbox = await callerFor(db.em(), member).cases.inbox({});
		expect(inbox.items.find((i) => i.id === caseId)?.patient?.id).toBe(patient.id);
		const [audit] = await auditOf('case.link_patient', caseId);
		expect(audit).toMatchObject({
			changedFields: ['patient'],
			details: { patientId: patient.id, isNewPatient: false }
		});

		// On the case's own trail for the clinic (routing panel and case timeline), not the referrer's.
		const scheduler = callerFor(db.em(), clinic.scheduler);
		const routing = await scheduler.cases.routing({ caseId });
		expect(routing?.events.filter((e) => e.kind === 'patient_linked')).toMatchObject([
			{ actor: clinic.scheduler.name }
		]);
		const { timeline } = await scheduler.clinicalNotes.forCase({ caseId });
		expect(timeline.map((t) => t.text)).toContain(`Linked to a patient record by ${clinic.scheduler.name}`);

		const asReferrer = callerFor(db.em(), referrer);
		const own = await asReferrer.referrer.case({ caseId });
		expect(own.id).toBe(caseId);
		expect(own.events.map((e) => e.kind)).not.toContain('patient_linked');
		expect(JSON.stringify(own)).not.toContain(patient.lastName);
		expect(JSON.stringify(await asReferrer.referrer.cases({}))).not.toContain(patient.lastName);
		// The patient's record is not the referrer's to read.
		expect((await failureOf(asReferrer.patients.get({ id: patient.id }))).code).toBe('FORBIDDEN');
	});

	it('creates the patient from the referral’s details and links the case in one step', async () => {
		// A member of the receiving team, who sees the referral.
		const { caseId, member } = await referral();
		const lastName = `Lima ${uniqueSuffix()}`;

		const linked = await callerFor(db.em(), member).cases.linkNewPatient({
			caseId,
			patient: { firstName: 'Ana', lastName, dateOfBirth: '1984-03-07' }
		});

		expect(linked.isNewPatient).toBe(true);
		const patient = await db.em().findOneOrFail(Patient, { lastName });
		expect(patient.dateOfBirth).toBe('1984-03-07');
		expect((await db.em().findOneOrFail(Case, { id: caseId })).patient?.id).toBe(patient.id);
		expect(await auditOf('case.link_patient', caseId)).toHaveLength(1);
		expect(await db.em().count(AuditEvent, { action: 'patient.create', recordId: patient.id })).toBe(1);
		// The patient's case list now has it, like any case of theirs.
		const cases = await callerFor(db.em(), clinic.scheduler).cases.find({
			patientId: patient.id,
			status: 'all'
		});
		expect(cases.items.map((c) => c.id)).toEqual([caseId]);
	});

	it('refuses a case already linked, a deleted or archived patient, and a likely duplicate, changing nothing', async () => {
		const scheduler = callerFor(db.em(), clinic.scheduler);
		const { caseId: linkedCase } = await createTreatmentCase();
		const other = await createPatient(db.em(), 'Other');
		const already = await failureOf(scheduler.cases.linkPatient({ caseId: linkedCase, patientId: other.id }));
		expect(already.code).toBe('CONFLICT');
		expect(already.fieldErrors.patientId?.[0]).toMatch(/already linked to Jo Shoulder/);

		const { caseId } = await referral();
		const deleted = await createPatient(db.em(), 'Deleted');
		const archived = await createPatient(db.em(), 'Archived');
		const em = db.em();
		await em.nativeUpdate(Patient, { id: deleted.id }, { deletedAt: new Date() });
		await em.nativeUpdate(Patient, { id: archived.id }, { archivedAt: new Date() });
		const gone = await failureOf(scheduler.cases.linkPatient({ caseId, patientId: deleted.id }));
		expect(gone.fieldErrors.patientId).toEqual(['Choose a patient']);
		const shelved = await failureOf(scheduler.cases.linkPatient({ caseId, patientId: archived.id }));
		expect(shelved.fieldErrors.patientId?.[0]).toMatch(/is archived/);

		// The same name and date of birth as a patient the clinic has: shown as a duplicate, not saved.
		const twin = await createPatient(db.em(), 'Twin');
		await db.em().nativeUpdate(Patient, { id: twin.id }, { dateOfBirth: '1990-01-01' });
		const duplicate = await failureOf(
			scheduler.cases.linkNewPatient({
				caseId,
				patient: { firstName: twin.firstName, lastName: twin.lastName, dateOfBirth: '1990-01-01' }
			})
		);
		expect(duplicate.code).toBe('CONFLICT');
		expect(JSON.stringify(duplicate.details)).toContain(twin.id);
		expect(await db.em().count(Patient, { lastName: twin.lastName })).toBe(1);
		expect((await db.em().findOneOrFail(Case, { id: caseId })).patient).toBeNull();
		expect(await auditOf('case.link_patient', caseId)).toHaveLength(0);
	});

	it('creates no patient for a case the caller may not see, and lets no referrer link', async () => {
		const { caseId, referrer } = await referral();
		// A practitioner outside the receiving team does not see a referral.
		const lastName = `Nobody ${uniqueSuffix()}`;
		const hidden = await failureOf(
			callerFor(db.em(), clinic.outsider).cases.linkNewPatient({
				caseId,
				patient: { firstName: 'No', lastName }
			})
		);
		expect(hidden.code).toBe('NOT_FOUND');
		expect(await db.em().count(Patient, { lastName })).toBe(0);

		const patient = await createPatient(db.em(), 'Referrer pick');
		const byReferrer = await failureOf(
			callerFor(db.em(), referrer).cases.linkPatient({ caseId, patientId: patient.id })
		);
		expect(byReferrer.code).toBe('FORBIDDEN');
		expect((await db.em().findOneOrFail(Case, { id: caseId })).patient).toBeNull();
	});
});
