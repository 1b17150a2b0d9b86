// Treatment notes and goals on a case (issue 22). A note is its author's draft (saved while they
// type, each save one revision) until finalised: then it is signed and never changed (the database
// refuses it too), and a correction is an amendment. Final notes are read by whoever may see the
// case (cases/case-access.queries.ts); referrers never reach these procedures. Every read and write
// is audited. Goals belong to the case (a shared case's services share them); their values come
// from the baseline and from the number / scale answers of final notes linked to them.
import { recordAudit, recordAuditNow } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { loadVisibleCase } from '../cases/case-access.queries.ts';
import type { Case } from '../cases/case.entity.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError, notFound, type FieldErrors } from '../errors.ts';
import {
	BLANK_SECTIONS,
	MEASURED_KINDS,
	type Answer,
	type Answers,
	type GoalMeasure,
	type GoalStatus,
	type Question,
	type Section
} from '../../schemas/clinical-notes.ts';
import { ClinicalNote, type NoteStatus } from './clinical-note.entity.ts';
import { CaseGoal, GoalEvent, GoalValue } from './case-goal.entity.ts';
import {
	amendNoteInput,
	caseIdInput,
	createGoalInput,
	createNoteInput,
	finaliseNoteInput,
	idInput,
	saveDraftInput,
	updateGoalInput,
	type CreateGoalInput,
	type SaveDraftInput
} from './clinical-notes.schemas.ts';
import { CaseTemplateNoteTemplate, NoteTemplate, NoteTemplateVersion } from './note-template.entity.ts';

function staffUser(actor: Actor) {
	const user = actor.user;
	if (!user || user.kind !== 'staff') throw new AppError('FORBIDDEN', 'This is for clinic staff only.');
	return user;
}

function invalid(fieldErrors: FieldErrors, message = 'Some fields need attention'): AppError {
	return new AppError('BAD_REQUEST', message, { fieldErrors });
}

// ---------------------------------------------------------------------------------------------
// Views.

export interface NoteSummaryView {
	id: string;
	title: string;
	status: NoteStatus;
	author: { id: string; name: string };
	templateName: string | null;
	templateVersion: number | null;
	appointment: { id: string; startsAt: Date } | null;
	amendsId: string | null;
	signedAt: Date | null;
	signedByName: string | null;
	createdAt: Date;
	updatedAt: Date;
}

export interface NoteView extends NoteSummaryView {
	caseId: string;
	caseName: string;
	sections: Section[];
	answers: Answers;
	goalLinks: Record<string, string>;
	revision: number;
	isMine: boolean;
	/** Amendments of this note, oldest first (final ones, and the caller's own drafts). */
	amendments: NoteSummaryView[];
	/** The note this one amends. */
	amends: NoteSummaryView | null;
}

export interface GoalView {
	id: string;
	description: string;
	measure: GoalMeasure;
	unit: string | null;
	baseline: number;
	target: number;
	targetDate: string | null;
	status: GoalStatus;
	version: number;
	/** Oldest first: the baseline, then each final note's answer. */
	values: { at: Date; value: number; noteId: string | null }[];
	latest: number;
}

function noteSummary(note: ClinicalNote): NoteSummaryView {
	return {
		id: note.id,
		title: note.title,
		status: note.status,
		author: { id: note.author.id, name: note.author.name },
		templateName: note.templateVersion?.name ?? null,
		templateVersion: note.templateVersion?.number ?? null,
		appointment: note.appointment ? { id: note.appointment.id, startsAt: note.appointment.startsAt } : null,
		amendsId: note.amends?.id ?? null,
		signedAt: note.signedAt ?? null,
		signedByName: note.signedByName ?? null,
		createdAt: note.createdAt,
		updatedAt: note.updatedAt
	};
}

const NOTE_POPULATE = ['author', 'templateVersion', 'appointment', 'case'] as const;

