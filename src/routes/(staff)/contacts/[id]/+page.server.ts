// One referring doctor: edit (with the version it was loaded at), archive and restore.
import { error, fail, redirect } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { getConfig } from '$lib/server/config';
import { field, formAction, formValues, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import { contactFormValues, readContactForm } from '../new/contact-form';
import type { Actions, PageServerLoad } from './$types';

const CONTACT_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!CONTACT_ID.test(event.params.id)) error(404, 'Referring doctor not found');
	const contact = await serverCaller(event)
		.contacts.get({ id: event.params.id })
		.catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Referring doctor not found');
			throw e;
		});
	return {
		contact,
		values: contactFormValues(contact, getConfig().CASEBOOK_DEFAULT_COUNTRY),
		isNew: event.url.searchParams.get('created') === '1'
	};
};

export const actions = {
	update: async (event) => {
		const data = await formValues(event.request);
		const { input, values } = readContactForm(data);
		const version = Number(field(data, 'version'));
		const result = await formAction(() =>
			serverCaller(event).contacts.update({
				...input,
				id: event.params.id,
				version: Number.isSafeInteger(version) ? version : 0
			})
		);
		if (isFailure(result)) {
			return fail(result.status, {
				...result.data,
				values,
				isConflict: result.status === 409,
				intent: 'update' as const
			});
		}
		return { intent: 'update' as const, saved: true };
	},
	archive: async (event) => {
		const result = await formAction(() => serverCaller(event).contacts.archive({ id: event.params.id }));
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'archive' as const });
		redirect(303, '/contacts?archived=1');
	},
	unarchive: async (event) => {
		const result = await formAction(() => serverCaller(event).contacts.unarchive({ id: event.params.id }));
		if (isFailure(result)) return fail(result.status, { ...result.data, intent: 'unarchive' as const });
		return { intent: 'unarchive' as const, restored: true };
	}
} satisfies Actions;
