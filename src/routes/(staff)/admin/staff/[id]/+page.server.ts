// One staff account: edit it, send a password link, end its sessions, revoke its API keys.
import { error, fail, type ActionFailure } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { ROLES, type Role } from '$lib/schemas/staff';
import {
	field,
	fieldList,
	formAction,
	formValues,
	isChecked,
	isFailure,
	type FormFailure,
	type FormValues
} from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const STAFF_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!STAFF_ID.test(event.params.id)) error(404, 'Staff member not found');
	const caller = serverCaller(event);
	const staff = await caller.staff.get({ id: event.params.id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Staff member not found');
		throw e;
	});
	const apiKeys = await caller.staff.findApiKeys({ id: event.params.id });
	return { staff, apiKeys, isNew: event.url.searchParams.get('created') === '1' };
};

/** This page has several forms: a failure says which one it belongs to. */
function failed<I extends string>(intent: I, failure: ActionFailure<FormFailure>) {
	return fail(failure.status, { ...failure.data, intent });
}

/** Ticked role boxes; anything that is not a role cannot have come from this form and is dropped. */
function roles(data: FormValues): Role[] {
	return fieldList(data, 'roles').filter((value): value is Role => ROLES.includes(value as Role));
}

export const actions = {
	update: async (event) => {
		const data = await formValues(event.request);
		const input = {
			id: event.params.id,
			version: Number(field(data, 'version')),
			name: field(data, 'name'),
			email: field(data, 'email'),
			mobile: field(data, 'mobile'),
			roles: roles(data),
			isActive: isChecked(data, 'isActive')
		};
		const result = await formAction(() => serverCaller(event).staff.update(input), {
			name: input.name,
			email: input.email,
			mobile: input.mobile,
			roles: input.roles,
			isActive: input.isActive
		});
		if (isFailure(result)) return failed('update', result);
		return { intent: 'update' as const, saved: true, isActive: result.isActive };
	},
	sendPasswordReset: async (event) => {
		const result = await formAction(() =>
			serverCaller(event).staff.sendPasswordReset({ id: event.params.id })
		);
		if (isFailure(result)) return failed('sendPasswordReset', result);
		return { intent: 'sendPasswordReset' as const, sent: true };
	},
	endSessions: async (event) => {
		const result = await formAction(() => serverCaller(event).staff.endSessions({ id: event.params.id }));
		if (isFailure(result)) return failed('endSessions', result);
		return { intent: 'endSessions' as const, ended: result.ended };
	},
	revokeApiKeys: async (event) => {
		const result = await formAction(() => serverCaller(event).staff.revokeApiKeys({ id: event.params.id }));
		if (isFailure(result)) return failed('revokeApiKeys', result);
		return { intent: 'revokeApiKeys' as const, revoked: result.revoked };
	}
} satisfies Actions;