/** Final notes, and the caller's own drafts: never anyone else's draft. */
function readableBy(userId: string) {
	return { $or: [{ status: 'final' as const }, { author: userId }] };
}

/** A note the actor may read: its case visible to them, and final or their own draft. */
async function loadReadableNote(em: Em, actor: Actor, id: string): Promise<ClinicalNote> {
	const user = staffUser(actor);
	const note = await em.findOne(
		ClinicalNote,
		{ $and: [{ id }, readableBy(user.id)] },
		{ populate: NOTE_POPULATE, refresh: true }
	);
	if (!note) throw notFound('Note');
	await loadVisibleCase(em, actor, note.case.id);
	return note;
}

/** The caller's own draft, for changing it. */
async function loadOwnDraft(tx: Em, actor: Actor, id: string): Promise<ClinicalNote> {
	const note = await loadReadableNote(tx, actor, id);
	if (note.status === 'final')
		throw new AppError('CONFLICT', 'This note is final: it cannot be changed, only amended.');
	if (note.author.id !== actor.user!.id) throw notFound('Note');
	return note;
}

function sectionsOf(note: ClinicalNote): Section[] {
	return note.templateVersion?.sections ?? BLANK_SECTIONS;
}

// ---------------------------------------------------------------------------------------------
// Reading.

export async function getNote(em: Em, actor: Actor, raw: unknown): Promise<NoteView> {
	const { id } = idInput.parse(raw);
	const note = await loadReadableNote(em, actor, id);
	const userId = actor.user!.id;
	const amendments = await em.find(
		ClinicalNote,
		{ $and: [{ amends: note.id }, readableBy(userId)] },
		{ populate: NOTE_POPULATE, orderBy: { createdAt: 'asc', id: 'asc' } }
	);
	const amends = note.amends
		? await em.findOne(ClinicalNote, { id: note.amends.id }, { populate: NOTE_POPULATE })
		: null;
	await recordAuditNow(em, actor, {
		action: 'clinical_note.read',
		recordType: 'clinical_note',
		recordId: note.id,
		details: { caseId: note.case.id }
	});
	return {
		...noteSummary(note),
		caseId: note.case.id,
		caseName: note.case.name,
		sections: sectionsOf(note),
		answers: note.answers,
		goalLinks: note.goalLinks,
		revision: note.revision,
		isMine: note.author.id === userId,
		amendments: amendments.map(noteSummary),
		amends: amends ? noteSummary(amends) : null
	};
}

function goalView(goal: CaseGoal, values: GoalValue[]): GoalView {
	const own = values
		.filter((v) => v.goal.id === goal.id)
		.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || Number(a.id) - Number(b.id))
		.map((v) => ({ at: v.recordedAt, value: Number(v.value), noteId: v.note?.id ?? null }));
	return {
		id: goal.id,
		description: goal.description,
		measure: goal.measure,
		unit: goal.unit ?? null,
		baseline: Number(goal.baseline),
		target: Number(goal.target),
		targetDate: goal.targetDate ? String(goal.targetDate) : null,
		status: goal.status,
		version: goal.version,
		values: own,
		latest: own.length ? own[own.length - 1]!.value : Number(goal.baseline)
	};
}

export async function goalsOfCase(em: Em, caseId: string): Promise<GoalView[]> {
	const goals = await em.find(CaseGoal, { case: caseId }, { orderBy: { createdAt: 'asc', id: 'asc' } });
	const values = goals.length ? await em.find(GoalValue, { goal: { $in: goals.map((g) => g.id) } }) : [];
	return goals.map((g) => goalView(g, values));
}

export interface TimelineItem {
	at: Date;
	kind: 'appointment' | 'note' | 'goal' | 'team';
	text: string;
	href: string | null;
}

/** A routing event on the case timeline: "Team case acknowledged", "Linked to a patient record". */
function teamEventTitle(kind: string): string {
	return kind === 'patient_linked' ? 'Linked to a patient record' : `Team case ${kind.replaceAll('_', ' ')}`;
}

