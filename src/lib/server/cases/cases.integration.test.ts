import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Appointment } from '../appointments/appointment.entity.ts';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { getConfig } from '../config.ts';
import { Contact } from '../contacts/contact.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { actorFor, callerFor, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { Case, CaseAttachment } from './case.entity.ts';
import { addCaseAttachment, archiveCase, getCaseAttachment } from './cases.service.ts';

let db: TestDb;
let clinic: Clinic;
let doctor: Contact;

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	const em = db.em();
	doctor = em.create(Contact, {
		firstName: 'Ada',
		lastName: `Referrer ${uniqueSuffix()}`,
		contactType: 'Doctor'
	} as never);
	await em.flush();
});
afterAll(async () => {
	await db?.close();
});

const api = (user: User = clinic.scheduler) => callerFor(db.em(), user);
type CreateInput = Parameters<ReturnType<typeof api>['cases']['create']>[0];

function caseInput(patientId: string, fields: Partial<CreateInput> = {}): CreateInput {
	return {
		patientId,
		name: `Case ${uniqueSuffix()}`,
		limitKind: 'unlimited',
		bodyPartIds: [clinic.leftShoulder.id],
		...fields
	} as CreateInput;
}

async function bookOn(patientId: string, caseId: string | null, practitioner: User = clinic.physio) {
	const { appointment } = await api().appointments.create({
		patientId,
		practitionerId: practitioner.id,
		appointmentTypeId: clinic.consult.id,
		startsAt: nextSlot(),
		case: caseId ? { mode: 'existing', caseId } : { mode: 'none' }
	});
	return appointment;
}

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

