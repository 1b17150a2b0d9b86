// Treatment note templates (issue 22): admins define them; every edit is a new version, so notes
// already written keep the questions they were written with. A template names the case templates
// whose cases offer it first.
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import type { Em } from '../db/orm.ts';
import { escapeLike } from '../db/like.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError, notFound } from '../errors.ts';
import type { Section } from '../../schemas/clinical-notes.ts';
import {
	createNoteTemplateInput,
	findNoteTemplatesInput,
	updateNoteTemplateInput,
	type CreateNoteTemplateInput,
	type UpdateNoteTemplateInput
} from './clinical-notes.schemas.ts';
import { CaseTemplateNoteTemplate, NoteTemplate, NoteTemplateVersion } from './note-template.entity.ts';

const DUPLICATE_NAME = 'An active note template already has this name';

export interface NoteTemplateView {
	id: string;
	name: string;
	isActive: boolean;
	currentVersion: number;
	sections: Section[];
	caseTemplates: { id: string; name: string }[];
	version: number;
}

async function viewOf(em: Em, template: NoteTemplate): Promise<NoteTemplateView> {
	const [current, links] = await Promise.all([
		em.findOneOrFail(NoteTemplateVersion, { template: template.id, number: template.currentVersion }),
		em.find(CaseTemplateNoteTemplate, { noteTemplate: template.id }, { populate: ['caseTemplate'] })
	]);
	return {
		id: template.id,
		name: template.name,
		isActive: template.isActive,
		currentVersion: template.currentVersion,
		sections: current.sections,
		caseTemplates: links
			.map((l) => ({ id: l.caseTemplate.id, name: l.caseTemplate.name }))
			.sort((a, b) => a.name.localeCompare(b.name)),
		version: template.version
	};
}

export async function findNoteTemplates(em: Em, _actor: Actor, raw: unknown = {}) {
	const input = findNoteTemplatesInput.parse(raw ?? {});
	const templates = await em.find(NoteTemplate, input.includeArchived ? {} : { isActive: true }, {
		orderBy: { isActive: 'desc', name: 'asc', id: 'asc' }
	});
	return Promise.all(templates.map((t) => viewOf(em, t)));
}

export async function getNoteTemplate(em: Em, _actor: Actor, id: string): Promise<NoteTemplateView> {
	const template = await em.findOne(NoteTemplate, { id }, { refresh: true });
	if (!template) throw notFound('Note template');
	return viewOf(em, template);
}

/** What the template form offers: the active case templates. */
export async function noteTemplateFormOptions(em: Em) {
	const caseTemplates = await em.find(
		CaseTemplate,
		{ isActive: true },
		{ orderBy: { name: 'asc', id: 'asc' } }
	);
	return { caseTemplates: caseTemplates.map((t) => ({ id: t.id, name: t.name })) };
}

async function assertNameFree(tx: Em, name: string, selfId: string | null) {
	const clash = await tx.findOne(NoteTemplate, {
		name: { $ilike: escapeLike(name) },
		isActive: true,
		...(selfId ? { id: { $ne: selfId } } : {})
	});
	if (clash) throw new AppError('CONFLICT', DUPLICATE_NAME, { fieldErrors: { name: [DUPLICATE_NAME] } });
}

async function setCaseTemplates(tx: Em, template: NoteTemplate, ids: string[]) {
	const found = ids.length ? await tx.find(CaseTemplate, { id: { $in: ids } }) : [];
	if (found.length !== ids.length) {
		throw new AppError('BAD_REQUEST', 'Some fields need attention', {
			fieldErrors: { caseTemplateIds: ['Choose case templates from the list'] }
		});
	}
	await tx.nativeDelete(CaseTemplateNoteTemplate, { noteTemplate: template.id });
	for (const ct of found) tx.create(CaseTemplateNoteTemplate, { caseTemplate: ct, noteTemplate: template });
}

export async function createNoteTemplate(em: Em, actor: Actor, raw: CreateNoteTemplateInput) {
	const input = createNoteTemplateInput.parse(raw);
	const id = await em.transactional(async (tx) => {
		await assertNameFree(tx, input.name, null);
		const template = tx.create(NoteTemplate, { name: input.name, currentVersion: 1 });
		await tx.flush();
		tx.create(NoteTemplateVersion, {
			template,
			number: 1,
			name: input.name,
			sections: input.sections,
			createdBy: actor.user ? tx.getReference(User, actor.user.id) : null
		});
		await setCaseTemplates(tx, template, input.caseTemplateIds);
		recordAudit(tx, actor, {
			action: 'note_template.create',
			recordType: 'note_template',
			recordId: template.id
		});
		await tx.flush();
		return template.id;
	});
	return getNoteTemplate(em, actor, id);
}

/** Saves the form as the template's next version; notes keep the version they were written with. */
export async function updateNoteTemplate(em: Em, actor: Actor, raw: UpdateNoteTemplateInput) {
	const input = updateNoteTemplateInput.parse(raw);
	await em.transactional(async (tx) => {
		const template = await tx.findOne(NoteTemplate, { id: input.id }, { refresh: true });
		if (!template) throw notFound('Note template');
		assertVersion(template, input.version, 'note template');
		if (template.isActive) await assertNameFree(tx, input.name, template.id);
		const next = template.currentVersion + 1;
		template.name = input.name;
		template.currentVersion = next;
		tx.create(NoteTemplateVersion, {
			template,
			number: next,
			name: input.name,
			sections: input.sections,
			createdBy: actor.user ? tx.getReference(User, actor.user.id) : null
		});
		await setCaseTemplates(tx, template, input.caseTemplateIds);
		recordAudit(tx, actor, {
			action: 'note_template.update',
			recordType: 'note_template',
			recordId: template.id,
			details: { version: next }
		});
		await tx.flush();
	});
	return getNoteTemplate(em, actor, input.id);
}

export async function setNoteTemplateArchived(em: Em, actor: Actor, id: string, archived: boolean) {
	await em.transactional(async (tx) => {
		const template = await tx.findOne(NoteTemplate, { id }, { refresh: true });
		if (!template) throw notFound('Note template');
		if (!archived) await assertNameFree(tx, template.name, template.id);
		template.isActive = !archived;
		recordAudit(tx, actor, {
			action: archived ? 'note_template.archive' : 'note_template.unarchive',
			recordType: 'note_template',
			recordId: template.id
		});
		await tx.flush();
	});
	return getNoteTemplate(em, actor, id);
}
