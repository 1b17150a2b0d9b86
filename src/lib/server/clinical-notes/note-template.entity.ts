// Treatment note templates (issue 22): an admin-defined form of sections and questions. Templates
// are versioned: every edit adds a NoteTemplateVersion, and a note keeps the version it was written
// with, so editing a template never changes a note already written.
import { defineEntity, p } from '@mikro-orm/postgresql';
import type { Section } from '../../schemas/clinical-notes.ts';
import { User } from '../auth/user.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';

const NoteTemplateSchema = defineEntity({
	name: 'NoteTemplate',
	tableName: 'note_template',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		name: p.string().length(120),
		isActive: p.boolean().default(true),
		/** The number of the newest version (what new notes are written with). */
		currentVersion: p.integer().default(1),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	},
	indexes: [
		{
			name: 'note_template_active_name_unique',
			expression:
				'create unique index "note_template_active_name_unique" on "note_template" (lower("name")) where "is_active"'
		}
	]
});
export class NoteTemplate extends NoteTemplateSchema.class {}
NoteTemplateSchema.setClass(NoteTemplate);

/** One immutable version of a template: its name and sections as they were then. */
const NoteTemplateVersionSchema = defineEntity({
	name: 'NoteTemplateVersion',
	tableName: 'note_template_version',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		template: () => p.manyToOne(NoteTemplate).deleteRule('cascade'),
		number: p.integer(),
		name: p.string().length(120),
		sections: p.json<Section[]>(),
		createdBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
		createdAt: p.datetime().onCreate(() => new Date())
	},
	uniques: [{ properties: ['template', 'number'] }]
});
export class NoteTemplateVersion extends NoteTemplateVersionSchema.class {}
NoteTemplateVersionSchema.setClass(NoteTemplateVersion);

/** The note templates a case template's practitioners use, offered first on its cases. */
const CaseTemplateNoteTemplateSchema = defineEntity({
	name: 'CaseTemplateNoteTemplate',
	tableName: 'case_template_note_template',
	properties: {
		caseTemplate: () => p.manyToOne(CaseTemplate).primary().deleteRule('cascade'),
		noteTemplate: () => p.manyToOne(NoteTemplate).primary().deleteRule('cascade')
	}
});
export class CaseTemplateNoteTemplate extends CaseTemplateNoteTemplateSchema.class {}
CaseTemplateNoteTemplateSchema.setClass(CaseTemplateNoteTemplate);

export { NoteTemplateSchema, NoteTemplateVersionSchema, CaseTemplateNoteTemplateSchema };