/**
 * Everything of a case that clinicians document, in one call: its notes (final ones and the caller's
 * drafts), goals with their values, the note templates to write from (the case template's first),
 * and the case's timeline. Audited as one read of the case's notes.
 */
export async function caseClinical(em: Em, actor: Actor, raw: unknown) {
	const { caseId } = caseIdInput.parse(raw);
	const user = staffUser(actor);
	const caseRow = await loadVisibleCase(em, actor, caseId);
	const [notes, goals, templates, appointments, goalEvents, teamEvents] = await Promise.all([
		em.find(
			ClinicalNote,
			{ $and: [{ case: caseId }, readableBy(user.id)] },
			{ populate: NOTE_POPULATE, orderBy: { createdAt: 'desc', id: 'desc' } }
		),
		goalsOfCase(em, caseId),
		noteTemplatesForCase(em, caseRow),
		em.find(
			Appointment,
			{ case: caseId },
			{ populate: ['appointmentType', 'practitioner'], orderBy: { startsAt: 'asc' } }
		),
		em.find(GoalEvent, { goal: { case: caseId } }, { populate: ['goal'], orderBy: { at: 'asc' } }),
		em.execute<{ kind: string; created_at: Date; actor_name: string | null }[]>(
			`select e.kind, e.created_at, u.name as actor_name from case_event e left join app_user u on u.id = e.actor_id
			 where e.case_id = ? and e.kind in ('sent', 'escalated', 'acknowledged', 'taken_over', 'retriaged', 'patient_linked')
			 order by e.created_at, e.id`,
			[caseId]
		)
	]);
	const timeline: TimelineItem[] = [
		...appointments.map((a) => ({
			at: a.startsAt,
			kind: 'appointment' as const,
			text: `${a.appointmentType.name} with ${a.practitioner.name} (${a.status.replaceAll('_', ' ')})`,
			href: null
		})),
		...notes
			.filter((n) => n.status === 'final')
			.map((n) => ({
				at: n.signedAt ?? n.updatedAt,
				kind: 'note' as const,
				text: `${n.amends ? 'Amendment' : 'Note'} “${n.title}” signed by ${n.signedByName ?? n.author.name}`,
				href: `/cases/${caseId}/notes/${n.id}`
			})),
		...goalEvents.map((e) => ({
			at: e.at,
			kind: 'goal' as const,
			text:
				e.kind === 'created'
					? `Goal set: ${e.goal.description}`
					: e.kind === 'status'
						? `Goal “${e.goal.description}” marked ${e.status?.replaceAll('_', ' ')}`
						: `Goal “${e.goal.description}” changed`,
			href: null
		})),
		...teamEvents.map((e) => ({
			at: new Date(e.created_at),
			kind: 'team' as const,
			text: `${teamEventTitle(e.kind)}${e.actor_name ? ` by ${e.actor_name}` : ''}`,
			href: null
		}))
	].sort((a, b) => a.at.getTime() - b.at.getTime());
	await recordAuditNow(em, actor, { action: 'clinical_note.list', recordType: 'case', recordId: caseId });
	return {
		caseId,
		caseName: caseRow.name,
		isOpen: caseRow.status === 'open',
		notes: notes.map(noteSummary),
		goals,
		templates,
		appointments: appointments.map((a) => ({ id: a.id, startsAt: a.startsAt, type: a.appointmentType.name })),
		timeline
	};
}

/** Active note templates, those the case's template names first. */
async function noteTemplatesForCase(em: Em, caseRow: Case) {
	const [all, linked] = await Promise.all([
		em.find(NoteTemplate, { isActive: true }, { orderBy: { name: 'asc', id: 'asc' } }),
		caseRow.template
			? em.find(CaseTemplateNoteTemplate, { caseTemplate: caseRow.template.id })
			: Promise.resolve([] as CaseTemplateNoteTemplate[])
	]);
	const first = new Set(linked.map((l) => l.noteTemplate.id));
	return [...all]
		.map((t) => ({ id: t.id, name: t.name, isSuggested: first.has(t.id) }))
		.sort((a, b) => Number(b.isSuggested) - Number(a.isSuggested));
}

