import { redirect } from '@sveltejs/kit';
import { ROLES, type Role } from '$lib/schemas/staff';
import { field, fieldList, formAction, formValues, isFailure, type FormValues } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions } from './$types';

/** Ticked role boxes; anything that is not a role cannot have come from this form and is dropped. */
function roles(data: FormValues): Role[] {
	return fieldList(data, 'roles').filter((value): value is Role => ROLES.includes(value as Role));
}

export const actions = {
	default: async (event) => {
		const data = await formValues(event.request);
		const input = {
			name: field(data, 'name'),
			email: field(data, 'email'),
			mobile: field(data, 'mobile'),
			roles: roles(data),
			password: field(data, 'password') || undefined
		};
		const result = await formAction(() => serverCaller(event).staff.create(input), {
			name: input.name,
			email: input.email,
			mobile: input.mobile,
			roles: input.roles
		});
		if (isFailure(result)) return result;
		redirect(303, `/admin/staff/${result.id}?created=1`);
	}
} satisfies Actions;
