// The clinic's patient custom fields. The action calls the service directly (with the same rules
// as the `customFields.update` procedure) until that router is registered in the app router.
import { fail } from '@sveltejs/kit';
import { formAction, isFailure, type FormFailure } from '$lib/server/forms';
import {
	getCustomFieldDefinition,
	updateCustomFieldDefinition
} from '$lib/server/patients/custom-fields.service';
import { actorFromEvent } from '$lib/server/trpc/http';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	return { custom: await getCustomFieldDefinition(locals.em) };
};

export const actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const raw = data.get('definition');
		let definition: unknown;
		try {
			definition = JSON.parse(typeof raw === 'string' ? raw : '');
		} catch {
			// Only a broken or hand-made post gets here: the page always sends JSON.
			const failure: FormFailure = {
				message: 'The form arrived incomplete. Reload the page and try again.',
				fieldErrors: {}
			};
			return fail(400, { ...failure, conflict: false });
		}
		const version = Number(data.get('version'));
		const result = await formAction(() =>
			updateCustomFieldDefinition(event.locals.em, actorFromEvent(event), { definition, version })
		);
		if (isFailure(result)) {
			// A conflict gets its own way out on the page: load the newer definition.
			return fail(result.status, { ...result.data, conflict: result.status === 409 });
		}
		return { saved: true };
	}
} satisfies Actions;
