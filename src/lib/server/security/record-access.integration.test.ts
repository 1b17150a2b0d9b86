// Security checks (issue 10, item 4): a record id that belongs to someone else is refused. A
// practitioner asking for a case of a service they do not provide, or for an appointment on it, a
// referrer asking for another referrer's case, a staff member revoking someone else's key: NOT_FOUND
// (never FORBIDDEN, so existence does not leak), and nothing of the other's changes. A walk over the
// router fails when a procedure taking a record id is neither probed here nor exempt with a reason.
// (Portal patients reaching other patients' records: portal.integration.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../auth/api-keys.service.ts';
import { createSession } from '../auth/sessions.service.ts';
import { User as UserEntity, type User } from '../auth/user.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { addCaseAttachment, getCaseAttachment } from '../cases/cases.service.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { digestRows } from '../testing/db-digest.ts';
import { inputKeys } from '../testing/fuzz-inputs.ts';
import { actorFor, callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import type { Meta } from '../trpc/init.ts';
import { appRouter } from '../app/router.ts';

let db: TestDb;
let clinic: Clinic;
let referrer: User;
let otherReferrer: User;
/** What the practitioner (clinic.physio) may see, and what they may not. */
const own = { caseA: '', caseB: '', appointmentA: '', appointmentB: '', patientA: '', patientB: '' };
const hidden = {
	case: '',
	caseName: '',
	appointment: '',
	attachment: '',
	sentCase: '',
	team: '',
	template: '',
	apiKey: '',
	session: '',
	note: '',
	goal: ''
};

async function createReferrer(name: string): Promise<User> {
	const em = db.em();
	const user = em.create(UserEntity, {
		kind: 'referrer',
		name,
		email: `referrer-${uniqueSuffix()}@practice.test`,
		roles: []
	});
	await em.flush();
	return user;
}

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	referrer = await createReferrer('Sending Referrer');
	otherReferrer = await createReferrer('Other Referrer');
	const em = db.em();
	const physioTemplate = em.create(CaseTemplate, { name: `Physio plan ${uniqueSuffix()}` });
	physioTemplate.services.add(em.getReference(Service, clinic.physiotherapy.id));
	const speechTemplate = em.create(CaseTemplate, { name: `Speech plan ${uniqueSuffix()}` });
	speechTemplate.services.add(em.getReference(Service, clinic.speech.id));
	await em.flush();
	hidden.template = speechTemplate.id;

	const admin = callerFor(db.em(), clinic.admin);
	const patientA = await createPatient(db.em(), 'Alpha');
	const patientB = await createPatient(db.em(), 'Bravo');
	own.patientA = patientA.id;
	own.patientB = patientB.id;
	const newCase = (patientId: string, templateId: string, name: string) =>
		admin.cases.create({
			patientId,
			name,
			templateId,
			bodyPartIds: [clinic.leftShoulder.id],
			limitKind: 'unlimited'
		});
	const book = async (patientId: string, caseId: string, practitionerId: string, typeId: string) =>
		(
			await admin.appointments.create({
				patientId,
				practitionerId,
				appointmentTypeId: typeId,
				startsAt: nextSlot(),
				case: { mode: 'existing', caseId, bodyPartIds: [] }
			})
		).appointment.id;
	own.caseA = (await newCase(patientA.id, physioTemplate.id, 'Shoulder rehab')).id;
	own.caseB = (await newCase(patientB.id, physioTemplate.id, 'Shoulder rehab')).id;
	hidden.caseName = `Speech therapy ${uniqueSuffix()}`;
	hidden.case = (await newCase(patientA.id, speechTemplate.id, hidden.caseName)).id;
	own.appointmentA = await book(patientA.id, own.caseA, clinic.physio.id, clinic.consult.id);
	own.appointmentB = await book(patientB.id, own.caseB, clinic.physio.id, clinic.consult.id);
	hidden.appointment = await book(patientA.id, hidden.case, clinic.outsider.id, clinic.speechSession.id);
	hidden.attachment = (
		await addCaseAttachment(db.em(), actorFor(clinic.admin), {
			caseId: hidden.case,
			fileName: 'assessment.txt',
			bytes: new TextEncoder().encode('Speech assessment')
		})
	).id;

	const team = await admin.teams.create({
		name: `Speech team ${uniqueSuffix()}`,
		acceptsExternalCases: true
	});
	await admin.teams.addMember({ teamId: team.id, userId: clinic.outsider.id });
	hidden.team = team.id;
	hidden.sentCase = (
		await callerFor(db.em(), referrer).cases.send({
			subject: 'Please assess',
			teamIds: [team.id],
			priority: 'high'
		})
	).id;
	// A final treatment note and a goal on the speech case (issue 22).
	const speech = callerFor(db.em(), clinic.outsider);
	hidden.note = (await speech.clinicalNotes.create({ caseId: hidden.case })).id;
	const saved = await callerFor(db.em(), clinic.outsider).clinicalNotes.saveDraft({
		id: hidden.note,
		revision: 1,
		title: 'Speech assessment',
		answers: { body: 'Theirs' }
	});
	await callerFor(db.em(), clinic.outsider).clinicalNotes.finalise({
		id: hidden.note,
		revision: saved.revision
	});
	hidden.goal = (
		await callerFor(db.em(), clinic.outsider).clinicalNotes.createGoal({
			caseId: hidden.case,
			description: 'Say ten words',
			measure: 'scale',
			baseline: 1,
			target: 8
		})
	).id;
	const colleague = await createTestUser(db.em(), { roles: ['practitioner'] });
	hidden.apiKey = (
		await createApiKey(db.em(), actorFor(colleague), { name: 'Theirs', userId: colleague.id })
	).key.id;
	const sessionEm = db.em();
	hidden.session = (
		await createSession(sessionEm, { user: await sessionEm.findOneOrFail(UserEntity, colleague.id) })
	).session.id;
});
afterAll(async () => {
	await db?.close();
});