// ---------------------------------------------------------------------------------------------
// Writing notes.

export async function createNote(em: Em, actor: Actor, raw: unknown): Promise<{ id: string }> {
	const input = createNoteInput.parse(raw);
	const user = staffUser(actor);
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.caseId);
		let version: NoteTemplateVersion | null = null;
		if (input.templateId) {
			const template = await tx.findOne(NoteTemplate, { id: input.templateId, isActive: true });
			if (!template) throw invalid({ templateId: ['Choose a note template from the list'] });
			version = await tx.findOneOrFail(NoteTemplateVersion, {
				template: template.id,
				number: template.currentVersion
			});
		}
		let appointment: Appointment | null = null;
		if (input.appointmentId) {
			appointment = await tx.findOne(Appointment, { id: input.appointmentId, case: caseRow.id });
			if (!appointment) throw invalid({ appointmentId: ['Choose one of this case’s appointments'] });
		}
		const note = tx.create(ClinicalNote, {
			case: caseRow,
			appointment,
			author: tx.getReference(User, user.id),
			templateVersion: version,
			title: version?.name ?? 'Note',
			answers: {},
			goalLinks: {},
			status: 'draft',
			revision: 1
		});
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'clinical_note.create',
			recordType: 'clinical_note',
			recordId: note.id,
			details: { caseId: caseRow.id }
		});
		await tx.flush();
		return { id: note.id };
	});
}

/** A correction of a final note: a new draft with the same questions and answers, pointing at it. */
export async function amendNote(em: Em, actor: Actor, raw: unknown): Promise<{ id: string }> {
	const { id } = amendNoteInput.parse(raw);
	const user = staffUser(actor);
	return em.transactional(async (tx) => {
		const original = await loadReadableNote(tx, actor, id);
		if (original.status !== 'final')
			throw new AppError('CONFLICT', 'Only a final note is amended; edit the draft instead.');
		const note = tx.create(ClinicalNote, {
			case: original.case,
			appointment: original.appointment ?? null,
			author: tx.getReference(User, user.id),
			templateVersion: original.templateVersion ?? null,
			title: `Amendment: ${original.title}`.slice(0, 200),
			answers: original.answers,
			goalLinks: {},
			amends: original,
			status: 'draft',
			revision: 1
		});
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'clinical_note.amend',
			recordType: 'clinical_note',
			recordId: note.id,
			details: { caseId: original.case.id, amends: original.id }
		});
		await tx.flush();
		return { id: note.id };
	});
}

function questionsOf(sections: Section[]): Map<string, Question> {
	return new Map(sections.flatMap((s) => s.questions.map((q) => [q.id, q] as const)));
}

/** Answers that fit their questions; each mismatch named by question id. */
function checkAnswers(sections: Section[], answers: Answers): FieldErrors {
	const questions = questionsOf(sections);
	const errors: FieldErrors = {};
	for (const [id, answer] of Object.entries(answers)) {
		const q = questions.get(id);
		if (!q) {
			errors[`answers.${id}`] = ['This question is not on the note'];
			continue;
		}
		const problem = answerProblem(q, answer);
		if (problem) errors[`answers.${id}`] = [problem];
	}
	return errors;
}

