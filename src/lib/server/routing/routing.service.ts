// Routing and triage (issue 7, seed 004): a case is sent to one or more teams with a priority;
// until a member acknowledges it, each team's escalation policy pages its members (case.escalate
// jobs, enqueued in the same transaction as the change that starts them). Acknowledging,
// re-triaging, closing and re-opening change what is due by bumping the escalation generation:
// a pending step of an older generation finds it changed and does nothing.
import { LockMode } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import {
	PRIORITY_LABELS,
	caseRoutingIdInput,
	commentCaseInput,
	inboxInput,
	linkCasePatientInput,
	policySchedule,
	retriageCaseInput,
	sendCaseInput,
	sendExistingCaseInput,
	type Priority,
	type PriorityPolicy
} from '../../schemas/team.ts';
import { todayIn } from '../../time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import { hasRole, type Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { AppError, notFound, type FieldErrors } from '../errors.ts';
import { publishEvent } from '../events/domain-events.ts';
import { enqueue } from '../jobs/boss.ts';
import { caseEscalateJob, type EscalationJobData } from './routing.jobs.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import { Patient } from '../patients/patient.entity.ts';
import { patientDisplayName } from '../patients/patient-name.rules.ts';
import { createPatient } from '../patients/patients.service.ts';
import type { PatientFields } from '../../schemas/patient.ts';
import { Team, TeamMember } from '../teams/team.entity.ts';
import { caseVisibilitySql, loadVisibleCase } from '../cases/case-access.queries.ts';
import { CaseEvent, CaseTeam } from './routing.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { pagePurpose } from './paging.service.ts';
import {
	PAGING_TRAIL_COLUMNS,
	toPagingTrail,
	type PagingTrail,
	type PagingTrailRow
} from './paging-trail.queries.ts';

// ---------------------------------------------------------------------------------------------
// The escalation job

function dueAt(startedAt: Date, atMinutes: number): Date {
	return new Date(startedAt.getTime() + atMinutes * 60_000);
}

/** Enqueues the first step of every receiving team, timed from the escalation start. */
async function startEscalation(tx: Em, caseRow: Case, caseTeams: CaseTeam[]): Promise<void> {
	for (const ct of caseTeams) {
		const first = policySchedule(ct.policy)[0];
		if (!first) continue;
		await enqueue(
			tx,
			caseEscalateJob,
			{
				caseId: caseRow.id,
				teamId: ct.team.id,
				generation: caseRow.escalationGeneration,
				round: first.round,
				stepIndex: first.stepIndex
			},
			{ startAfter: dueAt(caseRow.escalationStartedAt!, first.atMinutes) }
		);
	}
}