describe('creating a case', () => {
	it('stores every field, defaults the issue date to today, and audits', async () => {
		const patient = await createPatient(db.em());
		const created = await api().cases.create(
			caseInput(patient.id, {
				name: 'Left shoulder rehab',
				limitKind: 'appointments',
				maxAppointments: 10,
				countsCancelled: true,
				hasReferral: true,
				referringDoctorId: doctor.id,
				referralIssuedOn: '2026-11-01',
				referralExpiresOn: '2027-11-01',
				notes: 'Post-op, sling for 2 weeks'
			})
		);
		expect(created).toMatchObject({
			name: 'Left shoulder rehab',
			status: 'open',
			patient: { id: patient.id },
			bodyParts: [{ id: clinic.leftShoulder.id }],
			countsCancelled: true,
			countsDidNotArrive: false,
			referringDoctor: { id: doctor.id },
			referralIssuedOn: '2026-11-01',
			referralExpiresOn: '2027-11-01',
			usage: { limitKind: 'appointments', maxAppointments: 10, appointmentsCounted: 0, appointmentsLeft: 10 }
		});
		expect(created.issuedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
		expect(await db.em().count(AuditEvent, { action: 'case.create', recordId: created.id })).toBe(1);
	});

	it.each([
		[{ limitKind: 'appointments', maxAppointments: 0 }, 'maxAppointments'],
		[{ limitKind: 'appointments', maxAppointments: 201 }, 'maxAppointments'],
		[{ limitKind: 'appointments' }, 'maxAppointments'],
		[{ limitKind: 'amount', maxAmountCents: 0 }, 'maxAmountCents'],
		[
			{ hasReferral: true, referralIssuedOn: '2026-05-02', referralExpiresOn: '2026-05-01' },
			'referralExpiresOn'
		],
		[{ name: '   ' }, 'name'],
		[{ referralIssuedOn: '2026-02-30', hasReferral: true }, 'referralIssuedOn']
	] as const)('refuses %o at its field and stores nothing', async (fields, field) => {
		const patient = await createPatient(db.em());
		const failure = await failureOf(
			api().cases.create(caseInput(patient.id, fields as Partial<CreateInput>))
		);
		expect(failure.code).toBe('BAD_REQUEST');
		expect(Object.keys(failure.fieldErrors)).toContain(field);
		expect(await db.em().count(Case, { patient: patient.id })).toBe(0);
	});

	it('refuses to relate an appointment of another patient, and stores nothing', async () => {
		const patient = await createPatient(db.em());
		const other = await createPatient(db.em());
		const theirs = await bookOn(other.id, null);
		const failure = await failureOf(
			api().cases.create(caseInput(patient.id, { appointmentIds: [theirs.id] }))
		);
		expect(failure.fieldErrors.appointmentIds?.[0]).toMatch(/another patient/);
		expect(await db.em().count(Case, { patient: patient.id })).toBe(0);
		expect((await db.em().findOneOrFail(Appointment, { id: theirs.id })).case).toBeNull();
	});

	it('relates existing appointments of the patient when created from the patient page', async () => {
		const patient = await createPatient(db.em());
		const a = await bookOn(patient.id, null);
		const created = await api().cases.create(caseInput(patient.id, { appointmentIds: [a.id] }));
		expect(created.appointments.map((x) => x.id)).toEqual([a.id]);
		expect(created.appointments[0]).toMatchObject({ number: 1, counts: true });
	});
});

describe('editing, closing and re-opening', () => {
	it('refuses a maximum lower than what the case already counts', async () => {
		const patient = await createPatient(db.em());
		const c = await api().cases.create(
			caseInput(patient.id, { limitKind: 'appointments', maxAppointments: 5 })
		);
		await bookOn(patient.id, c.id);
		await bookOn(patient.id, c.id);
		const current = await api().cases.get({ id: c.id });
		const failure = await failureOf(
			api().cases.update({
				...caseInput(patient.id),
				id: c.id,
				version: current.version,
				limitKind: 'appointments',
				maxAppointments: 1
			})
		);
		expect(failure.fieldErrors.maxAppointments?.[0]).toMatch(/already has 2/);
		const updated = await api().cases.update({
			...caseInput(patient.id, { name: 'Renamed' }),
			id: c.id,
			version: current.version,
			limitKind: 'appointments',
			maxAppointments: 2
		});
		expect(updated).toMatchObject({ name: 'Renamed', usage: { appointmentsLeft: 0, isFull: true } });
		const stale = await failureOf(
			api().cases.update({ ...caseInput(patient.id), id: c.id, version: current.version })
		);
		expect(stale.code).toBe('CONFLICT');
	});

	it('closes a case (kept on the file, no new appointments) and re-opens it, audited', async () => {
		const patient = await createPatient(db.em());
		const c = await api().cases.create(caseInput(patient.id));
		const closed = await api().cases.close({ id: c.id, version: c.version });
		expect(closed.status).toBe('closed');
		const listed = await api().cases.find({ patientId: patient.id, status: 'all' });
		expect(listed.items.map((x) => x.id)).toContain(c.id);
		const a = await bookOn(patient.id, null);
		const refused = await failureOf(api().cases.addAppointment({ caseId: c.id, appointmentId: a.id }));
		expect(refused.message).toMatch(/closed/);
		const reopened = await api().cases.reopen({ id: c.id, version: closed.version });
		expect(reopened.status).toBe('open');
		await api().cases.addAppointment({ caseId: c.id, appointmentId: a.id });
		const actions = (await db.em().find(AuditEvent, { recordType: 'case', recordId: c.id })).map(
			(e) => e.action
		);
		expect(actions).toEqual(expect.arrayContaining(['case.close', 'case.reopen', 'case.add_appointment']));
	});

	it('moves an appointment between cases of the patient and refuses another patient’s', async () => {
		const patient = await createPatient(db.em());
		const other = await createPatient(db.em());
		const c = await api().cases.create(caseInput(patient.id));
		const theirs = await bookOn(other.id, null);
		const refused = await failureOf(api().cases.addAppointment({ caseId: c.id, appointmentId: theirs.id }));
		expect(refused.fieldErrors.appointmentId?.[0]).toMatch(/this case’s patient/);
		const mine = await bookOn(patient.id, null);
		await api().cases.addAppointment({ caseId: c.id, appointmentId: mine.id });
		const removed = await api().cases.removeAppointment({ caseId: c.id, appointmentId: mine.id });
		expect(removed.appointments).toEqual([]);
	});
});

describe('merging', () => {
	it('keeps everything from both cases in the target and closes the source, in one audited change', async () => {
		const patient = await createPatient(db.em());
		const target = await api().cases.create(
			caseInput(patient.id, {
				name: 'Shoulder',
				notes: 'Target notes',
				bodyPartIds: [clinic.leftShoulder.id]
			})
		);
		const source = await api().cases.create(
			caseInput(patient.id, {
				name: 'Knee',
				notes: 'Source notes',
				bodyPartIds: [clinic.rightKnee.id],
				hasReferral: true,
				referringDoctorId: doctor.id,
				referralIssuedOn: '2026-10-01',
				referralExpiresOn: '2027-10-01'
			})
		);
		const a1 = await bookOn(patient.id, target.id);
		const a2 = await bookOn(patient.id, source.id);
		const a3 = await bookOn(patient.id, source.id);
		await addCaseAttachment(db.em(), actorFor(clinic.scheduler), {
			caseId: source.id,
			fileName: 'referral.pdf',
			bytes: PDF
		});

		const merged = await api().cases.merge({ sourceId: source.id, targetId: target.id });
		expect(merged.appointments.map((a) => a.id).sort()).toEqual([a1.id, a2.id, a3.id].sort());
		expect(merged.attachments.map((f) => f.fileName)).toEqual(['referral.pdf']);
		expect(merged.bodyParts.map((b) => b.id).sort()).toEqual(
			[clinic.leftShoulder.id, clinic.rightKnee.id].sort()
		);
		expect(merged.notes).toMatch(
			/^Target notes\n\n--- Merged from case "Knee" \(#\d+\) on \d{4}-\d{2}-\d{2} ---\nSource notes$/
		);
		expect(merged).toMatchObject({
			hasReferral: true,
			referringDoctor: { id: doctor.id },
			referralExpiresOn: '2027-10-01'
		});
		expect(merged.mergedFrom).toEqual([{ id: source.id, name: 'Knee' }]);

		const closedSource = await api().cases.get({ id: source.id });
		expect(closedSource).toMatchObject({
			status: 'closed',
			mergedInto: { id: target.id },
			appointments: [],
			attachments: []
		});
		const reopen = await failureOf(api().cases.reopen({ id: source.id, version: closedSource.version }));
		expect(reopen.message).toMatch(/merged/);
		expect(await db.em().count(AuditEvent, { action: 'case.merge', recordId: target.id })).toBe(1);
		expect(await db.em().count(AuditEvent, { action: 'case.merged_into', recordId: source.id })).toBe(1);
	});

	it('keeps the target’s own referral', async () => {
		const patient = await createPatient(db.em());
		const referral = { hasReferral: true, referringDoctorId: doctor.id, referralIssuedOn: '2026-01-01' };
		const target = await api().cases.create(
			caseInput(patient.id, { ...referral, referralExpiresOn: '2027-01-01' })
		);
		const source = await api().cases.create(
			caseInput(patient.id, { ...referral, referralExpiresOn: '2028-01-01' })
		);
		const merged = await api().cases.merge({ sourceId: source.id, targetId: target.id });
		expect(merged.referralExpiresOn).toBe('2027-01-01');
	});

	it('refuses a merge across patients and into itself, and changes nothing', async () => {
		const patient = await createPatient(db.em());
		const other = await createPatient(db.em());
		const mine = await api().cases.create(caseInput(patient.id));
		const theirs = await api().cases.create(caseInput(other.id));
		const across = await failureOf(api().cases.merge({ sourceId: theirs.id, targetId: mine.id }));
		expect(across.message).toMatch(/same patient/);
		const itself = await failureOf(api().cases.merge({ sourceId: mine.id, targetId: mine.id }));
		expect(itself.fieldErrors.targetId?.[0]).toMatch(/itself/);
		expect((await api().cases.get({ id: theirs.id })).status).toBe('open');
	});
});

describe('attachments', () => {
	it('stores an allowed file and serves it only to staff who may see the case', async () => {
		const patient = await createPatient(db.em());
		const templated = db.em();
		const template = templated.create(CaseTemplate, { name: `Physio only ${uniqueSuffix()}` });
		template.services.add(
			templated.getReference((await import('../services/service.entity.ts')).Service, clinic.physiotherapy.id)
		);
		await templated.flush();
		const c = await api().cases.create(caseInput(patient.id, { templateId: template.id }));
		const file = await addCaseAttachment(db.em(), actorFor(clinic.physio), {
			caseId: c.id,
			fileName: '../../etc/passwd.pdf',
			bytes: PDF
		});
		expect(file).toMatchObject({ contentType: 'application/pdf', sizeBytes: PDF.byteLength });
		expect(file.fileName).not.toContain('/');
		const meta = await getCaseAttachment(db.em(), actorFor(clinic.physio), {
			caseId: c.id,
			attachmentId: file.id
		});
		expect(
			existsSync(path.join(getConfig().CASEBOOK_FILES_DIR, meta.storageKey.slice(0, 2), meta.storageKey))
		).toBe(true);
		// A speech pathologist does not see a physio case, nor its files.
		await expect(
			getCaseAttachment(db.em(), actorFor(clinic.outsider), { caseId: c.id, attachmentId: file.id })
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
		await api().cases.removeAttachment({ caseId: c.id, attachmentId: file.id });
		expect(
			existsSync(path.join(getConfig().CASEBOOK_FILES_DIR, meta.storageKey.slice(0, 2), meta.storageKey))
		).toBe(false);
	});

	it('refuses a forbidden type and an empty file, storing nothing', async () => {
		const patient = await createPatient(db.em());
		const c = await api().cases.create(caseInput(patient.id));
		const exe = new Uint8Array([
			0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 0xff, 0xff, 0, 0
		]);
		await expect(
			addCaseAttachment(db.em(), actorFor(clinic.scheduler), {
				caseId: c.id,
				fileName: 'invoice.pdf',
				bytes: exe
			})
		).rejects.toMatchObject({
			code: 'BAD_REQUEST',
			fieldErrors: { file: [expect.stringMatching(/Only PDF/)] }
		});
		await expect(
			addCaseAttachment(db.em(), actorFor(clinic.scheduler), {
				caseId: c.id,
				fileName: 'x.txt',
				bytes: new Uint8Array()
			})
		).rejects.toMatchObject({ code: 'BAD_REQUEST' });
		expect(await db.em().count(CaseAttachment, { case: c.id })).toBe(0);
	});

	it('refuses a file over 25 MB through the router', async () => {
		const patient = await createPatient(db.em());
		const c = await api().cases.create(caseInput(patient.id));
		const form = new FormData();
		form.set('caseId', c.id);
		form.set('file', new File([new Uint8Array(25 * 1024 * 1024 + 1)], 'scan.pdf'));
		const failure = await failureOf(api().cases.addAttachment(form));
		expect(failure.code).toBe('PAYLOAD_TOO_LARGE');
		expect(await db.em().count(CaseAttachment, { case: c.id })).toBe(0);
	});
});

describe('visibility and lists', () => {
	it('shows a practitioner the cases of their services, template-less cases and cases they treat', async () => {
		const patient = await createPatient(db.em());
		const em = db.em();
		const speechTemplate = em.create(CaseTemplate, { name: `Speech ${uniqueSuffix()}` });
		speechTemplate.services.add(
			em.getReference((await import('../services/service.entity.ts')).Service, clinic.speech.id)
		);
		await em.flush();
		const speechCase = await api().cases.create(caseInput(patient.id, { templateId: speechTemplate.id }));
		const plain = await api().cases.create(caseInput(patient.id));
		const physioSees = await api(clinic.physio).cases.find({ patientId: patient.id, status: 'all' });
		expect(physioSees.items.map((c) => c.id)).toEqual([plain.id]);
		const reads = () =>
			db.em().find(AuditEvent, { action: 'case.read', recordId: speechCase.id }, { orderBy: { id: 'asc' } });
		expect((await failureOf(api(clinic.physio).cases.get({ id: speechCase.id }))).code).toBe('NOT_FOUND');
		// A refused read writes no audit row; a read writes one, naming the reader.
		expect(await reads()).toHaveLength(0);
		expect((await api(clinic.outsider).cases.get({ id: speechCase.id })).id).toBe(speechCase.id);
		expect((await reads()).map((e) => [e.actorId, e.actorType, e.recordType])).toEqual([
			[clinic.outsider.id, 'staff', 'case']
		]);
		// Once the physio treats the patient on that case, they see it.
		await bookOn(patient.id, speechCase.id, clinic.physio);
		expect((await api(clinic.physio).cases.get({ id: speechCase.id })).id).toBe(speechCase.id);
	});

	it('offers a practitioner only the templates of their own services, and refuses another service’s', async () => {
		const patient = await createPatient(db.em());
		const em = db.em();
		const { Service } = await import('../services/service.entity.ts');
		const speechTemplate = em.create(CaseTemplate, { name: `Speech only ${uniqueSuffix()}` });
		speechTemplate.services.add(em.getReference(Service, clinic.speech.id));
		const physioTemplate = em.create(CaseTemplate, { name: `Physio only ${uniqueSuffix()}` });
		physioTemplate.services.add(em.getReference(Service, clinic.physiotherapy.id));
		await em.flush();
		const offered = (await api(clinic.physio).cases.formOptions()).templates.map((t) => t.id);
		expect(offered).toContain(physioTemplate.id);
		expect(offered).not.toContain(speechTemplate.id);
		expect((await api().cases.formOptions()).templates.map((t) => t.id)).toContain(speechTemplate.id);

		const before = await db.em().count(Case, { patient: patient.id });
		const refused = await failureOf(
			api(clinic.physio).cases.create(caseInput(patient.id, { templateId: speechTemplate.id }))
		);
		expect(refused.fieldErrors?.templateId?.[0]).toMatch(/one of your services/);
		expect(await db.em().count(Case, { patient: patient.id })).toBe(before);
		// Their own service's template works, and they can open the case they made.
		const own = await api(clinic.physio).cases.create(
			caseInput(patient.id, { templateId: physioTemplate.id })
		);
		expect((await api(clinic.physio).cases.get({ id: own.id })).id).toBe(own.id);
	});

	it('leaves cases archived through the REST API out of the lists unless archived ones are asked for', async () => {
		const patient = await createPatient(db.em());
		const kept = await api().cases.create(caseInput(patient.id));
		const archived = await api().cases.create(caseInput(patient.id));
		await archiveCase(db.em(), actorFor(clinic.scheduler), archived.id);
		const current = await api().cases.find({ patientId: patient.id, status: 'all' });
		expect(current.items.map((c) => c.id)).toEqual([kept.id]);
		expect(current.total).toBe(1);
		const onlyArchived = await api().cases.find({ patientId: patient.id, status: 'all', archived: true });
		expect(onlyArchived.items.map((c) => [c.id, c.archivedAt instanceof Date])).toEqual([
			[archived.id, true]
		]);
		// The case itself stays readable by id.
		expect((await api().cases.get({ id: archived.id })).archivedAt).toBeInstanceOf(Date);
		// And booking's body-part question never offers it (both cases share the body part).
		const matching = await api().appointments.matchingCases({
			patientId: patient.id,
			bodyPartIds: [clinic.leftShoulder.id]
		});
		expect(matching.map((c) => c.id)).toEqual([kept.id]);
	});

	it('filters by status, template, practitioner and expiring or expired referral, and searches', async () => {
		const patient = await createPatient(db.em(), `Filterable`);
		const today = new Date().toISOString().slice(0, 10);
		const inDays = (d: number) => new Date(Date.parse(today) + d * 86_400_000).toISOString().slice(0, 10);
		const expiring = await api().cases.create(
			caseInput(patient.id, {
				name: 'Expiring soon',
				hasReferral: true,
				referralIssuedOn: inDays(-300),
				referralExpiresOn: inDays(10)
			})
		);
		const expired = await api().cases.create(
			caseInput(patient.id, {
				name: 'Expired one',
				hasReferral: true,
				referralIssuedOn: inDays(-300),
				referralExpiresOn: inDays(-3)
			})
		);
		const treated = await api().cases.create(caseInput(patient.id, { name: 'Treated' }));
		await bookOn(patient.id, treated.id, clinic.otherPhysio);
		const closed = await api().cases.create(caseInput(patient.id, { name: 'Finished' }));
		await api().cases.close({ id: closed.id, version: closed.version });

		const ids = async (input: Parameters<ReturnType<typeof api>['cases']['find']>[0]) =>
			(await api().cases.find({ patientId: patient.id, ...input })).items.map((c) => c.id);
		expect(await ids({ referral: 'expiring' })).toEqual([expiring.id]);
		expect(await ids({ referral: 'expired' })).toEqual([expired.id]);
		expect(await ids({ practitionerId: clinic.otherPhysio.id })).toEqual([treated.id]);
		expect(await ids({ status: 'closed' })).toEqual([closed.id]);
		expect((await ids({})).sort()).toEqual([expiring.id, expired.id, treated.id].sort());
		expect(await ids({ search: 'expiring' })).toEqual([expiring.id]);
		const all = await api().cases.find({ search: patient.lastName, status: 'all' });
		expect(all.total).toBe(4);
		const listedExpiring = (await api().cases.find({ patientId: patient.id })).items.find(
			(c) => c.id === expiring.id
		);
		expect(listedExpiring?.warnings[0]?.message).toMatch(
			/Referral expires in 1\d days|Referral expires in 9 days/
		);
	});
});

describe('case templates in use (issue 5)', () => {
	it('deletes an unused template, and archives one that a case uses, which the case still shows', async () => {
		const admin = callerFor(db.em(), clinic.admin);
		const unused = await admin.admin.caseTemplates.create({
			name: `Unused ${uniqueSuffix()}`,
			serviceIds: [clinic.physiotherapy.id]
		});
		expect((await admin.admin.caseTemplates.delete({ id: unused.id })).outcome).toBe('deleted');
		expect(await db.em().count(CaseTemplate, { id: unused.id })).toBe(0);

		const used = await admin.admin.caseTemplates.create({
			name: `Used ${uniqueSuffix()}`,
			serviceIds: [clinic.physiotherapy.id]
		});
		const patient = await createPatient(db.em());
		const c = await api().cases.create(caseInput(patient.id, { templateId: used.id }));
		expect((await admin.admin.caseTemplates.get({ id: used.id })).affectedCases).toBe(1);
		const outcome = await admin.admin.caseTemplates.delete({ id: used.id });
		expect(outcome).toMatchObject({ outcome: 'archived', affectedCases: 1 });
		expect((await api().cases.get({ id: c.id })).template).toMatchObject({ id: used.id, isArchived: true });
		const refused = await failureOf(api().cases.create(caseInput(patient.id, { templateId: used.id })));
		expect(refused.fieldErrors.templateId?.[0]).toMatch(/archived/);
	});
});
