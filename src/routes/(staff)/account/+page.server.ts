// "My account": what every staff member may do for themselves (password, two-factor, devices).
import { fail, redirect, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { field, formAction, formValues, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const caller = serverCaller(event);
	const me = await caller.account.me();
	const sessions = await caller.account.sessions();
	const settings = await caller.settings.get();
	const notice = event.url.searchParams.get('two-factor');
	const ended = Number(event.url.searchParams.get('ended'));
	return {
		me,
		sessions,
		isTwoFactorRequired: settings.requireTwoFactor,
		wasSentHereToSetUpTwoFactor: event.url.searchParams.get('required') === 'two-factor',
		twoFactorNotice: notice === 'on' || notice === 'off' ? notice : null,
		otherSessionsEnded: Number.isInteger(ended) && ended > 0 ? ended : 0
	};
};

/** This page has several forms: a failure says which one it belongs to (and when to retry a 429). */
function failed<I extends string>(intent: I, failure: ActionFailure<FormFailure>, event?: RequestEvent) {
	if (event && failure.data.retryAfter) event.setHeaders({ 'Retry-After': String(failure.data.retryAfter) });
	return fail(failure.status, { ...failure.data, intent });
}

export const actions = {
	changePassword: async (event) => {
		const data = await formValues(event.request);
		const currentPassword = field(data, 'currentPassword');
		const newPassword = field(data, 'newPassword');
		if (newPassword !== field(data, 'confirmPassword')) {
			const mismatch: FormFailure = {
				message: 'The two new passwords do not match.',
				fieldErrors: { confirmPassword: ['Type the same new password twice'] }
			};
			return fail(400, { ...mismatch, intent: 'changePassword' as const });
		}
		const result = await formAction(() =>
			serverCaller(event).account.changePassword({ currentPassword, newPassword })
		);
		if (isFailure(result)) return failed('changePassword', result, event);
		return { intent: 'changePassword' as const, changed: true };
	},
	startTwoFactor: async (event) => {
		const result = await formAction(() => serverCaller(event).account.startTwoFactor());
		if (isFailure(result)) return failed('startTwoFactor', result);
		return { intent: 'startTwoFactor' as const, enrollment: result };
	},
	confirmTwoFactor: async (event) => {
		const data = await formValues(event.request);
		const result = await formAction(() =>
			serverCaller(event).account.confirmTwoFactor({ code: field(data, 'code') })
		);
		if (isFailure(result)) return failed('confirmTwoFactor', result);
		// A fresh page: this request's user (and the layout's two-factor check) predate the change.
		redirect(303, `/account?two-factor=on&ended=${result.otherSessionsEnded}`);
	},
	disableTwoFactor: async (event) => {
		const data = await formValues(event.request);
		const result = await formAction(() =>
			serverCaller(event).account.disableTwoFactor({ password: field(data, 'password') })
		);
		if (isFailure(result)) return failed('disableTwoFactor', result, event);
		redirect(303, '/account?two-factor=off');
	},
	endSession: async (event) => {
		const data = await formValues(event.request);
		const result = await formAction(() => serverCaller(event).account.endSession({ id: field(data, 'id') }));
		if (isFailure(result)) return failed('endSession', result);
		return { intent: 'endSession' as const, ended: 1 };
	},
	endOtherSessions: async (event) => {
		const result = await formAction(() => serverCaller(event).account.endOtherSessions());
		if (isFailure(result)) return failed('endOtherSessions', result);
		return { intent: 'endOtherSessions' as const, ended: result.ended };
	}
} satisfies Actions;