function truncate(text: string, max: number): string {
	return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export type EscalationOutcome = 'paged' | 'stale' | 'already-fired';

/**
 * Runs one escalation step: re-reads the case under its row lock; if it was acknowledged, closed or
 * re-triaged since, does nothing. Otherwise records the step (once), queues one page per recipient
 * and enqueues the next step, all in one transaction.
 */
export async function runEscalationStep(
	em: Em,
	data: EscalationJobData,
	now = new Date()
): Promise<EscalationOutcome> {
	const config = getConfig();
	return em.transactional(async (tx) => {
		const caseRow = await tx.findOne(
			Case,
			{ id: data.caseId },
			{ lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true, populate: ['sender'] }
		);
		if (
			!caseRow ||
			caseRow.status !== 'open' ||
			caseRow.acknowledgedAt ||
			caseRow.escalationGeneration !== data.generation ||
			!caseRow.escalationStartedAt
		)
			return 'stale';
		const caseTeam = await tx.findOne(
			CaseTeam,
			{ case: caseRow.id, team: data.teamId },
			{ populate: ['team'] }
		);
		if (!caseTeam) return 'stale';
		const schedule = policySchedule(caseTeam.policy);
		const position = schedule.findIndex((s) => s.round === data.round && s.stepIndex === data.stepIndex);
		const due = schedule[position];
		const step = caseTeam.policy.steps[data.stepIndex];
		if (!due || !step) return 'stale';
		const inserted = await tx.execute<{ case_id: string }[]>(
			`insert into case_escalation_step (case_id, team_id, generation, round, step_index, due_at, fired_at)
			 values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning case_id`,
			[
				caseRow.id,
				data.teamId,
				data.generation,
				data.round,
				data.stepIndex,
				dueAt(caseRow.escalationStartedAt, due.atMinutes),
				now
			]
		);
		if (!inserted.length) return 'already-fired';

		const members = await tx.find(TeamMember, { team: data.teamId }, { populate: ['user'] });
		const active = members.filter((m) => m.user.isActive && m.user.kind === 'staff');
		const leads = active.filter((m) => m.isLead);
		// "Team leads" with no lead on the team pages everyone rather than no one.
		const targets = step.target === 'leads' && leads.length ? leads : active;
		const priority = (caseRow.priority ?? 'normal') as Priority;
		const label = PRIORITY_LABELS[priority];
		const link = `${config.ORIGIN}/cases/${caseRow.id}`;
		const sender = caseRow.sender?.name ?? 'Casebook';
		const recipients: { userId: string; name: string; channel: 'sms' | 'email'; notificationId: string }[] =
			[];
		for (const member of targets) {
			const user = member.user;
			// A member with no mobile gets the page by email.
			const channel = step.channel === 'sms' && user.mobile ? 'sms' : 'email';
			const purpose = pagePurpose({
				caseId: caseRow.id,
				teamId: data.teamId,
				generation: data.generation,
				round: data.round,
				stepIndex: data.stepIndex,
				userId: user.id
			});
			// SMS carries no clinical detail: who, what priority, the subject, the link.
			const { notification } =
				channel === 'sms'
					? await queueNotification(tx, {
							channel,
							recipient: user.mobile!,
							purpose,
							body: `Casebook: ${label} case from ${sender} for ${caseTeam.team.name}: "${truncate(caseRow.name, 60)}". ${link} Reply 1 to acknowledge.`,
							related: { type: 'case', id: caseRow.id }
						})
					: await queueNotification(tx, {
							channel,
							recipient: user.email,
							purpose,
							subject: `[${label}] Case waiting for ${caseTeam.team.name}: ${truncate(caseRow.name, 120)}`,
							body: [
								`Hello ${user.name},`,
								'',
								`${sender} sent ${/^[aeiou]/i.test(label) ? 'an' : 'a'} ${label.toLowerCase()} priority case to ${caseTeam.team.name}, and nobody has acknowledged it yet.`,
								'',
								`Subject: ${caseRow.name}`,
								'',
								`Open and acknowledge it: ${link}?acknowledge=1`
							].join('\n'),
							related: { type: 'case', id: caseRow.id }
						});
			recipients.push({ userId: user.id, name: user.name, channel, notificationId: notification.id });
		}
		tx.create(CaseEvent, {
			case: caseRow,
			kind: 'escalated',
			data: {
				teamId: data.teamId,
				teamName: caseTeam.team.name,
				round: data.round,
				stepIndex: data.stepIndex,
				channel: step.channel,
				target: step.target,
				recipients
			}
		});
		await publishEvent(tx, {
			type: 'team_case.escalated',
			caseId: caseRow.id,
			step: position + 1
		});
		const next = schedule[position + 1];
		if (next)
			await enqueue(
				tx,
				caseEscalateJob,
				{ ...data, round: next.round, stepIndex: next.stepIndex },
				{ startAfter: dueAt(caseRow.escalationStartedAt, next.atMinutes) }
			);
		await tx.flush();
		return 'paged';
	});
}

// ---------------------------------------------------------------------------------------------
// Who may do what

async function memberTeamIds(em: Em, userId: string, caseId: string): Promise<string[]> {
	const rows = await em.execute<{ team_id: string }[]>(
		`select ct.team_id from case_team ct join team_member tm on tm.team_id = ct.team_id
		 where ct.case_id = ? and tm.user_id = ?`,
		[caseId, userId]
	);
	return rows.map((r) => String(r.team_id));
}

async function loadRoutedCase(tx: Em, actor: Actor, caseId: string): Promise<Case> {
	const caseRow = await loadVisibleCase(tx, actor, caseId, { lock: true });
	if (!caseRow.sentAt) throw new AppError('BAD_REQUEST', 'This case was not sent to a team.');
	return caseRow;
}

async function assertMember(tx: Em, actor: Actor, caseRow: Case, action: string): Promise<void> {
	if (!(await memberTeamIds(tx, actor.user!.id, caseRow.id)).length)
		throw new AppError('FORBIDDEN', `Only a member of a receiving team can ${action} this case.`);
}

function event(
	tx: Em,
	actor: Actor,
	caseRow: Case,
	kind: CaseEvent['kind'],
	data: Record<string, unknown> = {}
) {
	return tx.create(CaseEvent, {
		case: caseRow,
		kind,
		actor: actor.user ? tx.getReference(User, actor.user.id) : null,
		data
	});
}

async function tellSender(
	tx: Em,
	actor: Actor,
	caseRow: Case,
	what: 'acknowledged' | 'closed',
	eventId: string
): Promise<void> {
	await tx.populate(caseRow, ['sender']);
	const sender = caseRow.sender;
	if (!sender || !sender.isActive || sender.id === actor.user?.id) return;
	const config = getConfig();
	const link =
		sender.kind === 'referrer'
			? `${config.ORIGIN}/referrer/cases/${caseRow.id}`
			: `${config.ORIGIN}/cases/${caseRow.id}`;
	await queueNotification(tx, {
		channel: 'email',
		recipient: sender.email,
		purpose: `case-${what}:${caseRow.id}:${eventId}`,
		subject: `Your case was ${what}: ${truncate(caseRow.name, 120)}`,
		body: [
			`Hello ${sender.name},`,
			'',
			`${actor.user?.name ?? 'The clinic'} ${what} the case you sent: "${caseRow.name}".`,
			'',
			`See it in Casebook: ${link}`
		].join('\n'),
		related: { type: 'case', id: caseRow.id }
	});
}

// ---------------------------------------------------------------------------------------------
// Send

/** The active teams named, or the problem at `teamIds` (a referrer may send only to teams open to them). */
async function findReceivingTeams(tx: Em, teamIds: string[], isReferrer: boolean, errors: FieldErrors) {
	const teams = await tx.find(Team, { id: { $in: teamIds }, isActive: true });
	if (teams.length !== teamIds.length) errors.teamIds = ['Choose teams from the list'];
	else if (isReferrer) {
		const closed = teams.filter((t) => !t.acceptsExternalCases);
		if (closed.length)
			errors.teamIds = [
				`${closed.map((t) => t.name).join(', ')} does not accept cases from outside the clinic`
			];
	}
	return teams;
}

/** The case's routing starts now: its teams with their policies, the timeline entry, the first steps. */
async function routeToTeams(
	tx: Em,
	actor: Actor,
	caseRow: Case,
	teams: Team[],
	priority: Priority,
	eventData: Record<string, unknown> = {}
): Promise<void> {
	const caseTeams = teams.map((team) =>
		tx.create(CaseTeam, { case: caseRow, team, policy: team.escalationPolicy[priority] })
	);
	event(tx, actor, caseRow, 'sent', {
		priority,
		teams: teams.map((t) => ({ id: t.id, name: t.name })),
		...eventData
	});
	await tx.flush();
	await startEscalation(tx, caseRow, caseTeams);
	await publishEvent(tx, { type: 'team_case.created', caseId: caseRow.id }, actor);
}

export async function sendCase(em: Em, actor: Actor, raw: z.input<typeof sendCaseInput>, now = new Date()) {
	const input = sendCaseInput.parse(raw);
	const isReferrer = actor.user?.kind === 'referrer';
	return em.transactional(async (tx) => {
		const errors: FieldErrors = {};
		const teams = await findReceivingTeams(tx, input.teamIds, isReferrer, errors);
		let patient: Patient | null = null;
		if (input.patientId) {
			// Referrers cannot browse the clinic's patients: they describe the patient in the details.
			if (isReferrer) errors.patientId = ['Describe the patient in the details instead'];
			else {
				patient = await tx.findOne(Patient, { id: input.patientId, deletedAt: null });
				if (!patient) errors.patientId = ['Choose a patient'];
			}
		}
		if (Object.keys(errors).length)
			throw new AppError(
				isReferrer && errors.teamIds && !errors.patientId ? 'FORBIDDEN' : 'BAD_REQUEST',
				Object.values(errors)[0]![0]!,
				{
					fieldErrors: errors
				}
			);
		const sender = tx.getReference(User, actor.user!.id);
		const caseRow = tx.create(Case, {
			name: input.subject,
			details: input.details ?? null,
			priority: input.priority,
			patient,
			sender,
			createdBy: sender,
			sentAt: now,
			isTriageOnly: true,
			escalationStartedAt: now,
			escalationGeneration: 1,
			issuedOn: todayIn(getConfig().CASEBOOK_TIME_ZONE, now)
		});
		await routeToTeams(tx, actor, caseRow, teams, input.priority);
		recordAudit(tx, actor, {
			action: 'case.send',
			recordType: 'case',
			recordId: caseRow.id,
			details: { teamIds: input.teamIds, priority: input.priority, patientId: patient?.id ?? null }
		});
		return { id: caseRow.id };
	});
}

/**
 * Sends a case that exists (issue 18): the treatment case itself goes to the teams, with its
 * patient, appointments and attachments, rather than a new case beside it. Refused for a case that
 * is already with teams (re-triage it instead), closed or archived. Its name is the subject.
 */
export async function sendExistingCase(
	em: Em,
	actor: Actor,
	raw: z.input<typeof sendExistingCaseInput>,
	now = new Date()
) {
	const input = sendExistingCaseInput.parse(raw);
	return em.transactional(async (tx) => {
		const caseRow = await loadVisibleCase(tx, actor, input.caseId, { lock: true });
		if (caseRow.mergedInto)
			throw new AppError('CONFLICT', 'This case was merged into another case: send that one instead.');
		if (caseRow.status === 'closed')
			throw new AppError('CONFLICT', 'This case is closed: re-open it before sending it to teams.');
		if (caseRow.archivedAt)
			throw new AppError('CONFLICT', 'This case is archived: it cannot be sent to teams.');
		if (caseRow.sentAt) {
			const current = await tx.find(CaseTeam, { case: caseRow.id }, { populate: ['team'] });
			const names = current.map((ct) => ct.team.name).sort((a, b) => a.localeCompare(b));
			throw new AppError(
				'CONFLICT',
				`This case was already sent to ${names.length ? names.join(', ') : 'teams'} and is still open to them: change its priority there instead.`,
				{ details: { reason: 'already-sent' } }
			);
		}
		const errors: FieldErrors = {};
		const teams = await findReceivingTeams(tx, input.teamIds, false, errors);
		if (errors.teamIds) throw new AppError('BAD_REQUEST', errors.teamIds[0]!, { fieldErrors: errors });
		const sender = tx.getReference(User, actor.user!.id);
		caseRow.priority = input.priority;
		caseRow.details = input.details ?? null;
		caseRow.sender = sender;
		caseRow.sentAt = now;
		caseRow.escalationStartedAt = now;
		// Above any generation a step could still carry.
		caseRow.escalationGeneration += 1;
		caseRow.acknowledgedAt = null;
		caseRow.acknowledgedBy = null;
		await routeToTeams(tx, actor, caseRow, teams, input.priority, { isExistingCase: true });
		recordAudit(tx, actor, {
			action: 'case.send',
			recordType: 'case',
			recordId: caseRow.id,
			details: {
				teamIds: input.teamIds,
				priority: input.priority,
				patientId: caseRow.patient?.id ?? null,
				isExistingCase: true
			}
		});
		return { id: caseRow.id };
	});
}

// ---------------------------------------------------------------------------------------------
// Link a case to a patient

type LinkTarget = { patientId: string } | { newPatient: PatientFields & { allowDuplicates?: boolean } };

/**
 * A case that came without a patient (sent without one, or by a referrer) is linked to a patient
 * record, found or created here from the referral's details, in one transaction. The referrer
 * still sees only their case: their views never carry the patient.
 */
async function linkCase(em: Em, actor: Actor, caseId: string, target: LinkTarget) {
	return em.transactional(async (tx) => {
		// The case first: nothing is created for a case the actor may not see.
		const caseRow = await loadVisibleCase(tx, actor, caseId, { lock: true });
		if (caseRow.patient) {
			await tx.populate(caseRow, ['patient']);
			const message = `This case is already linked to ${patientDisplayName(caseRow.patient)}.`;
			throw new AppError('CONFLICT', message, { fieldErrors: { patientId: [message] } });
		}
		let patient: Patient;
		let isNewPatient = false;
		if ('patientId' in target) {
			const found = await tx.findOne(Patient, { id: target.patientId, deletedAt: null });
			if (!found)
				throw new AppError('BAD_REQUEST', 'Choose a patient', {
					fieldErrors: { patientId: ['Choose a patient'] }
				});
			if (found.archivedAt) {
				const message = `${patientDisplayName(found)} is archived: unarchive the record first, or choose another.`;
				throw new AppError('BAD_REQUEST', message, { fieldErrors: { patientId: [message] } });
			}
			patient = found;
		} else {
			const created = await createPatient(tx, actor, target.newPatient);
			patient = await tx.findOneOrFail(Patient, { id: created.id });
			isNewPatient = true;
		}
		caseRow.patient = patient;
		event(tx, actor, caseRow, 'patient_linked', { isNewPatient });
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'case.link_patient',
			recordType: 'case',
			recordId: caseRow.id,
			changedFields: ['patient'],
			details: { patientId: patient.id, isNewPatient }
		});
		return { id: caseRow.id, patient: { id: patient.id, name: patientDisplayName(patient) }, isNewPatient };
	});
}

