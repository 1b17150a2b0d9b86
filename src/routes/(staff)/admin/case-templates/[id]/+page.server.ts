import { error, fail, redirect, type ActionFailure } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { field, formAction, formValues, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';
import { errorsByType, readTemplateForm } from '../new/form-data';

const TEMPLATE_ID = /^\d{1,18}$/;

export const load: PageServerLoad = async (event) => {
	if (!TEMPLATE_ID.test(event.params.id)) error(404, 'Case template not found');
	const caller = serverCaller(event);
	const template = await caller.admin.caseTemplates.get({ id: event.params.id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Case template not found');
		throw e;
	});
	const options = await caller.admin.caseTemplates.formOptions();
	// Keep the template's own services listed even if one has since been deactivated.
	const services = [
		...options.services,
		...template.services.filter((s) => !options.services.some((o) => o.id === s.id))
	];
	return {
		template,
		options: { ...options, services },
		isNew: event.url.searchParams.get('created') === '1'
	};
};

function failed<I extends string>(intent: I, failure: ActionFailure<FormFailure>, extra: object = {}) {
	return fail(failure.status, { ...failure.data, ...extra, intent });
}

export const actions = {
	update: async (event) => {
		const data = await formValues(event.request);
		const { values, input, allowedIds } = readTemplateForm(data);
		const version = Number(field(data, 'version'));
		const result = await formAction(() =>
			serverCaller(event).admin.caseTemplates.update({ ...input, id: event.params.id, version })
		);
		if (isFailure(result)) {
			return failed('update', result, {
				fieldErrors: errorsByType(result.data.fieldErrors, allowedIds),
				typed: values
			});
		}
		return { intent: 'update' as const, saved: true };
	},
	delete: async (event) => {
		const caller = serverCaller(event);
		const result = await formAction(async () => {
			const { name } = await caller.admin.caseTemplates.get({ id: event.params.id });
			return { ...(await caller.admin.caseTemplates.delete({ id: event.params.id })), name };
		});
		if (isFailure(result)) return failed('delete', result);
		if (result.outcome === 'deleted') {
			redirect(303, `/admin/case-templates?deleted=${encodeURIComponent(result.name)}`);
		}
		return { intent: 'delete' as const, outcome: result.outcome, affectedCases: result.affectedCases };
	}
} satisfies Actions;