/** Everything of the other people's that a refused call might have touched. */
async function theirRows(): Promise<string[]> {
	const em = db.em();
	const cases = [hidden.case, hidden.sentCase, own.caseA, own.caseB];
	return Promise.all([
		digestRows(em, 'clinic_case', 'id', cases),
		digestRows(em, 'case_body_part', 'case_id', cases),
		digestRows(em, 'appointment', 'patient_id', [own.patientA, own.patientB]),
		digestRows(em, 'clinic_case', 'patient_id', [own.patientA, own.patientB]),
		digestRows(em, 'case_attachment', 'case_id', cases),
		digestRows(em, 'case_team', 'case_id', [hidden.sentCase]),
		digestRows(em, 'case_event', 'case_id', [hidden.sentCase]),
		digestRows(em, 'team', 'id', [hidden.team]),
		digestRows(em, 'case_template', 'id', [hidden.template]),
		digestRows(em, 'api_key', 'id', [hidden.apiKey]),
		digestRows(em, 'session', 'id', [hidden.session]),
		digestRows(em, 'clinical_note', 'case_id', cases),
		digestRows(em, 'case_goal', 'case_id', cases),
		digestRows(em, 'goal_value', 'goal_id', [hidden.goal])
	]);
}

function attachmentForm(caseId: string): FormData {
	const form = new FormData();
	form.set('caseId', caseId);
	form.set('file', new File(['Not yours'], 'note.txt', { type: 'text/plain' }));
	return form;
}

interface Probe {
	/** The procedure called. */
	path: string;
	what: string;
	as: () => User;
	input: () => unknown;
	code: 'NOT_FOUND' | 'BAD_REQUEST';
}

