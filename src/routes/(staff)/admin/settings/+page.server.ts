import { fail } from '@sveltejs/kit';
import { z } from 'zod';
import { CLOCKS } from '$lib/format';
import type { FieldErrors } from '$lib/server/errors';
import { field, formAction, formValues, isChecked, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	return { settings: await serverCaller(event).settings.get() };
};

const CLOCK_ERROR = 'Choose a 12-hour or a 24-hour clock';

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		const values = {
			clinicName: field(data, 'clinicName'),
			requireTwoFactor: isChecked(data, 'requireTwoFactor'),
			clock: field(data, 'clock')
		};
		const clock = z.enum(CLOCKS).safeParse(values.clock);
		if (!clock.success) {
			const fieldErrors: FieldErrors = { clock: [CLOCK_ERROR] };
			return fail(400, { message: CLOCK_ERROR, fieldErrors, values });
		}
		const result = await formAction(
			() =>
				serverCaller(event).settings.update({
					clinicName: values.clinicName,
					requireTwoFactor: values.requireTwoFactor,
					clock: clock.data,
					version: Number(field(data, 'version'))
				}),
			values
		);
		if (isFailure(result)) return result;
		return { saved: true };
	}
} satisfies Actions;
