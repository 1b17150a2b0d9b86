// One team: its details, its members (and leads), and its escalation policy, each saved by its own form.
import { error, fail, type ActionFailure } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { field, formAction, formValues, isChecked, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { readPolicyForm } from './policy-form';
import type { Actions, PageServerLoad } from './$types';

const RECORD_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!RECORD_ID.test(event.params.id)) error(404, 'Team not found');
	const api = serverCaller(event);
	const team = await api.teams.get({ id: event.params.id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Team not found');
		throw e;
	});
	const candidates = await api.teams.memberCandidates();
	return { team, candidates, isNew: event.url.searchParams.get('created') === '1' };
};

/** This page has several forms: a failure says which one it belongs to. */
function failed<I extends string, E extends object = object>(
	intent: I,
	failure: ActionFailure<FormFailure>,
	extra?: E
) {
	return fail(failure.status, { ...failure.data, ...extra, intent });
}

export const actions = {
	update: async (event) => {
		const data = await formValues(event.request);
		const values = {
			name: field(data, 'name'),
			description: field(data, 'description'),
			acceptsExternalCases: isChecked(data, 'acceptsExternalCases'),
			isActive: isChecked(data, 'isActive')
		};
		const result = await formAction(
			() =>
				serverCaller(event).teams.update({
					id: event.params.id,
					version: Number(field(data, 'version')),
					...values
				}),
			values
		);
		if (isFailure(result)) return failed('update', result);
		return { intent: 'update' as const, saved: true };
	},
	addMember: async (event) => {
		const data = await formValues(event.request);
		const values = { userId: field(data, 'userId'), isLead: isChecked(data, 'isLead') };
		const result = await formAction(
			() => serverCaller(event).teams.addMember({ teamId: event.params.id, ...values }),
			values
		);
		if (isFailure(result)) return failed('addMember', result);
		const added = result.members.find((m) => m.userId === values.userId);
		return { intent: 'addMember' as const, added: added?.name ?? 'The colleague' };
	},
	/** The Lead toggle: adding someone who is already a member only changes whether they lead. */
	setLead: async (event) => {
		const data = await formValues(event.request);
		const userId = field(data, 'userId');
		const isLead = field(data, 'isLead') === 'true';
		const result = await formAction(() =>
			serverCaller(event).teams.addMember({ teamId: event.params.id, userId, isLead })
		);
		if (isFailure(result)) return failed('setLead', result);
		const member = result.members.find((m) => m.userId === userId);
		return { intent: 'setLead' as const, member: member?.name ?? 'The colleague', isLead };
	},
	removeMember: async (event) => {
		const data = await formValues(event.request);
		const userId = field(data, 'userId');
		const api = serverCaller(event);
		// The name, for the message: the team as it is now, before the member leaves it.
		const before = await formAction(() => api.teams.get({ id: event.params.id }));
		if (isFailure(before)) return failed('removeMember', before);
		const result = await formAction(() => api.teams.removeMember({ teamId: event.params.id, userId }));
		if (isFailure(result)) return failed('removeMember', result);
		const removed = before.members.find((m) => m.userId === userId);
		return { intent: 'removeMember' as const, removed: removed?.name ?? 'The colleague' };
	},
	updatePolicy: async (event) => {
		const data = await formValues(event.request);
		const read = readPolicyForm(data);
		if (!read.success)
			return fail(400, {
				intent: 'updatePolicy' as const,
				message: 'Some steps need attention: see the marked fields.',
				fieldErrors: read.fieldErrors,
				policyValues: read.values
			});
		const result = await formAction(() =>
			serverCaller(event).teams.updatePolicy({
				teamId: event.params.id,
				version: Number(field(data, 'version')),
				escalationPolicy: read.policy
			})
		);
		if (isFailure(result)) return failed('updatePolicy', result, { policyValues: read.values });
		return { intent: 'updatePolicy' as const, saved: true };
	}
} satisfies Actions;
