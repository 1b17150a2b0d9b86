// "My account → API keys": create, see and revoke your own keys for the REST API. A new key comes
// back once, in the create action's result, and is never stored or shown again.
import { fail, type ActionFailure } from '@sveltejs/kit';
import { field, fieldList, formAction, formValues, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const keys = await serverCaller(event).apiKeys.find();
	return {
		keys,
		apiBase: `${event.url.origin}/api/v1`,
		// Reached from the reset-password page: a new password does not stop a key, so say so.
		isAfterPasswordReset: event.url.searchParams.get('after') === 'password-reset'
	};
};

function failed<I extends string>(intent: I, failure: ActionFailure<FormFailure>) {
	return fail(failure.status, { ...failure.data, intent });
}

export const actions = {
	create: async (event) => {
		const data = await formValues(event.request);
		// Full access unless the person chose to limit the key (issue 21).
		const limited = field(data, 'access') === 'limited';
		const values = { name: field(data, 'name'), scopes: limited ? fieldList(data, 'scopes[]') : ['*'] };
		const result = await formAction(() => serverCaller(event).apiKeys.create(values), values);
		if (isFailure(result)) return failed('create', result);
		return { intent: 'create' as const, created: { name: result.key.name, secret: result.secret } };
	},
	revoke: async (event) => {
		const data = await formValues(event.request);
		const result = await formAction(() => serverCaller(event).apiKeys.revoke({ id: field(data, 'id') }));
		if (isFailure(result)) return failed('revoke', result);
		return { intent: 'revoke' as const, revoked: result.name };
	},
	revokeAll: async (event) => {
		const result = await formAction(() => serverCaller(event).account.revokeApiKeys());
		if (isFailure(result)) return failed('revokeAll', result);
		return { intent: 'revokeAll' as const, revokedCount: result.revoked };
	}
} satisfies Actions;
