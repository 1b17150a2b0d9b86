// A treatment note on a case (issue 22): a draft (its author's alone, saved while typing, each save
// a new revision) until finalised; then signed and immutable. The database refuses any change to a
// final note (trigger clinical_note_final_is_immutable), so no code path can edit one; a correction
// is an amendment: a new note that points at the original, which stays visible.
import { defineEntity, p } from '@mikro-orm/postgresql';
import type { Answers } from '../../schemas/clinical-notes.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { User } from '../auth/user.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { NoteTemplateVersion } from './note-template.entity.ts';

export const NOTE_STATUSES = ['draft', 'final'] as const;
export type NoteStatus = (typeof NOTE_STATUSES)[number];

const ClinicalNoteSchema = defineEntity({
	name: 'ClinicalNote',
	tableName: 'clinical_note',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		case: () => p.manyToOne(Case).deleteRule('restrict').index(),
		appointment: () => p.manyToOne(Appointment).nullable().deleteRule('restrict'),
		author: () => p.manyToOne(User).deleteRule('restrict'),
		/** Null: a blank note (one paragraph, `body`). */
		templateVersion: () => p.manyToOne(NoteTemplateVersion).nullable().deleteRule('restrict'),
		title: p.string().length(200),
		answers: p.json<Answers>(),
		/** Question id → goal id: a number or scale answer recorded as the goal's progress on finalising. */
		goalLinks: p.json<Record<string, string>>(),
		status: p.enum(NOTE_STATUSES).default('draft'),
		/** Each draft save increments it; a save from an older revision is a conflict, not an overwrite. */
		revision: p.integer().default(1),
		amends: () => p.manyToOne(ClinicalNote).nullable().deleteRule('restrict'),
		signedAt: p.datetime().nullable(),
		signedByName: p.string().length(200).nullable(),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date())
	},
	indexes: [{ properties: ['author', 'status'] }, { properties: ['updatedAt'] }]
});
export class ClinicalNote extends ClinicalNoteSchema.class {}
ClinicalNoteSchema.setClass(ClinicalNote);
export { ClinicalNoteSchema };
