// Issue 22 acceptance, on the real database: template versioning, final notes that no procedure (nor
// the database) lets anyone change, drafts their author's alone, visibility by the case's services,
// goal progress from note answers, the summary PDF holding exactly the ticked notes (read back with a
// PDF text extractor), the emailed summary with its PDF attached, and every read audited.
import { extractText, getDocumentProxy } from 'unpdf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../api/api-test-client.ts';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { Contact } from '../contacts/contact.entity.ts';
import type { Runner } from '../jobs/runner.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, standinTransports, startTestWorker, type TestDb } from '../testing/harness.ts';
import { startSmtpCatcher, type SmtpCatcher } from '../testing/smtp-catcher.ts';
import type { Section } from '../../schemas/clinical-notes.ts';

let db: TestDb;
let clinic: Clinic;
let physioTemplateId: string;
let doctorEmail: string;

const q = (id: string, kind: Section['questions'][number]['kind'], label: string, extra: object = {}) => ({
	id,
	kind,
	label,
	options: [] as string[],
	allowOther: false,
	unit: null as string | null,
	...extra
});

const EVALUATION: Section[] = [
	{
		title: 'Subjective',
		questions: [
			q('complaint', 'text', 'Main complaint'),
			q('pain', 'scale', 'Pain (0–10)'),
			q('aggravating', 'checkboxes', 'Aggravating', { options: ['Lifting', 'Sleeping'] }),
			q('onset', 'radio', 'Onset', { options: ['Sudden', 'Gradual'], allowOther: true })
		]
	},
	{
		title: 'Objective',
		questions: [q('flexion', 'number', 'Shoulder flexion', { unit: 'degrees' }), q('seen', 'date', 'Date')]
	}
];

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	const em = db.em();
	const template = em.create(CaseTemplate, { name: `Shoulder ${uniqueSuffix()}` });
	template.services.add(em.getReference(Service, clinic.physiotherapy.id));
	doctorEmail = `gp-${uniqueSuffix()}@practice.test`;
	em.create(Contact, {
		firstName: 'Grace',
		lastName: 'Hopper',
		contactType: 'Doctor',
		email: doctorEmail
	} as never);
	await em.flush();
	physioTemplateId = template.id;
});
afterAll(async () => {
	await db?.close();
});

const as = (user = clinic.physio) => callerFor(db.em(), user);

async function newCase() {
	const patient = await createPatient(db.em(), 'Notes');
	const doctor = await db.em().findOneOrFail(Contact, { email: doctorEmail });
	return as(clinic.admin).cases.create({
		patientId: patient.id,
		name: 'Right shoulder',
		templateId: physioTemplateId,
		bodyPartIds: [clinic.leftShoulder.id],
		limitKind: 'unlimited',
		hasReferral: true,
		referringDoctorId: doctor.id
	});
}

async function newTemplate(name = `Initial evaluation ${uniqueSuffix()}`) {
	return as(clinic.admin).admin.noteTemplates.create({
		name,
		sections: EVALUATION,
		caseTemplateIds: [physioTemplateId]
	});
}

async function writeNote(
	caseId: string,
	templateId: string | null,
	answers: Record<string, unknown>,
	links = {}
) {
	const physio = as();
	const { id } = await physio.clinicalNotes.create({ caseId, templateId });
	const saved = await physio.clinicalNotes.saveDraft({
		id,
		revision: 1,
		title: 'Evaluation',
		answers: answers as never,
		goalLinks: links
	});
	return { id, revision: saved.revision };
}