export const linkCaseToPatient = (em: Em, actor: Actor, raw: z.input<typeof linkCasePatientInput>) => {
	const input = linkCasePatientInput.parse(raw);
	return linkCase(em, actor, input.caseId, { patientId: input.patientId });
};

/** `patient` must already be parsed (createPatientInput, with the clinic's default country). */
export const linkCaseToNewPatient = (
	em: Em,
	actor: Actor,
	input: { caseId: string; patient: PatientFields & { allowDuplicates?: boolean } }
) => linkCase(em, actor, input.caseId, { newPatient: input.patient });

// ---------------------------------------------------------------------------------------------
// Acknowledge, take over, re-triage, comment

/** What an acknowledgement came to: the app answers a refusal with an error, a text reply with a line. */
type AcknowledgeOutcome =
	| { outcome: 'acknowledged'; id: string; subject: string; acknowledgedAt: Date }
	/** Not a case sent to a team the actor is in (a text reply never says more). */
	| { outcome: 'no-page'; reason: 'not-sent' | 'not-member' }
	| { outcome: 'closed'; subject: string }
	| { outcome: 'already'; subject: string; by: string };

/**
 * A member of a receiving team acknowledges a sent case: every pending escalation step stops and
 * the sender hears of it. `via` says where it came from: in the app the case must also be one the
 * actor may see; a text reply names the case its page was about.
 */
