import { field, formAction, formValues, isChecked, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	return { settings: await serverCaller(event).settings.get() };
};

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		const input = {
			clinicName: field(data, 'clinicName'),
			requireTwoFactor: isChecked(data, 'requireTwoFactor'),
			version: Number(field(data, 'version'))
		};
		const result = await formAction(() => serverCaller(event).settings.update(input), {
			clinicName: input.clinicName,
			requireTwoFactor: input.requireTwoFactor
		});
		if (isFailure(result)) return result;
		return { saved: true };
	}
} satisfies Actions;
