// A case's attachments as the REST API's Patient Attachments (issue 21): a case's list, one
// attachment by its own id, and its bytes. Every read goes through the case visibility rule (a case
// the caller may not see answers NOT_FOUND, as its attachments do) and the read audit.
import type { Actor } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';
import { notFound } from '../errors.ts';
import { isCaseVisible } from './case-access.queries.ts';
import { CaseAttachment } from './case.entity.ts';
import { getCase, getCaseAttachment } from './cases.service.ts';
import { openAttachmentStream } from './attachment-storage.ts';

export interface CaseAttachmentRecord {
	id: string;
	caseId: string;
	patientId: string | null;
	fileName: string;
	contentType: string;
	sizeBytes: number;
	uploadedById: string | null;
	createdAt: Date;
}

function toRecord(a: CaseAttachment): CaseAttachmentRecord {
	return {
		id: a.id,
		caseId: a.case.id,
		patientId: a.case.patient?.id ?? null,
		fileName: a.fileName,
		contentType: a.contentType,
		sizeBytes: a.sizeBytes,
		uploadedById: a.uploadedBy?.id ?? null,
		createdAt: a.createdAt
	};
}

/** The case's attachments, oldest first (a read of the case, audited by getCase). */
export async function findCaseAttachmentRecords(
	em: Em,
	actor: Actor,
	caseId: string
): Promise<CaseAttachmentRecord[]> {
	await getCase(em, actor, caseId);
	const rows = await em.find(
		CaseAttachment,
		{ case: caseId },
		{ populate: ['case'], orderBy: { createdAt: 'asc', id: 'asc' }, refresh: true }
	);
	return rows.map(toRecord);
}

/** One attachment by its id, if its case is one the actor may see. */
export async function getCaseAttachmentRecord(
	em: Em,
	actor: Actor,
	attachmentId: string
): Promise<CaseAttachmentRecord> {
	const row = await em.findOne(CaseAttachment, { id: attachmentId }, { populate: ['case'], refresh: true });
	if (!row || !(await isCaseVisible(em, actor, row.case.id))) throw notFound('Attachment');
	return toRecord(row);
}

/** The attachment's bytes (the download is audited, as in the app). */
export async function openCaseAttachment(em: Em, actor: Actor, attachmentId: string) {
	const record = await getCaseAttachmentRecord(em, actor, attachmentId);
	const file = await getCaseAttachment(em, actor, { caseId: record.caseId, attachmentId });
	return { ...file, body: openAttachmentStream(file.storageKey) };
}
