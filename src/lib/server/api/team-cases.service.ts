// Team cases sent by another system (issue 21): the same `sendCase` as the app's "Send to teams",
// plus what an integration needs around it: the patient found by the UI's duplicate rules or
// created, attachments checked by the UI's rules, the sender's external reference, and reads of
// the case's routing (status, acknowledgement, escalation steps) for the REST resource.
import type { Actor } from '../auth/actor.ts';
import { CaseAttachment } from '../cases/case.entity.ts';
import { caseVisibilitySql } from '../cases/case-access.queries.ts';
import { checkAttachment, storeCaseAttachments } from '../cases/cases.service.ts';
import type { Em } from '../db/orm.ts';
import { AppError } from '../errors.ts';
import { Patient } from '../patients/patient.entity.ts';
import { checkDuplicates, createPatient } from '../patients/patients.service.ts';
import { getCaseRouting, sendCase, type CaseRoutingView } from '../routing/routing.service.ts';
import type { Priority } from '../../schemas/team.ts';
import { createPatientInput } from '../../schemas/patient.ts';
import { getConfig } from '../config.ts';

export interface InboundPatient {
	firstName: string;
	lastName: string;
	dateOfBirth: string;
	medicare?: string | null;
	email?: string | null;
	/** E.164 */
	mobile?: string | null;
}

export interface InboundAttachment {
	fileName: string;
	bytes: Uint8Array;
}

export interface InboundTeamCase {
	subject: string;
	details?: string | null;
	priority: Priority;
	teamIds: string[];
	patientId?: string | null;
	patient?: InboundPatient | null;
	externalReference?: string | null;
	attachments?: InboundAttachment[];
}

export type PatientMatch = 'given' | 'matched' | 'created' | 'none';

/**
 * The patient an inbound case is about. The UI's duplicate rules decide: a live patient with the
 * same name and date of birth is the same person (one such patient: used; several: the sender must
 * say which, 409). A Medicare number given that differs from the match's own is a different person.
 * Otherwise the patient is created: a match only by email or mobile (a parent's email on a child's
 * referral) is not enough to attach a clinical case to someone.
 */
async function resolvePatient(
	tx: Em,
	actor: Actor,
	details: InboundPatient
): Promise<{ id: string; match: PatientMatch }> {
	const candidates = await checkDuplicates(tx, {
		firstName: details.firstName,
		lastName: details.lastName,
		dateOfBirth: details.dateOfBirth,
		email: details.email ?? null,
		phoneNumbers: details.mobile ? [{ phoneType: 'Mobile', number: details.mobile }] : []
	});
	let same = candidates.filter((c) => c.reasons.includes('name_and_birth_date'));
	if (details.medicare && same.length) {
		const rows = await tx.find(Patient, { id: { $in: same.map((c) => c.id) } });
		const medicare = details.medicare.replace(/\s+/g, '');
		const fits = new Set(
			rows.filter((p) => !p.medicare || p.medicare.replace(/\s+/g, '') === medicare).map((p) => p.id)
		);
		same = same.filter((c) => fits.has(c.id));
	}
	if (same.length === 1) return { id: same[0]!.id, match: 'matched' };
	if (same.length > 1) {
		const message = `${same.length} patients have this name and date of birth (ids ${same.map((c) => c.id).join(', ')}): send patient_id instead.`;
		// A conflict, not a field error (422): the details are valid, they just do not say who.
		throw new AppError('CONFLICT', message);
	}
	const fields = createPatientInput(getConfig().CASEBOOK_DEFAULT_COUNTRY).parse({
		firstName: details.firstName,
		lastName: details.lastName,
		dateOfBirth: details.dateOfBirth,
		medicare: details.medicare ?? null,
		email: details.email ?? null,
		phoneNumbers: details.mobile ? [{ phoneType: 'Mobile', number: details.mobile }] : [],
		allowDuplicates: true
	});
	const created = await createPatient(tx, actor, fields);
	return { id: created.id, match: 'created' };
}

/**
 * Sends an inbound case to its teams in `tx` (the caller's transaction, which also holds the
 * idempotency record): the patient, the case with its first escalation steps, its attachments and
 * its origin commit together or not at all. Attachments are checked before anything is written;
 * their bytes are removed again when the transaction fails.
 */
export async function sendInboundTeamCase(
	tx: Em,
	actor: Actor,
	input: InboundTeamCase,
	options: { apiKeyId: string; now: Date }
): Promise<{ id: string; patientMatch: PatientMatch }> {
	if (input.patientId && input.patient) {
		const message = 'Give patient_id or patient, not both';
		throw new AppError('BAD_REQUEST', message, { fieldErrors: { patientId: [message], patient: [message] } });
	}
	const inspected = [];
	for (const [index, file] of (input.attachments ?? []).entries()) {
		try {
			inspected.push(await checkAttachment(file.bytes, file.fileName));
		} catch (error) {
			if (error instanceof AppError && error.fieldErrors?.file)
				throw new AppError('BAD_REQUEST', `${file.fileName || 'An attachment'}: ${error.message}`, {
					fieldErrors: { [`attachments.${index}`]: error.fieldErrors.file }
				});
			throw error;
		}
	}
	let patientId: string | null = input.patientId ?? null;
	let patientMatch: PatientMatch = patientId ? 'given' : 'none';
	if (input.patient) {
		const resolved = await resolvePatient(tx, actor, input.patient);
		patientId = resolved.id;
		patientMatch = resolved.match;
	}
	const { id } = await sendCase(
		tx,
		actor,
		{
			subject: input.subject,
			details: input.details ?? null,
			priority: input.priority,
			teamIds: input.teamIds,
			patientId
		},
		options.now
	);
	await storeCaseAttachments(tx, actor, id, inspected);
	await tx.execute(
		`insert into api_team_case (case_id, api_key_id, external_reference, created_at) values (?, ?, ?, ?)`,
		[id, options.apiKeyId, input.externalReference ?? null, options.now]
	);
	return { id, patientMatch };
}