async function acknowledge(
	em: Em,
	actor: Actor,
	caseId: string,
	via: 'app' | 'sms',
	now: Date
): Promise<AcknowledgeOutcome> {
	return em.transactional(async (tx) => {
		const caseRow =
			via === 'app'
				? await loadVisibleCase(tx, actor, caseId, { lock: true })
				: await tx.findOne(Case, { id: caseId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
		if (!caseRow?.sentAt) return { outcome: 'no-page', reason: 'not-sent' };
		// Membership before anything about the case's state, so a non-member learns nothing of it.
		if (!(await memberTeamIds(tx, actor.user!.id, caseRow.id)).length)
			return { outcome: 'no-page', reason: 'not-member' };
		if (caseRow.status === 'closed') return { outcome: 'closed', subject: caseRow.name };
		if (caseRow.acknowledgedAt) {
			await tx.populate(caseRow, ['acknowledgedBy']);
			return {
				outcome: 'already',
				subject: caseRow.name,
				by: caseRow.acknowledgedBy?.name ?? 'someone else'
			};
		}
		caseRow.acknowledgedAt = now;
		caseRow.acknowledgedBy = tx.getReference(User, actor.user!.id);
		// Stops every pending step.
		caseRow.escalationGeneration += 1;
		const ack = event(tx, actor, caseRow, 'acknowledged', { via });
		await tx.flush();
		await tellSender(tx, actor, caseRow, 'acknowledged', ack.id);
		recordAudit(tx, actor, {
			action: 'case.acknowledge',
			recordType: 'case',
			recordId: caseRow.id,
			...(via === 'sms' ? { details: { via } } : {})
		});
		await publishEvent(
			tx,
			{ type: 'team_case.acknowledged', caseId: caseRow.id, userId: actor.user!.id },
			actor
		);
		return { outcome: 'acknowledged', id: caseRow.id, subject: caseRow.name, acknowledgedAt: now };
	});
}

/** The app's answer to an acknowledgement: the result, or the refusal as an error. */
function acknowledgedInApp(result: AcknowledgeOutcome): { id: string; acknowledgedAt: Date } {
	switch (result.outcome) {
		case 'acknowledged':
			return { id: result.id, acknowledgedAt: result.acknowledgedAt };
		case 'no-page':
			throw result.reason === 'not-sent'
				? new AppError('BAD_REQUEST', 'This case was not sent to a team.')
				: new AppError('FORBIDDEN', 'Only a member of a receiving team can acknowledge this case.');
		case 'closed':
			throw new AppError('CONFLICT', 'This case is closed.');
		case 'already':
			throw new AppError('CONFLICT', `Already acknowledged by ${result.by}.`, {
				details: { reason: 'already-acknowledged', by: result.by }
			});
	}
}

/** The paged member who replies by text, as an actor (no session: the reply came from their mobile). */
async function smsActor(em: Em, userId: string): Promise<Actor> {
	const user = await em.findOneOrFail(User, { id: userId });
	return {
		user: {
			id: user.id,
			kind: user.kind,
			name: user.name,
			email: user.email,
			roles: user.roles,
			hasTwoFactor: true
		},
		sessionId: null,
		requestId: null,
		ip: null
	};
}

export const acknowledgeCase = async (
	em: Em,
	actor: Actor,
	raw: z.input<typeof caseRoutingIdInput>,
	now = new Date()
) => acknowledgedInApp(await acknowledge(em, actor, caseRoutingIdInput.parse(raw).caseId, 'app', now));

/** The SMS reply path: acknowledges as `userId`, the member who was paged. */
export const acknowledgeCaseBySms = async (em: Em, userId: string, caseId: string, now = new Date()) =>
	acknowledge(em, await smsActor(em, userId), caseId, 'sms', now);

export async function takeOverCase(
	em: Em,
	actor: Actor,
	raw: z.input<typeof caseRoutingIdInput>,
	now = new Date()
) {
	const input = caseRoutingIdInput.parse(raw);
	return em.transactional(async (tx) => {
		const caseRow = await loadRoutedCase(tx, actor, input.caseId);
		await assertMember(tx, actor, caseRow, 'take over');
		if (caseRow.status === 'closed') throw new AppError('CONFLICT', 'This case is closed.');
		await tx.populate(caseRow, ['acknowledgedBy']);
		if (caseRow.acknowledgedBy?.id === actor.user!.id)
			throw new AppError('CONFLICT', 'You already have this case.');
		const previous = caseRow.acknowledgedBy
			? { id: caseRow.acknowledgedBy.id, name: caseRow.acknowledgedBy.name }
			: null;
		const wasUnacknowledged = !caseRow.acknowledgedAt;
		caseRow.acknowledgedAt = caseRow.acknowledgedAt ?? now;
		caseRow.acknowledgedBy = tx.getReference(User, actor.user!.id);
		if (wasUnacknowledged) caseRow.escalationGeneration += 1;
		const taken = event(tx, actor, caseRow, 'taken_over', { from: previous });
		await tx.flush();
		if (wasUnacknowledged) await tellSender(tx, actor, caseRow, 'acknowledged', taken.id);
		recordAudit(tx, actor, {
			action: 'case.take_over',
			recordType: 'case',
			recordId: caseRow.id,
			details: { from: previous?.id ?? null }
		});
		await publishEvent(
			tx,
			wasUnacknowledged
				? { type: 'team_case.acknowledged', caseId: caseRow.id, userId: actor.user!.id }
				: { type: 'team_case.updated', caseId: caseRow.id, change: 'taken_over' },
			actor
		);
		return { id: caseRow.id };
	});
}

async function canRetriage(tx: Em, actor: Actor, caseRow: Case): Promise<boolean> {
	if (hasRole(actor.user!, 'scheduler')) return true;
	return (await memberTeamIds(tx, actor.user!.id, caseRow.id)).length > 0;
}

/** New priority: the pending steps are replaced by the new priority's, timed from now. */
export async function retriageCase(
	em: Em,
	actor: Actor,
	raw: z.input<typeof retriageCaseInput>,
	now = new Date()
) {
	const input = retriageCaseInput.parse(raw);
	return em.transactional(async (tx) => {
		const caseRow = await loadRoutedCase(tx, actor, input.caseId);
		if (!(await canRetriage(tx, actor, caseRow)))
			throw new AppError('FORBIDDEN', 'Only a member of a receiving team can re-triage this case.');
		if (caseRow.status === 'closed') throw new AppError('CONFLICT', 'This case is closed.');
		const from = caseRow.priority;
		if (from === input.priority)
			throw new AppError('BAD_REQUEST', `This case is already ${PRIORITY_LABELS[input.priority]}.`, {
				fieldErrors: { priority: ['Choose a different priority'] }
			});
		caseRow.priority = input.priority;
		caseRow.escalationGeneration += 1;
		caseRow.escalationStartedAt = now;
		const caseTeams = await tx.find(CaseTeam, { case: caseRow.id }, { populate: ['team'] });
		for (const ct of caseTeams) ct.policy = ct.team.escalationPolicy[input.priority];
		event(tx, actor, caseRow, 'retriaged', { from, to: input.priority });
		await tx.flush();
		if (!caseRow.acknowledgedAt) await startEscalation(tx, caseRow, caseTeams);
		recordAudit(tx, actor, {
			action: 'case.retriage',
			recordType: 'case',
			recordId: caseRow.id,
			details: { from, to: input.priority }
		});
		await publishEvent(tx, { type: 'team_case.updated', caseId: caseRow.id, change: 'retriaged' }, actor);
		return { id: caseRow.id, priority: input.priority };
	});
}

export async function commentOnCase(em: Em, actor: Actor, raw: z.input<typeof commentCaseInput>) {
	const input = commentCaseInput.parse(raw);
	return em.transactional(async (tx) => {
		const caseRow = await loadRoutedCase(tx, actor, input.caseId);
		const comment = event(tx, actor, caseRow, 'comment', { body: input.body });
		await tx.flush();
		recordAudit(tx, actor, { action: 'case.comment', recordType: 'case', recordId: caseRow.id });
		await publishEvent(tx, { type: 'team_case.updated', caseId: caseRow.id, change: 'commented' }, actor);
		return { id: comment.id };
	});
}

/** Called by closeCase / reopenCase in the same transaction, for a case that was sent to teams. */
export async function onRoutedCaseClosed(tx: Em, actor: Actor, caseRow: Case): Promise<void> {
	if (!caseRow.sentAt) return;
	caseRow.escalationGeneration += 1;
	const closed = event(tx, actor, caseRow, 'closed');
	await tx.flush();
	await tellSender(tx, actor, caseRow, 'closed', closed.id);
	await publishEvent(tx, { type: 'team_case.closed', caseId: caseRow.id }, actor);
}

export async function onRoutedCaseReopened(
	tx: Em,
	actor: Actor,
	caseRow: Case,
	now = new Date()
): Promise<void> {
	if (!caseRow.sentAt) return;
	event(tx, actor, caseRow, 'reopened');
	if (!caseRow.acknowledgedAt) {
		// Nobody had it: escalation starts again from now.
		caseRow.escalationGeneration += 1;
		caseRow.escalationStartedAt = now;
		await tx.flush();
		await startEscalation(tx, caseRow, await tx.find(CaseTeam, { case: caseRow.id }, { populate: ['team'] }));
	}
	await tx.flush();
	await publishEvent(tx, { type: 'team_case.updated', caseId: caseRow.id, change: 'reopened' }, actor);
}

// ---------------------------------------------------------------------------------------------
// Inbox and timeline

export interface InboxItem {
	id: string;
	subject: string;
	priority: Priority;
	status: 'open' | 'closed';
	teams: { id: string; name: string }[];
	patient: { id: string; name: string } | null;
	sender: { name: string; isReferrer: boolean } | null;
	sentAt: Date;
	acknowledgedAt: Date | null;
	acknowledgedBy: string | null;
	/** When the next escalation step fires, if the case is still unactioned. */
	nextEscalationAt: Date | null;
	/** Who was paged, when, by which channel, and whether it was delivered. */
	paging: PagingTrail;
}

interface InboxRow extends PagingTrailRow {
	id: string;
	name: string;
	priority: Priority | null;
	status: 'open' | 'closed';
	sent_at: Date | string;
	acknowledged_at: Date | string | null;
	escalation_started_at: Date | string | null;
	patient_id: string | null;
	patient_first_name: string | null;
	patient_last_name: string | null;
	sender_name: string | null;
	sender_kind: string | null;
	acknowledged_by_name: string | null;
	teams: { id: string; name: string; policy: PriorityPolicy }[];
	fired: { teamId: string; round: number; stepIndex: number }[];
}

/** When the next step of any of the case's teams fires, if it is still unactioned. */
function nextEscalationAt(row: InboxRow): Date | null {
	if (row.status !== 'open' || row.acknowledged_at || !row.escalation_started_at) return null;
	const startedAt = new Date(row.escalation_started_at);
	const done = new Set(row.fired.map((f) => `${f.teamId}:${f.round}:${f.stepIndex}`));
	let next: Date | null = null;
	for (const team of row.teams) {
		const due = policySchedule(team.policy).find((s) => !done.has(`${team.id}:${s.round}:${s.stepIndex}`));
		if (!due) continue;
		const at = dueAt(startedAt, due.atMinutes);
		if (!next || at < next) next = at;
	}
	return next;
}

/**
 * The inbox items of these cases, in the order of `ids`: one query (teams, their policies and the
 * steps fired in the current generation come as json), no entities.
 */
async function loadInboxItems(em: Em, ids: readonly string[]): Promise<InboxItem[]> {
	if (!ids.length) return [];
	const rows = await em.execute<InboxRow[]>(
		`select ${INBOX_COLUMNS} from clinic_case c ${INBOX_JOINS} where c.id in (${ids.map(() => '?').join(', ')})`,
		[...ids]
	);
	const byId = new Map(rows.map((row) => [row.id, row]));
	return ids
		.map((id) => byId.get(id))
		.filter((row): row is InboxRow => Boolean(row))
		.map(toInboxItem);
}

const INBOX_COLUMNS = `c.id::text as id, c.name, c.priority, c.status, c.sent_at, c.acknowledged_at,
	c.escalation_started_at, p.id::text as patient_id, p.first_name as patient_first_name,
	p.last_name as patient_last_name, s.name as sender_name, s.kind as sender_kind, ab.name as acknowledged_by_name,
	coalesce((select json_agg(json_build_object('id', t.id::text, 'name', t.name, 'policy', ct.policy))
		from case_team ct join team t on t.id = ct.team_id where ct.case_id = c.id), '[]') as teams,
	coalesce((select json_agg(json_build_object('teamId', f.team_id::text, 'round', f.round, 'stepIndex', f.step_index))
		from case_escalation_step f where f.case_id = c.id and f.generation = c.escalation_generation), '[]') as fired,
	${PAGING_TRAIL_COLUMNS}`;

const INBOX_JOINS = `left join patient p on p.id = c.patient_id
	left join app_user s on s.id = c.sender_id
	left join app_user ab on ab.id = c.acknowledged_by_id`;

function toInboxItem(row: InboxRow): InboxItem {
	return {
		id: row.id,
		subject: row.name,
		priority: row.priority ?? 'normal',
		status: row.status,
		teams: row.teams.map((t) => ({ id: t.id, name: t.name })).sort((a, b) => a.name.localeCompare(b.name)),
		patient: row.patient_id
			? { id: row.patient_id, name: `${row.patient_first_name} ${row.patient_last_name}` }
			: null,
		sender: row.sender_name ? { name: row.sender_name, isReferrer: row.sender_kind === 'referrer' } : null,
		sentAt: new Date(row.sent_at),
		acknowledgedAt: row.acknowledged_at ? new Date(row.acknowledged_at) : null,
		acknowledgedBy: row.acknowledged_by_name,
		nextEscalationAt: nextEscalationAt(row),
		paging: toPagingTrail(row)
	};
}

async function toInboxItems(em: Em, cases: Case[]): Promise<InboxItem[]> {
	await em.flush();
	return loadInboxItems(
		em,
		cases.map((c) => c.id)
	);
}

/** A member's cases: unactioned first, then by priority (urgent first) and age (oldest first). */
export async function findInbox(em: Em, actor: Actor, raw: z.input<typeof inboxInput> = {}) {
	const input = inboxInput.parse(raw);
	const params: unknown[] = [actor.user!.id];
	let where = `c.sent_at is not null and exists (select 1 from case_team ct join team_member tm on tm.team_id = ct.team_id
		where ct.case_id = c.id and tm.user_id = ?${input.teamId ? ' and ct.team_id = ?' : ''})`;
	if (input.teamId) params.push(input.teamId);
	if (input.include === 'open') where += ` and c.status = 'open'`;
	// One query: the page (numbered in the inbox order, with the number of matches, which the order
	// has to read anyway) and each case's sender, patient, teams and fired steps.
	const rows = await em.execute<(InboxRow & { total: number })[]>(
		`with page as (
			select c.id, (count(*) over ())::int as total,
			  row_number() over (order by (c.acknowledged_at is null and c.status = 'open') desc,
			    case c.priority when 'urgent' then 0 when 'high' then 1 else 2 end, c.sent_at asc, c.id asc) as ord
			from clinic_case c where ${where}
			order by ord limit ? offset ?)
		 select ${INBOX_COLUMNS}, page.total from page join clinic_case c on c.id = page.id ${INBOX_JOINS}
		 order by page.ord`,
		[...params, input.perPage, (input.page - 1) * input.perPage]
	);
	let total = rows[0]?.total ?? 0;
	if (!rows.length && input.page > 1) {
		const [count] = await em.execute<{ total: number }[]>(
			`select count(*)::int as total from clinic_case c where ${where}`,
			params
		);
		total = count?.total ?? 0;
	}
	return {
		items: rows.map(toInboxItem),
		total,
		page: input.page,
		pageCount: Math.max(1, Math.ceil(total / input.perPage))
	};
}

/** The navigation badge: open, unacknowledged cases of the caller's teams. */
export async function countInbox(em: Em, actor: Actor): Promise<number> {
	const [row] = await em.execute<{ n: string }[]>(
		`select count(*) as n from clinic_case c
		 where c.sent_at is not null and c.status = 'open' and c.acknowledged_at is null
		   and exists (select 1 from case_team ct join team_member tm on tm.team_id = ct.team_id
		               where ct.case_id = c.id and tm.user_id = ?)`,
		[actor.user!.id]
	);
	return Number(row?.n ?? 0);
}

/**
 * A member's home (issue 19): the open, unacknowledged cases of their teams, most urgent first and
 * then oldest first, at most `limit`, with how many there are; one query, read through the case
 * visibility rule like every other case read.
 */
export async function findWaitingCases(
	em: Em,
	actor: Actor,
	options: { limit: number }
): Promise<{ items: InboxItem[]; total: number }> {
	const visibility = caseVisibilitySql(actor);
	const rows = await em.execute<(InboxRow & { total: number })[]>(
		`with waiting as (
			select c.id, (count(*) over ())::int as total,
			  row_number() over (order by case c.priority when 'urgent' then 0 when 'high' then 1 else 2 end,
			    c.sent_at asc, c.id asc) as ord
			from clinic_case c
			where c.sent_at is not null and c.status = 'open' and c.acknowledged_at is null
			  and exists (select 1 from case_team ct join team_member tm on tm.team_id = ct.team_id
			              where ct.case_id = c.id and tm.user_id = ?)
			  and ${visibility.sql}
			order by ord limit ?)
		 select ${INBOX_COLUMNS}, waiting.total from waiting join clinic_case c on c.id = waiting.id ${INBOX_JOINS}
		 order by waiting.ord`,
		[actor.user!.id, ...visibility.params, options.limit]
	);
	return { items: rows.map(toInboxItem), total: rows[0]?.total ?? 0 };
}

/** What a member acknowledged since `since` (the start of their day), latest first; one query. */
export async function findAcknowledgedBy(
	em: Em,
	actor: Actor,
	options: { since: Date; limit: number }
): Promise<InboxItem[]> {
	const visibility = caseVisibilitySql(actor);
	const rows = await em.execute<InboxRow[]>(
		`select ${INBOX_COLUMNS} from clinic_case c ${INBOX_JOINS}
		 where c.acknowledged_by_id = ? and c.acknowledged_at >= ? and ${visibility.sql}
		 order by c.acknowledged_at desc, c.id desc limit ?`,
		[actor.user!.id, options.since, ...visibility.params, options.limit]
	);
	return rows.map(toInboxItem);
}

export interface TimelineEntry {
	id: string;
	kind: CaseEvent['kind'];
	at: Date;
	actor: string | null;
	data: Record<string, unknown>;
	/** For escalation steps: each recipient's delivery status, read live from the notifications. */
	deliveries?: { userId: string; name: string; channel: string; status: string; error: string | null }[];
}

export interface CaseRoutingView extends InboxItem {
	details: string | null;
	events: TimelineEntry[];
	isMember: boolean;
	canAcknowledge: boolean;
	canTakeOver: boolean;
	canRetriage: boolean;
}

export async function getCaseRouting(
	em: Em,
	actor: Actor,
	raw: z.input<typeof caseRoutingIdInput>
): Promise<CaseRoutingView | null> {
	const input = caseRoutingIdInput.parse(raw);
	const caseRow = await loadVisibleCase(em, actor, input.caseId);
	if (!caseRow.sentAt) return null;
	await em.populate(caseRow, ['patient', 'sender', 'acknowledgedBy']);
	const [item] = await toInboxItems(em, [caseRow]);
	const events = await em.find(
		CaseEvent,
		{ case: caseRow.id },
		{ populate: ['actor'], orderBy: { createdAt: 'asc', id: 'asc' } }
	);
	const notificationIds = events.flatMap((e) =>
		e.kind === 'escalated'
			? ((e.data.recipients as { notificationId: string }[] | undefined) ?? []).map((r) => r.notificationId)
			: []
	);
	const notifications = notificationIds.length
		? await em.find(Notification, { id: { $in: notificationIds } })
		: [];
	const byId = new Map(notifications.map((n) => [n.id, n]));
	const isMember = (await memberTeamIds(em, actor.user!.id, caseRow.id)).length > 0;
	const open = caseRow.status === 'open';
	return {
		...item!,
		details: caseRow.details ?? null,
		events: events.map((e) => ({
			id: e.id,
			kind: e.kind,
			at: e.createdAt,
			actor: e.actor?.name ?? null,
			data: e.data,
			...(e.kind === 'escalated'
				? {
						deliveries: (
							(e.data.recipients as {
								userId: string;
								name: string;
								channel: string;
								notificationId: string;
							}[]) ?? []
						).map((r) => ({
							userId: r.userId,
							name: r.name,
							channel: r.channel,
							status: byId.get(r.notificationId)?.status ?? 'unknown',
							error: byId.get(r.notificationId)?.error ?? null
						}))
					}
				: {})
		})),
		isMember,
		canAcknowledge: open && isMember && !caseRow.acknowledgedAt,
		canTakeOver:
			open && isMember && Boolean(caseRow.acknowledgedAt) && caseRow.acknowledgedBy?.id !== actor.user!.id,
		canRetriage: open && (isMember || hasRole(actor.user!, 'scheduler'))
	};
}

// ---------------------------------------------------------------------------------------------
// Referrers: the cases they sent, and nothing else

export async function findSentCases(em: Em, actor: Actor, raw: { page?: number } = {}) {
	const page = Math.max(1, raw.page ?? 1);
	const perPage = 25;
	const [cases, total] = await em.findAndCount(
		Case,
		{ sender: actor.user!.id, sentAt: { $ne: null } },
		{
			populate: ['acknowledgedBy'],
			orderBy: { sentAt: 'desc', id: 'desc' },
			limit: perPage,
			offset: (page - 1) * perPage
		}
	);
	const items = await toInboxItems(em, cases);
	// A referrer sees the status, not the clinic's internals (patients, escalation timing).
	return {
		items: items.map((i) => ({
			id: i.id,
			subject: i.subject,
			priority: i.priority,
			status: i.status,
			teams: i.teams,
			sentAt: i.sentAt,
			acknowledgedAt: i.acknowledgedAt,
			acknowledgedBy: i.acknowledgedBy
		})),
		total,
		page,
		pageCount: Math.max(1, Math.ceil(total / perPage))
	};
}

export async function getSentCase(em: Em, actor: Actor, raw: z.input<typeof caseRoutingIdInput>) {
	const input = caseRoutingIdInput.parse(raw);
	const caseRow = await em.findOne(
		Case,
		{ id: input.caseId, sender: actor.user!.id, sentAt: { $ne: null } },
		{ populate: ['acknowledgedBy'] }
	);
	if (!caseRow) throw notFound('Case');
	const [item] = await toInboxItems(em, [caseRow]);
	const events = await em.find(
		CaseEvent,
		{ case: caseRow.id, kind: { $in: ['sent', 'acknowledged', 'taken_over', 'closed', 'reopened'] } },
		{ populate: ['actor'], orderBy: { createdAt: 'asc', id: 'asc' } }
	);
	return {
		id: item!.id,
		subject: item!.subject,
		details: caseRow.details ?? null,
		priority: item!.priority,
		status: item!.status,
		teams: item!.teams,
		sentAt: item!.sentAt,
		acknowledgedAt: item!.acknowledgedAt,
		acknowledgedBy: item!.acknowledgedBy,
		events: events.map((e) => ({ id: e.id, kind: e.kind, at: e.createdAt, actor: e.actor?.name ?? null }))
	};
}
