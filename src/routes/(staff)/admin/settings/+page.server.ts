import { formAction, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	return { settings: await serverCaller(event).settings.get() };
};

export const actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const clinicName = data.get('clinicName');
		const input = {
			clinicName: typeof clinicName === 'string' ? clinicName : '',
			requireTwoFactor: data.get('requireTwoFactor') === 'on',
			version: Number(data.get('version'))
		};
		const result = await formAction(() => serverCaller(event).settings.update(input), {
			clinicName: input.clinicName,
			requireTwoFactor: input.requireTwoFactor
		});
		if (isFailure(result)) return result;
		return { saved: true };
	}
} satisfies Actions;