describe('note templates', () => {
	it('are versioned: editing one leaves notes written with it untouched', async () => {
		const template = await newTemplate();
		const c = await newCase();
		const note = await writeNote(c.id, template.id, { complaint: 'Cannot reach shelf', pain: 6 });
		await as().clinicalNotes.finalise({ id: note.id, revision: note.revision });

		await as(clinic.admin).admin.noteTemplates.update({
			id: template.id,
			version: template.version,
			name: template.name,
			sections: [{ title: 'Only', questions: [q('other', 'paragraph', 'Something else')] }],
			caseTemplateIds: []
		});
		const again = await as(clinic.admin).admin.noteTemplates.get({ id: template.id });
		expect(again.currentVersion).toBe(2);
		const old = await as().clinicalNotes.get({ id: note.id });
		expect(old.templateVersion).toBe(1);
		expect(old.sections.map((s) => s.title)).toEqual(['Subjective', 'Objective']);
		expect(old.answers).toEqual({ complaint: 'Cannot reach shelf', pain: 6 });
		// A new note is written with the new version.
		const fresh = await as().clinicalNotes.create({ caseId: c.id, templateId: template.id });
		expect((await as().clinicalNotes.get({ id: fresh.id })).sections[0]!.title).toBe('Only');
	});

	it('are offered first on cases whose template names them', async () => {
		const named = await newTemplate(`A daily note ${uniqueSuffix()}`);
		const c = await newCase();
		const { templates } = await as().clinicalNotes.forCase({ caseId: c.id });
		const suggested = templates.filter((t) => t.isSuggested).map((t) => t.id);
		expect(suggested).toContain(named.id);
		expect(templates.findIndex((t) => t.id === named.id)).toBeLessThan(suggested.length);
	});

	it('refuses answers that do not fit their questions, naming each', async () => {
		const template = await newTemplate();
		const c = await newCase();
		const { id } = await as().clinicalNotes.create({ caseId: c.id, templateId: template.id });
		const failure = await failureOf(
			as().clinicalNotes.saveDraft({
				id,
				revision: 1,
				title: 'x',
				answers: { pain: 11, aggravating: { selected: ['Running'], other: null }, nope: 'x' }
			})
		);
		expect(failure.code).toBe('BAD_REQUEST');
		expect(Object.keys(failure.fieldErrors).sort()).toEqual([
			'answers.aggravating',
			'answers.nope',
			'answers.pain'
		]);
	});
});

describe('a final note', () => {
	it('is signed with the author’s name and time, and no procedure changes it', async () => {
		const c = await newCase();
		const note = await writeNote(c.id, null, { body: 'Assessed. Plan: exercises.' });
		const final = await as().clinicalNotes.finalise({ id: note.id, revision: note.revision });
		expect(final.status).toBe('final');
		expect(final.signedByName).toBe(clinic.physio.name);
		expect(final.signedAt).toBeInstanceOf(Date);

		for (const call of [
			() =>
				as().clinicalNotes.saveDraft({
					id: note.id,
					revision: note.revision,
					title: 'Changed',
					answers: { body: 'Changed' }
				}),
			() =>
				as().clinicalNotes.saveDraft({
					id: note.id,
					revision: note.revision + 1,
					title: 'Changed',
					answers: { body: 'Changed' }
				}),
			() => as().clinicalNotes.finalise({ id: note.id, revision: note.revision }),
			() => as().clinicalNotes.discard({ id: note.id })
		]) {
			expect((await failureOf(call())).code).toBe('CONFLICT');
		}
		// Nor the database, whoever asks.
		await expect(
			db.em().execute(`update clinical_note set title = 'Changed' where id = ?`, [note.id])
		).rejects.toThrow(/final note/);
		await expect(db.em().execute(`delete from clinical_note where id = ?`, [note.id])).rejects.toThrow(
			/final note/
		);
		expect((await as().clinicalNotes.get({ id: note.id })).answers).toEqual({
			body: 'Assessed. Plan: exercises.'
		});
	});

	it('is corrected by an amendment that keeps the original visible', async () => {
		const c = await newCase();
		const note = await writeNote(c.id, null, { body: 'Left shoulder' });
		await as().clinicalNotes.finalise({ id: note.id, revision: note.revision });
		const amendment = await as().clinicalNotes.amend({ id: note.id });
		const saved = await as().clinicalNotes.saveDraft({
			id: amendment.id,
			revision: 1,
			title: 'Correction',
			answers: { body: 'Right shoulder' }
		});
		await as().clinicalNotes.finalise({ id: amendment.id, revision: saved.revision });
		const original = await as(clinic.otherPhysio).clinicalNotes.get({ id: note.id });
		expect(original.answers).toEqual({ body: 'Left shoulder' });
		expect(original.amendments.map((a) => a.id)).toEqual([amendment.id]);
		expect((await as().clinicalNotes.get({ id: amendment.id })).amends?.id).toBe(note.id);
	});
});