export interface TeamCaseView extends CaseRoutingView {
	externalReference: string | null;
	createdAt: Date;
	attachments: { id: string; fileName: string; contentType: string; sizeBytes: number }[];
}

/** A case sent to teams that the actor may see (null: not sent to teams), as the REST API shows it. */
export async function getTeamCase(em: Em, actor: Actor, caseId: string): Promise<TeamCaseView | null> {
	const routing = await getCaseRouting(em, actor, { caseId });
	if (!routing) return null;
	const [origin] = await em.execute<{ external_reference: string | null; created_at: Date }[]>(
		`select t.external_reference, c.created_at from clinic_case c
		 left join api_team_case t on t.case_id = c.id where c.id = ?`,
		[caseId]
	);
	const attachments = await em.find(CaseAttachment, { case: caseId }, { orderBy: { id: 'asc' } });
	return {
		...routing,
		externalReference: origin?.external_reference ?? null,
		createdAt: new Date(origin!.created_at),
		attachments: attachments.map((a) => ({
			id: a.id,
			fileName: a.fileName,
			contentType: a.contentType,
			sizeBytes: a.sizeBytes
		}))
	};
}

export type TeamCaseFilterField = 'status' | 'priority' | 'teamId' | 'createdAt' | 'externalReference';
export type TeamCaseSortField = 'id' | 'createdAt' | 'priority';

export interface TeamCaseListInput {
	page: number;
	perPage: number;
	filters: { field: TeamCaseFilterField; op: string; value?: string }[];
	sort: { field: TeamCaseSortField; direction: 'asc' | 'desc' }[];
}

const FILTER_SQL: Record<
	TeamCaseFilterField,
	{ column: string; ops: string[]; cast?: string; values?: readonly string[] }
> = {
	status: { column: 'c.status', ops: ['=', '!='], values: ['open', 'closed'] },
	priority: { column: 'c.priority', ops: ['=', '!='], values: ['normal', 'high', 'urgent'] },
	teamId: { column: '', ops: ['=', '!='] },
	createdAt: { column: 'c.sent_at', ops: ['=', '!=', '<', '<=', '>', '>='], cast: '::timestamptz' },
	externalReference: { column: 't.external_reference', ops: ['=', '!=', '?', '!?'] }
};

const SORT_SQL: Record<TeamCaseSortField, string> = {
	id: 'c.id',
	createdAt: 'c.sent_at',
	priority: `case c.priority when 'urgent' then 3 when 'high' then 2 else 1 end`
};

/** Team cases the actor may see, newest first unless sorted otherwise; `filters.N` names a refused filter. */
export async function findTeamCases(
	em: Em,
	actor: Actor,
	input: TeamCaseListInput
): Promise<{ items: TeamCaseView[]; total: number }> {
	const visibility = caseVisibilitySql(actor);
	const where = ['c.sent_at is not null', visibility.sql];
	const params: unknown[] = [...visibility.params];
	for (const [index, filter] of input.filters.entries()) {
		const spec = FILTER_SQL[filter.field];
		if (!spec.ops.includes(filter.op))
			throw new AppError('BAD_REQUEST', `Use one of ${spec.ops.join(' ')} with this field`, {
				fieldErrors: { [`filters.${index}`]: [`use one of ${spec.ops.join(' ')} with this field`] }
			});
		if (spec.values && !spec.values.includes(filter.value ?? ''))
			throw new AppError('BAD_REQUEST', `Use one of ${spec.values.join(', ')}`, {
				fieldErrors: { [`filters.${index}`]: [`use one of ${spec.values.join(', ')}`] }
			});
		if (filter.field === 'teamId') {
			if (!/^\d{1,18}$/.test(filter.value ?? ''))
				throw new AppError('BAD_REQUEST', 'A team id is a number', {
					fieldErrors: { [`filters.${index}`]: ['a team id is a number'] }
				});
			where.push(
				`${filter.op === '!=' ? 'not ' : ''}exists (select 1 from case_team ft where ft.case_id = c.id and ft.team_id = ?)`
			);
			params.push(filter.value);
		} else if (filter.op === '?' || filter.op === '!?') {
			where.push(`${spec.column} is ${filter.op === '?' ? 'not ' : ''}null`);
		} else {
			where.push(`${spec.column} ${filter.op === '!=' ? 'is distinct from' : filter.op} ?${spec.cast ?? ''}`);
			params.push(filter.value);
		}
	}
	const order = input.sort.length
		? input.sort.map((s) => `${SORT_SQL[s.field]} ${s.direction}`).join(', ')
		: 'c.sent_at desc';
	const from = `from clinic_case c left join api_team_case t on t.case_id = c.id where ${where.join(' and ')}`;
	const [counted] = await em.execute<{ total: string }[]>(`select count(*)::text as total ${from}`, params);
	const rows = await em.execute<{ id: string }[]>(
		`select c.id::text as id ${from} order by ${order}, c.id desc limit ? offset ?`,
		[...params, input.perPage, (input.page - 1) * input.perPage]
	);
	const items: TeamCaseView[] = [];
	for (const row of rows) {
		const view = await getTeamCase(em, actor, row.id);
		if (view) items.push(view);
	}
	return { items, total: Number(counted?.total ?? 0) };
}