const physio = () => clinic.physio;
const probes: Probe[] = [
	{
		path: 'clinicalNotes.forCase',
		what: 'the notes of a case of another service',
		as: physio,
		input: () => ({ caseId: hidden.case }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.get',
		what: 'a note on a case of another service',
		as: physio,
		input: () => ({ id: hidden.note }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.create',
		what: 'a note on a case of another service',
		as: physio,
		input: () => ({ caseId: hidden.case }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.saveDraft',
		what: 'a note on a case of another service',
		as: physio,
		input: () => ({ id: hidden.note, revision: 2, title: 'Mine now', answers: { body: 'Mine' } }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.finalise',
		what: 'a note on a case of another service',
		as: physio,
		input: () => ({ id: hidden.note, revision: 2 }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.discard',
		what: 'a note on a case of another service',
		as: physio,
		input: () => ({ id: hidden.note }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.amend',
		what: 'a note on a case of another service',
		as: physio,
		input: () => ({ id: hidden.note }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.createGoal',
		what: 'a goal on a case of another service',
		as: physio,
		input: () => ({ caseId: hidden.case, description: 'Mine', measure: 'scale', baseline: 1, target: 2 }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.updateGoal',
		what: 'a goal of a case of another service',
		as: physio,
		input: () => ({ id: hidden.goal, version: 1, status: 'met' }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.summaryPdf',
		what: 'the summary of a case of another service',
		as: physio,
		input: () => ({ caseId: hidden.case, noteIds: [hidden.note] }),
		code: 'NOT_FOUND'
	},
	{
		path: 'clinicalNotes.emailSummary',
		what: 'the summary of a case of another service',
		as: physio,
		input: () => ({ caseId: hidden.case, noteIds: [hidden.note] }),
		code: 'NOT_FOUND'
	},

	{
		path: 'cases.sendExisting',
		what: 'a case of another service sent to teams',
		as: physio,
		input: () => ({ caseId: hidden.case, teamIds: [hidden.team], priority: 'urgent', details: 'Mine now' }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.linkPatient',
		what: 'a hidden case linked to a patient',
		as: physio,
		input: () => ({ caseId: hidden.sentCase, patientId: own.patientB }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.linkNewPatient',
		what: 'a hidden case linked to a new patient',
		as: physio,
		input: () => ({ caseId: hidden.sentCase, patient: { firstName: 'Probe', lastName: 'Patient' } }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.get',
		what: 'a case of another service',
		as: physio,
		input: () => ({ id: hidden.case }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.update',
		what: 'a case of another service',
		as: physio,
		input: () => ({ id: hidden.case, version: 1, name: 'Mine now', limitKind: 'unlimited' }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.close',
		what: 'a case of another service',
		as: physio,
		input: () => ({ id: hidden.case, version: 1 }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.reopen',
		what: 'a case of another service',
		as: physio,
		input: () => ({ id: hidden.case, version: 1 }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.merge',
		what: 'a hidden case merged into a visible one',
		as: physio,
		input: () => ({ sourceId: hidden.case, targetId: own.caseA }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.merge',
		what: 'a visible case merged into a hidden one',
		as: physio,
		input: () => ({ sourceId: own.caseA, targetId: hidden.case }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.addAppointment',
		what: 'an appointment added to a hidden case',
		as: physio,
		input: () => ({ caseId: hidden.case, appointmentId: own.appointmentA }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.addAppointment',
		what: 'an appointment taken out of a hidden case',
		as: physio,
		input: () => ({ caseId: own.caseA, appointmentId: hidden.appointment }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.removeAppointment',
		what: 'an appointment of a hidden case',
		as: physio,
		input: () => ({ caseId: hidden.case, appointmentId: hidden.appointment }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.addAttachment',
		what: 'a file attached to a hidden case',
		as: physio,
		input: () => attachmentForm(hidden.case),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.removeAttachment',
		what: 'a file of a hidden case',
		as: physio,
		input: () => ({ caseId: hidden.case, attachmentId: hidden.attachment }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.create',
		what: 'a new case taking an appointment of a hidden case',
		as: physio,
		input: () => ({
			patientId: own.patientA,
			name: 'Taken over',
			limitKind: 'unlimited',
			appointmentIds: [hidden.appointment]
		}),
		code: 'BAD_REQUEST'
	},
	{
		path: 'cases.acknowledge',
		what: 'a case sent to another team',
		as: physio,
		input: () => ({ caseId: hidden.sentCase }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.takeOver',
		what: 'a case sent to another team',
		as: physio,
		input: () => ({ caseId: hidden.sentCase }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.retriage',
		what: 'a case sent to another team',
		as: physio,
		input: () => ({ caseId: hidden.sentCase, priority: 'urgent' }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.comment',
		what: 'a case sent to another team',
		as: physio,
		input: () => ({ caseId: hidden.sentCase, body: 'Reading along' }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.routing',
		what: 'a case sent to another team',
		as: physio,
		input: () => ({ caseId: hidden.sentCase }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.acknowledge',
		what: 'a case of another service',
		as: physio,
		input: () => ({ caseId: hidden.case }),
		code: 'NOT_FOUND'
	},
	{
		path: 'appointments.create',
		what: 'a booking onto a hidden case',
		as: physio,
		input: () => ({
			patientId: own.patientA,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot(),
			case: { mode: 'existing', caseId: hidden.case, bodyPartIds: [] }
		}),
		code: 'NOT_FOUND'
	},
	{
		path: 'appointments.reschedule',
		what: 'an appointment on a hidden case',
		as: physio,
		input: () => ({ id: hidden.appointment, version: 1, startsAt: nextSlot(), durationMinutes: 45 }),
		code: 'NOT_FOUND'
	},
	{
		path: 'appointments.setStatus',
		what: 'an appointment on a hidden case',
		as: physio,
		input: () => ({ id: hidden.appointment, version: 1, status: 'did_not_arrive' }),
		code: 'NOT_FOUND'
	},
	{
		path: 'appointments.cancel',
		what: 'an appointment on a hidden case',
		as: physio,
		input: () => ({ id: hidden.appointment, version: 1, reason: 'Not mine' }),
		code: 'NOT_FOUND'
	},
	{
		path: 'appointments.invoice',
		what: 'an appointment on a hidden case',
		as: physio,
		input: () => ({ id: hidden.appointment, version: 1, amountCents: 1 }),
		code: 'NOT_FOUND'
	},
	{
		path: 'appointments.updateNotes',
		what: 'an appointment on a hidden case',
		as: physio,
		input: () => ({ id: hidden.appointment, version: 1, notes: 'Overwritten' }),
		code: 'NOT_FOUND'
	},
	{
		path: 'teams.get',
		what: 'a team they are not in',
		as: physio,
		input: () => ({ id: hidden.team }),
		code: 'NOT_FOUND'
	},
	{
		path: 'admin.caseTemplates.get',
		what: 'a template of another service',
		as: physio,
		input: () => ({ id: hidden.template }),
		code: 'NOT_FOUND'
	},
	{
		path: 'apiKeys.revoke',
		what: 'a colleague’s API key',
		as: physio,
		input: () => ({ id: hidden.apiKey }),
		code: 'NOT_FOUND'
	},
	{
		path: 'account.endSession',
		what: 'a colleague’s session',
		as: physio,
		input: () => ({ id: hidden.session }),
		code: 'NOT_FOUND'
	},
	{
		path: 'referrer.case',
		what: 'another referrer’s case',
		as: () => otherReferrer,
		input: () => ({ caseId: hidden.sentCase }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.addAttachment',
		what: 'a file attached to another referrer’s case',
		as: () => otherReferrer,
		input: () => attachmentForm(hidden.sentCase),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.send',
		what: 'a referral naming a clinic patient (referrers cannot browse patients)',
		as: () => otherReferrer,
		input: () => ({
			subject: 'About your patient',
			teamIds: [hidden.team],
			priority: 'high',
			patientId: own.patientA
		}),
		code: 'BAD_REQUEST'
	}
];

const scheduler = () => clinic.scheduler;
const crossPatient: Probe[] = [
	{
		path: 'cases.addAppointment',
		what: 'patient B’s appointment added to patient A’s case',
		as: scheduler,
		input: () => ({ caseId: own.caseA, appointmentId: own.appointmentB }),
		code: 'BAD_REQUEST'
	},
	{
		path: 'cases.removeAppointment',
		what: 'patient B’s appointment removed through patient A’s case',
		as: scheduler,
		input: () => ({ caseId: own.caseA, appointmentId: own.appointmentB }),
		code: 'NOT_FOUND'
	},
	{
		path: 'cases.merge',
		what: 'cases of two patients merged',
		as: scheduler,
		input: () => ({ sourceId: own.caseB, targetId: own.caseA }),
		code: 'BAD_REQUEST'
	},
	{
		path: 'cases.create',
		what: 'a case of patient A taking patient B’s appointment',
		as: scheduler,
		input: () => ({
			patientId: own.patientA,
			name: 'Mixed up',
			limitKind: 'unlimited',
			appointmentIds: [own.appointmentB]
		}),
		code: 'BAD_REQUEST'
	},
	{
		path: 'cases.removeAttachment',
		what: 'a file of another case removed through patient B’s case',
		as: () => clinic.admin,
		input: () => ({ caseId: own.caseB, attachmentId: hidden.attachment }),
		code: 'NOT_FOUND'
	},
	{
		path: 'appointments.create',
		what: 'patient A booked onto patient B’s case',
		as: scheduler,
		input: () => ({
			patientId: own.patientA,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot(),
			case: { mode: 'existing', caseId: own.caseB, bodyPartIds: [] }
		}),
		code: 'BAD_REQUEST'
	},
	{
		path: 'appointments.reserve',
		what: 'a slot for patient A reserved on patient B’s case',
		as: scheduler,
		input: () => ({
			patientId: own.patientA,
			caseId: own.caseB,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot()
		}),
		code: 'BAD_REQUEST'
	},
	{
		path: 'appointments.reserveWithCase',
		what: 'a slot for patient A reserved on patient B’s case, adding a body part to it',
		as: scheduler,
		input: () => ({
			patientId: own.patientA,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot(),
			case: { mode: 'existing', caseId: own.caseB, bodyPartIds: [clinic.lumbar.id] }
		}),
		code: 'BAD_REQUEST'
	}
];

async function call(user: User, path: string, input: unknown): Promise<unknown> {
	let target: unknown = callerFor(db.em(), user);
	for (const key of path.split('.')) target = (target as Record<string, unknown>)[key];
	return (target as (input: unknown) => Promise<unknown>)(input);
}

describe('another user’s records', () => {
	it.each(probes.map((p) => [`${p.path}: ${p.what}`, p] as const))('refuses %s', async (_label, probe) => {
		const before = await theirRows();
		const failure = await failureOf(call(probe.as(), probe.path, probe.input()));
		expect(failure.code, failure.message).toBe(probe.code);
		expect(await theirRows()).toEqual(before);
	});

	it('keeps hidden cases out of every list and search a practitioner sees', async () => {
		const api = callerFor(db.em(), clinic.physio);
		const ids = (items: { id: string }[]) => items.map((c) => c.id);
		const ofPatient = await api.cases.find({ patientId: own.patientA, status: 'all' });
		expect(ids(ofPatient.items)).toContain(own.caseA);
		expect(ids(ofPatient.items)).not.toContain(hidden.case);
		expect((await api.cases.find({ search: hidden.caseName, status: 'all' })).items).toEqual([]);
		expect((await api.cases.find({ templateId: hidden.template, status: 'all' })).items).toEqual([]);
		const matching = await api.appointments.matchingCases({
			patientId: own.patientA,
			bodyPartIds: [clinic.leftShoulder.id]
		});
		expect(ids(matching)).toContain(own.caseA);
		expect(ids(matching)).not.toContain(hidden.case);
		expect(ids((await api.cases.inbox({ teamId: hidden.team, include: 'all' })).items)).not.toContain(
			hidden.sentCase
		);
		expect(ids(await api.apiKeys.find())).not.toContain(hidden.apiKey);
		expect(ids(await api.account.sessions())).not.toContain(hidden.session);
		expect(ids((await callerFor(db.em(), otherReferrer).referrer.cases({})).items)).toEqual([]);
		// The download route asks the same service.
		await expect(
			getCaseAttachment(db.em(), actorFor(clinic.physio), {
				caseId: hidden.case,
				attachmentId: hidden.attachment
			})
		).rejects.toMatchObject({ code: 'NOT_FOUND' });
	});

	it('still lets the people it belongs to in (the probes above are not refused for every caller)', async () => {
		const outsider = callerFor(db.em(), clinic.outsider);
		expect((await outsider.cases.get({ id: hidden.case })).id).toBe(hidden.case);
		expect((await outsider.teams.get({ id: hidden.team })).id).toBe(hidden.team);
		expect((await outsider.cases.routing({ caseId: hidden.sentCase }))?.id).toBe(hidden.sentCase);
		expect((await callerFor(db.em(), referrer).referrer.case({ caseId: hidden.sentCase })).id).toBe(
			hidden.sentCase
		);
		expect((await callerFor(db.em(), clinic.physio).cases.get({ id: own.caseA })).id).toBe(own.caseA);
	});
});

describe('another patient’s records', () => {
	it.each(crossPatient.map((p) => [`${p.path}: ${p.what}`, p] as const))(
		'refuses %s',
		async (_label, probe) => {
			const before = await theirRows();
			const failure = await failureOf(call(probe.as(), probe.path, probe.input()));
			expect(failure.code, failure.message).toBe(probe.code);
			expect(await theirRows()).toEqual(before);
		}
	);
});

/**
 * Procedures that take a record id but need no owner check, and why. Anything taking an id that is
 * neither here nor probed above fails the walk below: adding one is a security decision.
 */
const NOT_OWNER_SCOPED: Record<string, string> = {
	'patients.get': 'every staff role with patient access works with every patient of the clinic',
	'patients.update': 'every staff role with patient access works with every patient of the clinic',
	'patients.create': 'references (concession type, referring doctor) are clinic-wide lists',
	'patients.archive': 'every staff role with patient access works with every patient of the clinic',
	'patients.unarchive': 'every staff role with patient access works with every patient of the clinic',
	'patients.delete': 'every staff role with patient access works with every patient of the clinic',
	'patients.checkDuplicates': 'finds likely duplicates among all the clinic’s patients',
	'reminders.forAppointment':
		'every staff member sees every appointment of the clinic (its case name is what is scoped, and reminders name none)',
	'reminders.forPatient': 'every staff role with patient access works with every patient of the clinic',
	'contacts.get': 'referring doctors and other contacts are the clinic’s, shared by staff',
	'contacts.update': 'referring doctors and other contacts are the clinic’s, shared by staff',
	'contacts.archive': 'referring doctors and other contacts are the clinic’s, shared by staff',
	'contacts.unarchive': 'referring doctors and other contacts are the clinic’s, shared by staff',
	'services.get': 'the clinic’s vocabulary, the same for all staff',
	'appointmentTypes.find': 'the clinic’s vocabulary, the same for all staff',
	'appointmentTypes.get': 'the clinic’s vocabulary, the same for all staff',
	'appointments.find': 'the calendar is shared by all staff; changing a booking on a case is probed',
	'appointments.get': 'the calendar is shared by all staff; changing a booking on a case is probed',
	'appointments.matchingCases': 'a list: checked above to leave out hidden cases',
	'cases.find': 'a list: checked above to leave out hidden cases',
	'cases.inbox': 'a list: checked above to show only the caller’s teams',
	'reports.dashboard':
		'teamId / practitionerId are filters of counts: a practitioner asking for anyone else’s figures is refused (reports.integration.test.ts)',
	'reports.chart':
		'teamId / practitionerId are filters of counts: a practitioner asking for anyone else’s figures is refused (reports.integration.test.ts)',
	'portalLinks.send': 'any staff member may send any patient a sign-in link, to the patient’s own address',
	'portal.requestAppointment': 'portal.integration.test.ts: one patient never reaches another’s records',
	'portal.withdrawRequest': 'portal.integration.test.ts: one patient never reaches another’s records',
	'portal.reservation': 'portal.integration.test.ts: one patient never reaches another’s records',
	'portal.confirmReservation': 'portal.integration.test.ts: one patient never reaches another’s records',
	'portal.declineReservation': 'portal.integration.test.ts: one patient never reaches another’s records',
	'admin.noteTemplates.get': 'note templates are the clinic’s vocabulary, the same for all staff'
};

describe('every procedure that takes a record id', () => {
	const procedures = Object.entries(
		appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta; inputs: unknown[] } }>
	).map(([path, p]) => ({
		path,
		meta: p._def.meta,
		// The attachment upload is multipart: its case id is a form field.
		keys: path === 'cases.addAttachment' ? ['caseId'] : inputKeys(p._def.inputs[0])
	}));
	const takingIds = procedures.filter((p) => p.keys.some((k) => /(^id|Id|Ids)$/.test(k)));

	it('finds them', () => {
		expect(takingIds.length).toBeGreaterThan(40);
	});

	it.each(takingIds.map((p) => [p.path, p] as const))(
		'%s is probed with someone else’s id, or needs no owner check',
		(path, p) => {
			const probed = [...probes, ...crossPatient].some((probe) => probe.path === path);
			// Admins see every record; schedulers see every case, request and reservation.
			const roles = p.meta?.roles ?? [];
			const isForAllSeeingRoles = roles.length > 0 && roles.every((r) => r === 'admin' || r === 'scheduler');
			expect(
				probed || isForAllSeeingRoles || path in NOT_OWNER_SCOPED,
				`${path} takes ${p.keys.join(', ')}: probe it above with another user’s id, or say in NOT_OWNER_SCOPED why it needs no owner check`
			).toBe(true);
		}
	);
});