describe('visibility', () => {
	it('keeps drafts to their author, and shows final notes to whoever sees the case', async () => {
		const c = await newCase();
		const note = await writeNote(c.id, null, { body: 'Draft thoughts' });
		for (const user of [clinic.otherPhysio, clinic.admin, clinic.scheduler]) {
			expect((await failureOf(as(user).clinicalNotes.get({ id: note.id }))).code).toBe('NOT_FOUND');
			expect((await as(user).clinicalNotes.forCase({ caseId: c.id })).notes.map((n) => n.id)).not.toContain(
				note.id
			);
			expect(
				(
					await failureOf(
						as(user).clinicalNotes.saveDraft({
							id: note.id,
							revision: note.revision,
							title: 'Mine',
							answers: {}
						})
					)
				).code
			).toBe('NOT_FOUND');
		}
		await as().clinicalNotes.finalise({ id: note.id, revision: note.revision });
		for (const user of [clinic.otherPhysio, clinic.admin, clinic.scheduler]) {
			expect((await as(user).clinicalNotes.get({ id: note.id })).answers).toEqual({ body: 'Draft thoughts' });
		}
	});

	it('follows the case’s services: a practitioner of another service sees nothing', async () => {
		const c = await newCase();
		const note = await writeNote(c.id, null, { body: 'Physio only' });
		await as().clinicalNotes.finalise({ id: note.id, revision: note.revision });
		const outsider = as(clinic.outsider);
		for (const call of [
			() => outsider.clinicalNotes.get({ id: note.id }),
			() => outsider.clinicalNotes.forCase({ caseId: c.id }),
			() => outsider.clinicalNotes.create({ caseId: c.id }),
			() => outsider.clinicalNotes.amend({ id: note.id }),
			() =>
				outsider.clinicalNotes.createGoal({
					caseId: c.id,
					description: 'x',
					measure: 'scale',
					baseline: 1,
					target: 2
				}),
			() => outsider.clinicalNotes.summaryPdf({ caseId: c.id, noteIds: [note.id] })
		]) {
			expect((await failureOf(call())).code).toBe('NOT_FOUND');
		}
	});
});

describe('goals', () => {
	it('record progress from the linked answers of final notes, and keep status changes', async () => {
		const template = await newTemplate();
		const c = await newCase();
		const goal = await as().clinicalNotes.createGoal({
			caseId: c.id,
			description: 'Reach overhead shelf',
			measure: 'number',
			unit: 'degrees',
			baseline: 90,
			target: 170,
			targetDate: '2031-06-30'
		});
		// A scale question cannot be linked to a number goal.
		const { id } = await as().clinicalNotes.create({ caseId: c.id, templateId: template.id });
		expect(
			(
				await failureOf(
					as().clinicalNotes.saveDraft({
						id,
						revision: 1,
						title: 'Daily',
						answers: { pain: 3 },
						goalLinks: { pain: goal.id }
					})
				)
			).fieldErrors
		).toHaveProperty(['goalLinks.pain']);
		const saved = await as().clinicalNotes.saveDraft({
			id,
			revision: 1,
			title: 'Daily',
			answers: { flexion: 120 },
			goalLinks: { flexion: goal.id }
		});
		// A draft records nothing yet.
		expect((await as().clinicalNotes.forCase({ caseId: c.id })).goals[0]!.values.map((v) => v.value)).toEqual(
			[90]
		);
		await as().clinicalNotes.finalise({ id, revision: saved.revision });
		// Shared with everyone who sees the case.
		const seen = await as(clinic.otherPhysio).clinicalNotes.forCase({ caseId: c.id });
		expect(seen.goals[0]!.values.map((v) => v.value)).toEqual([90, 120]);
		expect(seen.goals[0]!.latest).toBe(120);

		await as().clinicalNotes.updateGoal({
			id: goal.id,
			version: seen.goals[0]!.version,
			status: 'partly_met'
		});
		const after = await as().clinicalNotes.forCase({ caseId: c.id });
		expect(after.goals[0]!.status).toBe('partly_met');
		expect(after.timeline.filter((t) => t.kind === 'goal').map((t) => t.text)).toEqual([
			'Goal set: Reach overhead shelf',
			'Goal “Reach overhead shelf” marked partly met'
		]);
		expect(after.timeline.some((t) => t.kind === 'note')).toBe(true);
	});
});