function answerProblem(q: Question, answer: Answer): string | null {
	if (answer === null) return null;
	switch (q.kind) {
		case 'text':
			return typeof answer === 'string' && answer.length <= 500 ? null : 'Use at most 500 characters';
		case 'paragraph':
			return typeof answer === 'string' ? null : 'Enter text';
		case 'date':
			return typeof answer === 'string' && (answer === '' || /^\d{4}-\d{2}-\d{2}$/.test(answer))
				? null
				: 'Enter a date';
		case 'number':
			return typeof answer === 'number' ? null : 'Enter a number';
		case 'scale':
			return typeof answer === 'number' && Number.isInteger(answer) && answer >= 0 && answer <= 10
				? null
				: 'Choose from 0 to 10';
		case 'checkboxes':
		case 'radio': {
			if (typeof answer !== 'object') return 'Choose from the options';
			if (answer.selected.some((s) => !q.options.includes(s))) return 'Choose from the options';
			if (q.kind === 'radio' && answer.selected.length + (answer.other ? 1 : 0) > 1) return 'Choose one';
			if (answer.other && !(q.kind === 'radio' && q.allowOther)) return 'This question has no “Other”';
			return null;
		}
	}
}

async function checkGoalLinks(
	tx: Em,
	note: ClinicalNote,
	links: Record<string, string>
): Promise<FieldErrors> {
	const questions = questionsOf(sectionsOf(note));
	const errors: FieldErrors = {};
	const goalIds = [...new Set(Object.values(links))];
	const goals = goalIds.length ? await tx.find(CaseGoal, { id: { $in: goalIds }, case: note.case.id }) : [];
	const byId = new Map(goals.map((g) => [g.id, g]));
	for (const [questionId, goalId] of Object.entries(links)) {
		const q = questions.get(questionId);
		const goal = byId.get(goalId);
		if (!q || !MEASURED_KINDS.includes(q.kind))
			errors[`goalLinks.${questionId}`] = ['Only a number or scale answer is linked to a goal'];
		else if (!goal) errors[`goalLinks.${questionId}`] = ['Choose one of this case’s goals'];
		else if ((goal.measure === 'scale') !== (q.kind === 'scale'))
			errors[`goalLinks.${questionId}`] = [
				goal.measure === 'scale'
					? 'This goal is measured on a 0–10 scale'
					: 'This goal is measured as a number'
			];
	}
	return errors;
}

/** Autosave: the editor sends the whole draft with the revision it last had. */
export async function saveDraft(em: Em, actor: Actor, raw: SaveDraftInput) {
	const input = saveDraftInput.parse(raw);
	staffUser(actor);
	return em.transactional(async (tx) => {
		const note = await loadOwnDraft(tx, actor, input.id);
		if (note.revision !== input.revision)
			throw new AppError(
				'CONFLICT',
				'This draft was saved from another window since. Reload to see the latest.',
				{
					details: { revision: note.revision }
				}
			);
		const errors = {
			...checkAnswers(sectionsOf(note), input.answers),
			...(await checkGoalLinks(tx, note, input.goalLinks))
		};
		if (Object.keys(errors).length) throw invalid(errors);
		note.title = input.title;
		note.answers = input.answers;
		note.goalLinks = input.goalLinks;
		note.revision += 1;
		recordAudit(tx, actor, {
			action: 'clinical_note.save_draft',
			recordType: 'clinical_note',
			recordId: note.id,
			details: { caseId: note.case.id, revision: note.revision }
		});
		await tx.flush();
		return { id: note.id, revision: note.revision, savedAt: note.updatedAt };
	});
}

/** Signs the draft with the author's name and the time; records linked goals' values. */
export async function finaliseNote(em: Em, actor: Actor, raw: unknown, now = new Date()) {
	const input = finaliseNoteInput.parse(raw);
	const user = staffUser(actor);
	await em.transactional(async (tx) => {
		const note = await loadOwnDraft(tx, actor, input.id);
		if (note.revision !== input.revision)
			throw new AppError(
				'CONFLICT',
				'This draft changed since you opened it. Reload, check it, then finalise.'
			);
		const errors = await checkGoalLinks(tx, note, note.goalLinks);
		const values: { goalId: string; questionId: string; value: number }[] = [];
		for (const [questionId, goalId] of Object.entries(note.goalLinks)) {
			const answer = note.answers[questionId];
			if (typeof answer !== 'number')
				errors[`answers.${questionId}`] = ['Answer this question: it records a goal’s progress'];
			else values.push({ goalId, questionId, value: answer });
		}
		if (Object.keys(errors).length) throw invalid(errors, 'This note cannot be finalised yet');
		note.status = 'final';
		note.signedAt = now;
		note.signedByName = user.name;
		for (const v of values)
			tx.create(GoalValue, {
				goal: tx.getReference(CaseGoal, v.goalId),
				value: v.value,
				recordedAt: now,
				note,
				questionId: v.questionId
			});
		recordAudit(tx, actor, {
			action: 'clinical_note.finalise',
			recordType: 'clinical_note',
			recordId: note.id,
			details: { caseId: note.case.id, goalValues: values.length }
		});
		await tx.flush();
	});
	return getNote(em, actor, { id: input.id });
}

