// Clinical teams (issue 7): members and leads, whether referrers may send to the team, and its
// escalation policy. Admins manage teams; members see their own; every change is audited.
import { UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/postgresql';
import {
	createTeamInput,
	defaultEscalationPolicy,
	findTeamsInput,
	removeTeamMemberInput,
	teamMemberInput,
	updatePolicyInput,
	updateTeamInput,
	type EscalationPolicy
} from '../../schemas/team.ts';
import type { z } from 'zod';
import { changedFields, recordAudit } from '../audit/audit.service.ts';
import { hasRole, type Actor } from '../auth/actor.ts';
import { User } from '../auth/user.entity.ts';
import { escapeLike } from '../db/like.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { fieldError, notFound } from '../errors.ts';
import { Team, TeamMember } from './team.entity.ts';

export interface TeamMemberView {
	userId: string;
	name: string;
	email: string;
	mobile: string | null;
	isLead: boolean;
	isActive: boolean;
	/** Why a page might not reach them: no mobile (urgent SMS goes by email), inactive account. */
	reachability: 'sms-and-email' | 'email-only' | 'unreachable';
}

export interface TeamView {
	id: string;
	name: string;
	description: string | null;
	acceptsExternalCases: boolean;
	isActive: boolean;
	escalationPolicy: EscalationPolicy;
	members: TeamMemberView[];
	/** Members an SMS step cannot reach (no mobile): they get email instead. */
	warnings: string[];
	version: number;
}

const DUPLICATE_NAME = 'An active team already has this name';

function reachability(user: User): TeamMemberView['reachability'] {
	if (!user.isActive) return 'unreachable';
	return user.mobile ? 'sms-and-email' : 'email-only';
}

function toTeamView(team: Team, members: TeamMember[]): TeamView {
	const memberViews = members
		.map((m) => ({
			userId: m.user.id,
			name: m.user.name,
			email: m.user.email,
			mobile: m.user.mobile ?? null,
			isLead: m.isLead,
			isActive: m.user.isActive,
			reachability: reachability(m.user)
		}))
		.sort((a, b) => Number(b.isLead) - Number(a.isLead) || a.name.localeCompare(b.name));
	const warnings: string[] = [];
	const noMobile = memberViews.filter((m) => m.reachability === 'email-only');
	const inactive = memberViews.filter((m) => m.reachability === 'unreachable');
	const usesSms = Object.values(team.escalationPolicy).some((p) => p.steps.some((s) => s.channel === 'sms'));
	if (usesSms && noMobile.length)
		warnings.push(
			`${noMobile.map((m) => m.name).join(', ')} ${noMobile.length === 1 ? 'has' : 'have'} no mobile number: SMS pages go to them by email instead.`
		);
	if (inactive.length)
		warnings.push(
			`${inactive.map((m) => m.name).join(', ')} ${inactive.length === 1 ? 'is' : 'are'} deactivated and will not be paged.`
		);
	if (!memberViews.some((m) => m.isActive))
		warnings.push('This team has no active members: nobody will be paged.');
	return {
		id: team.id,
		name: team.name,
		description: team.description ?? null,
		acceptsExternalCases: team.acceptsExternalCases,
		isActive: team.isActive,
		escalationPolicy: team.escalationPolicy,
		members: memberViews,
		warnings,
		version: team.version
	};
}

async function membersOf(em: Em, teamIds: string[]): Promise<Map<string, TeamMember[]>> {
	const rows = teamIds.length
		? await em.find(TeamMember, { team: { $in: teamIds } }, { populate: ['user'] })
		: [];
	const byTeam = new Map<string, TeamMember[]>(teamIds.map((id) => [id, []]));
	for (const row of rows) byTeam.get(row.team.id)?.push(row);
	return byTeam;
}

export async function isTeamMember(em: Em, userId: string, teamId: string): Promise<boolean> {
	return (await em.count(TeamMember, { team: teamId, user: userId })) > 0;
}

export async function findTeams(em: Em, actor: Actor, raw: z.input<typeof findTeamsInput> = {}) {
	const input = findTeamsInput.parse(raw);
	const where: FilterQuery<Team>[] = [];
	if (!input.includeInactive) where.push({ isActive: true });
	if (input.search) where.push({ name: { $ilike: `%${escapeLike(input.search)}%` } });
	// Non-admins see the teams they belong to.
	if (input.mine || !actor.user || !hasRole(actor.user, 'admin'))
		where.push({ members: { user: actor.user?.id ?? '0' } });
	const teams = await em.find(
		Team,
		{ $and: where },
		{ orderBy: { isActive: 'desc', name: 'asc', id: 'asc' } }
	);
	const members = await membersOf(
		em,
		teams.map((t) => t.id)
	);
	return teams.map((t) => toTeamView(t, members.get(t.id) ?? []));
}

/** Teams a case may be sent to: every active team for staff; external-accepting ones for referrers. */
export async function findSendableTeams(em: Em, actor: Actor) {
	const isReferrer = actor.user?.kind === 'referrer';
	const teams = await em.find(
		Team,
		{ isActive: true, ...(isReferrer ? { acceptsExternalCases: true } : {}) },
		{ orderBy: { name: 'asc', id: 'asc' } }
	);
	return teams.map((t) => ({ id: t.id, name: t.name, description: t.description ?? null }));
}

async function loadTeam(em: Em, actor: Actor, id: string): Promise<Team> {
	const team = await em.findOne(Team, { id }, { refresh: true });
	if (!team) throw notFound('Team');
	if (actor.user && !hasRole(actor.user, 'admin') && !(await isTeamMember(em, actor.user.id, team.id)))
		throw notFound('Team');
	return team;
}

export async function getTeam(em: Em, actor: Actor, id: string): Promise<TeamView> {
	const team = await loadTeam(em, actor, id);
	return toTeamView(team, (await membersOf(em, [team.id])).get(team.id) ?? []);
}

async function flushNamed(em: Em): Promise<void> {
	try {
		await em.flush();
	} catch (error) {
		if (error instanceof UniqueConstraintViolationException)
			throw fieldError('name', DUPLICATE_NAME, 'CONFLICT');
		throw error;
	}
}

async function assertNameFree(em: Em, name: string, exceptId?: string): Promise<void> {
	const where: FilterQuery<Team> = { name: { $ilike: escapeLike(name) }, isActive: true };
	if (exceptId) where.id = { $ne: exceptId };
	if (await em.count(Team, where)) throw fieldError('name', DUPLICATE_NAME, 'CONFLICT');
}

export async function createTeam(
	em: Em,
	actor: Actor,
	raw: z.input<typeof createTeamInput>
): Promise<TeamView> {
	const input = createTeamInput.parse(raw);
	return em.transactional(async (tx) => {
		await assertNameFree(tx, input.name);
		const team = tx.create(Team, {
			name: input.name,
			description: input.description ?? null,
			acceptsExternalCases: input.acceptsExternalCases,
			escalationPolicy: input.escalationPolicy ?? defaultEscalationPolicy()
		});
		await flushNamed(tx);
		recordAudit(tx, actor, {
			action: 'team.create',
			recordType: 'team',
			recordId: team.id,
			details: { name: team.name }
		});
		return toTeamView(team, []);
	});
}

export async function updateTeam(
	em: Em,
	actor: Actor,
	raw: z.input<typeof updateTeamInput>
): Promise<TeamView> {
	const input = updateTeamInput.parse(raw);
	return em.transactional(async (tx) => {
		const team = await loadTeam(tx, actor, input.id);
		assertVersion(team, input.version, 'team');
		const before = {
			name: team.name,
			description: team.description ?? null,
			acceptsExternalCases: team.acceptsExternalCases,
			isActive: team.isActive
		};
		if (input.isActive) await assertNameFree(tx, input.name, team.id);
		team.name = input.name;
		team.description = input.description ?? null;
		team.acceptsExternalCases = input.acceptsExternalCases;
		team.isActive = input.isActive;
		const fields = changedFields(before, {
			name: team.name,
			description: team.description,
			acceptsExternalCases: team.acceptsExternalCases,
			isActive: team.isActive
		});
		if (fields.length) {
			await flushNamed(tx);
			recordAudit(tx, actor, {
				action: 'team.update',
				recordType: 'team',
				recordId: team.id,
				changedFields: fields
			});
		}
		return toTeamView(team, (await membersOf(tx, [team.id])).get(team.id) ?? []);
	});
}

export async function addTeamMember(
	em: Em,
	actor: Actor,
	raw: z.input<typeof teamMemberInput>
): Promise<TeamView> {
	const input = teamMemberInput.parse(raw);
	return em.transactional(async (tx) => {
		const team = await loadTeam(tx, actor, input.teamId);
		const user = await tx.findOne(User, { id: input.userId, kind: 'staff' });
		if (!user) throw fieldError('userId', 'Choose a member of staff');
		if (!user.isActive) throw fieldError('userId', 'This account is deactivated');
		const existing = await tx.findOne(TeamMember, { team: team.id, user: user.id });
		if (existing) existing.isLead = input.isLead;
		else tx.create(TeamMember, { team, user, isLead: input.isLead });
		await tx.flush();
		recordAudit(tx, actor, {
			action: existing ? 'team.update_member' : 'team.add_member',
			recordType: 'team',
			recordId: team.id,
			details: { userId: user.id, isLead: input.isLead }
		});
		return toTeamView(team, (await membersOf(tx, [team.id])).get(team.id) ?? []);
	});
}

export async function removeTeamMember(
	em: Em,
	actor: Actor,
	raw: z.input<typeof removeTeamMemberInput>
): Promise<TeamView> {
	const input = removeTeamMemberInput.parse(raw);
	return em.transactional(async (tx) => {
		const team = await loadTeam(tx, actor, input.teamId);
		const removed = await tx.nativeDelete(TeamMember, { team: team.id, user: input.userId });
		if (!removed) throw notFound('Team member');
		recordAudit(tx, actor, {
			action: 'team.remove_member',
			recordType: 'team',
			recordId: team.id,
			details: { userId: input.userId }
		});
		return toTeamView(team, (await membersOf(tx, [team.id])).get(team.id) ?? []);
	});
}

/** Changes the policy for cases sent from now on; cases in flight keep the copy they were sent with. */
export async function updateTeamPolicy(
	em: Em,
	actor: Actor,
	raw: z.input<typeof updatePolicyInput>
): Promise<TeamView> {
	const input = updatePolicyInput.parse(raw);
	return em.transactional(async (tx) => {
		const team = await loadTeam(tx, actor, input.teamId);
		assertVersion(team, input.version, 'team');
		team.escalationPolicy = input.escalationPolicy;
		await tx.flush();
		recordAudit(tx, actor, {
			action: 'team.update_policy',
			recordType: 'team',
			recordId: team.id,
			changedFields: ['escalationPolicy']
		});
		return toTeamView(team, (await membersOf(tx, [team.id])).get(team.id) ?? []);
	});
}

/** Staff who can be added to a team. */
export async function teamMemberCandidates(em: Em) {
	const users = await em.find(
		User,
		{ kind: 'staff', isActive: true },
		{ orderBy: { name: 'asc', id: 'asc' } }
	);
	return users.map((u) => ({ id: u.id, name: u.name, email: u.email, hasMobile: Boolean(u.mobile) }));
}