async function pdfText(base64: string): Promise<string> {
	const pdf = await getDocumentProxy(new Uint8Array(Buffer.from(base64, 'base64')));
	const { text } = await extractText(pdf, { mergePages: true });
	return text;
}

describe('the case summary', () => {
	it('holds the case, its goals and the ticked final notes, and nothing else', async () => {
		const c = await newCase();
		const ticked = await writeNote(c.id, null, { body: 'TICKED-NOTE-TEXT' });
		await as().clinicalNotes.finalise({ id: ticked.id, revision: ticked.revision });
		const unticked = await writeNote(c.id, null, { body: 'UNTICKED-NOTE-TEXT' });
		await as().clinicalNotes.finalise({ id: unticked.id, revision: unticked.revision });
		const draft = await writeNote(c.id, null, { body: 'DRAFT-NOTE-TEXT' });
		await as().clinicalNotes.createGoal({
			caseId: c.id,
			description: 'Sleep through the night',
			measure: 'scale',
			baseline: 2,
			target: 8
		});

		const { contentBase64, fileName } = await as().clinicalNotes.summaryPdf({
			caseId: c.id,
			noteIds: [ticked.id]
		});
		expect(fileName).toMatch(/\.pdf$/);
		const text = await pdfText(contentBase64);
		expect(text).toContain('Right shoulder');
		expect(text).toContain('Sleep through the night');
		// The goal's chart: its target line is labelled (drawn only with the chart).
		expect(text).toContain('target 8');
		expect(text).toContain('TICKED-NOTE-TEXT');
		expect(text).not.toContain('UNTICKED-NOTE-TEXT');
		expect(text).not.toContain('DRAFT-NOTE-TEXT');
		// A draft cannot be ticked.
		expect((await failureOf(as().clinicalNotes.summaryPdf({ caseId: c.id, noteIds: [draft.id] }))).code).toBe(
			'BAD_REQUEST'
		);
	});

	describe('emailed to the referring doctor', () => {
		let smtp: SmtpCatcher;
		let worker: Runner;
		beforeAll(async () => {
			smtp = await startSmtpCatcher();
			worker = await startTestWorker(db, standinTransports({ smtp }));
		});
		afterAll(async () => {
			await worker?.stop();
			await smtp?.close();
		});

		it('arrives with the PDF attached, through the worker, and the sending is audited', async () => {
			const c = await newCase();
			const note = await writeNote(c.id, null, { body: 'EMAILED-NOTE-TEXT' });
			await as().clinicalNotes.finalise({ id: note.id, revision: note.revision });
			const sent = await as().clinicalNotes.emailSummary({ caseId: c.id, noteIds: [note.id] });
			expect(sent.recipient).toBe(doctorEmail);
			const mail = await smtp.waitFor((m) => m.to.includes(doctorEmail));
			const attachment = mail.parsed.attachments.find((a) => a.mimeType === 'application/pdf');
			expect(attachment).toBeDefined();
			const content = attachment!.content;
			const bytes =
				typeof content === 'string' ? Buffer.from(content, 'base64') : Buffer.from(content as ArrayBuffer);
			expect(await pdfText(bytes.toString('base64'))).toContain('EMAILED-NOTE-TEXT');
			const audit = await db.em().find(AuditEvent, { action: 'case_summary.email', recordId: c.id });
			expect(audit).toHaveLength(1);
		});
	});
});

