// One patient merge (duplicates found after the fact): which record was kept, which was merged into
// it, and exactly which rows moved, so that an undo moves those rows back and nothing else.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { User } from '../auth/user.entity.ts';
import { Patient } from './patient.entity.ts';

/** What a merge moved from the merged patient to the kept one (ids as strings). */
export interface MovedRows {
	caseIds: string[];
	appointmentIds: string[];
	appointmentRequestIds: string[];
	portalLinkIds: string[];
	portalSessionIds: string[];
	/** Medical alerts copied onto the kept patient (their ids there). */
	medicalAlertIds: string[];
	/** Set on the kept patient by the merge because it had none. */
	referringDoctorId: string | null;
	concessionTypeId: string | null;
	/** The merged record's own archive time before the merge (restored by an undo). */
	previousArchivedAt: string | null;
}

const PatientMergeSchema = defineEntity({
	name: 'PatientMerge',
	tableName: 'patient_merge',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		keptPatient: () => p.manyToOne(Patient).deleteRule('cascade').index(),
		mergedPatient: () => p.manyToOne(Patient).deleteRule('cascade').index(),
		mergedAt: p.datetime().index(),
		mergedBy: () => p.manyToOne(User).nullable().deleteRule('set null'),
		moved: p.json<MovedRows>(),
		undoneAt: p.datetime().nullable(),
		undoneBy: () => p.manyToOne(User).nullable().deleteRule('set null')
	}
});

export class PatientMerge extends PatientMergeSchema.class {}
PatientMergeSchema.setClass(PatientMerge);
export { PatientMergeSchema };
