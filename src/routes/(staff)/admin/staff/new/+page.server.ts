import { redirect } from '@sveltejs/kit';
import { ROLES, type Role } from '$lib/schemas/staff';
import { formAction, isFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions } from './$types';

function text(data: FormData, name: string): string {
	const value = data.get(name);
	return typeof value === 'string' ? value : '';
}

/** Ticked role boxes; anything that is not a role cannot have come from this form and is dropped. */
function roles(data: FormData): Role[] {
	return data.getAll('roles').filter((value): value is Role => ROLES.includes(value as Role));
}

export const actions = {
	default: async (event) => {
		const data = await event.request.formData();
		const input = {
			name: text(data, 'name'),
			email: text(data, 'email'),
			mobile: text(data, 'mobile'),
			roles: roles(data),
			password: text(data, 'password') || undefined
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