export async function discardDraft(em: Em, actor: Actor, raw: unknown) {
	const { id } = idInput.parse(raw);
	return em.transactional(async (tx) => {
		const note = await loadOwnDraft(tx, actor, id);
		const caseId = note.case.id;
		recordAudit(tx, actor, {
			action: 'clinical_note.discard',
			recordType: 'clinical_note',
			recordId: id,
			details: { caseId }
		});
		tx.remove(note);
		await tx.flush();
		return { caseId };
	});
}

// ---------------------------------------------------------------------------------------------
// Goals.

export async function createGoal(em: Em, actor: Actor, raw: CreateGoalInput, now = new Date()) {
	const input = createGoalInput.parse(raw);
	const user = staffUser(actor);
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.caseId);
		const goal = tx.create(CaseGoal, {
			case: caseRow,
			description: input.description,
			measure: input.measure,
			unit: input.measure === 'scale' ? null : input.unit,
			baseline: input.baseline,
			target: input.target,
			targetDate: input.targetDate,
			status: 'in_progress',
			createdBy: tx.getReference(User, user.id)
		});
		tx.create(GoalValue, { goal, value: input.baseline, recordedAt: now, note: null, questionId: null });
		tx.create(GoalEvent, { goal, kind: 'created', status: 'in_progress', actorName: user.name, at: now });
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'case_goal.create',
			recordType: 'case_goal',
			recordId: goal.id,
			details: { caseId: caseRow.id }
		});
		await tx.flush();
		return { id: goal.id };
	});
}

export async function updateGoal(em: Em, actor: Actor, raw: unknown) {
	const input = updateGoalInput.parse(raw);
	const user = staffUser(actor);
	return em.transactional(async (tx) => {
		const goal = await tx.findOne(CaseGoal, { id: input.id }, { refresh: true });
		if (!goal) throw notFound('Goal');
		await loadVisibleCase(tx, actor, goal.case.id);
		assertVersion(goal, input.version, 'goal');
		if (goal.measure === 'scale' && input.target !== undefined && (input.target < 0 || input.target > 10))
			throw invalid({ target: ['On a 0–10 scale: from 0 to 10'] });
		const statusChanged = goal.status !== input.status;
		const changed: string[] = [];
		if (statusChanged) changed.push('status');
		if (input.target !== undefined && input.target !== Number(goal.target)) changed.push('target');
		if (
			input.targetDate !== undefined &&
			input.targetDate !== (goal.targetDate ? String(goal.targetDate) : null)
		)
			changed.push('targetDate');
		goal.status = input.status;
		if (input.target !== undefined) goal.target = input.target;
		if (input.targetDate !== undefined) goal.targetDate = input.targetDate;
		if (changed.length)
			tx.create(GoalEvent, {
				goal,
				kind: statusChanged ? 'status' : 'updated',
				status: statusChanged ? input.status : null,
				actorName: user.name
			});
		recordAudit(tx, actor, {
			action: 'case_goal.update',
			recordType: 'case_goal',
			recordId: goal.id,
			changedFields: changed,
			details: { caseId: goal.case.id }
		});
		await tx.flush();
		return { id: goal.id, caseId: goal.case.id };
	});
}