describe('the audit trail', () => {
	it('records every read and every write of a note', async () => {
		const c = await newCase();
		const note = await writeNote(c.id, null, { body: 'Audited' });
		await as().clinicalNotes.finalise({ id: note.id, revision: note.revision });
		await as(clinic.otherPhysio).clinicalNotes.get({ id: note.id });
		await as(clinic.otherPhysio).clinicalNotes.forCase({ caseId: c.id });
		await as().clinicalNotes.summaryPdf({ caseId: c.id, noteIds: [note.id] });
		const em = db.em();
		const onNote = await em.find(
			AuditEvent,
			{ recordType: 'clinical_note', recordId: note.id },
			{ orderBy: { id: 'asc' } }
		);
		expect(onNote.map((e) => e.action)).toEqual([
			'clinical_note.create',
			'clinical_note.save_draft',
			'clinical_note.finalise',
			// finalise answers with the signed note: a read by its author
			'clinical_note.read',
			'clinical_note.read'
		]);
		expect(onNote.at(-1)!.actorId).toBe(clinic.otherPhysio.id);
		const onCase = await em.find(AuditEvent, {
			recordType: 'case',
			recordId: c.id,
			action: { $in: ['clinical_note.list', 'case_summary.download'] }
		});
		expect(onCase.map((e) => e.action).sort()).toEqual(['case_summary.download', 'clinical_note.list']);
	});
});

describe('the REST API (Cliniko’s treatment notes)', () => {
	it('lists final notes only, filtered, in Cliniko’s shape, and never changes one', async () => {
		const template = await newTemplate();
		const c = await newCase();
		const final = await writeNote(c.id, template.id, {
			complaint: 'Overhead reach',
			pain: 4,
			aggravating: { selected: ['Lifting'], other: null }
		});
		await as().clinicalNotes.finalise({ id: final.id, revision: final.revision });
		const draft = await writeNote(c.id, null, { body: 'Not for the API' });
		const api = await apiClient(db, ['scheduler']);

		const list = await api.call('GET', `/treatment_notes?q[]=case_id:=${c.id}`);
		expect(list.status).toBe(200);
		const body = list.body as {
			treatment_notes: {
				id: number;
				draft: boolean;
				content: {
					sections: {
						questions: { name: string; answer?: string; answers?: { value: string; selected?: true }[] }[];
					}[];
				};
			}[];
			total_entries: number;
		};
		expect(body.treatment_notes.map((n) => String(n.id))).toEqual([final.id]);
		expect(body.treatment_notes[0]!.draft).toBe(false);
		const questions = body.treatment_notes[0]!.content.sections[0]!.questions;
		expect(questions[0]).toEqual({ name: 'Main complaint', type: 'text', answer: 'Overhead reach' });
		expect(questions[2]!.answers).toEqual([{ value: 'Lifting', selected: true }, { value: 'Sleeping' }]);

		const byPractitioner = await api.call(
			'GET',
			`/treatment_notes?q[]=practitioner_id:=${clinic.physio.id}&q[]=case_id:=${c.id}&q[]=updated_at:>2000-01-01T00:00:00Z`
		);
		expect((byPractitioner.body as { total_entries: number }).total_entries).toBe(1);
		expect((await api.call('GET', `/treatment_notes/${draft.id}`)).status).toBe(404);
		expect((await api.call('GET', `/treatment_notes/${final.id}`)).status).toBe(200);
		for (const method of ['PUT', 'PATCH', 'DELETE']) {
			const response = await api.call(
				method,
				`/treatment_notes/${final.id}`,
				method === 'DELETE' ? {} : { body: { title: 'Changed' } }
			);
			expect(response.status, method).toBeGreaterThanOrEqual(400);
		}
		expect((await as().clinicalNotes.get({ id: final.id })).title).toBe('Evaluation');
		// Reads through the API are audited too.
		const reads = await db
			.em()
			.find(AuditEvent, { action: 'clinical_note.read', recordId: final.id, actorId: api.user.id });
		expect(reads.length).toBeGreaterThanOrEqual(2);

		const templates = await api.call('GET', '/treatment_note_templates');
		expect(
			(templates.body as { treatment_note_templates: { id: number }[] }).treatment_note_templates.map((t) =>
				String(t.id)
			)
		).toContain(template.id);
	});
});
