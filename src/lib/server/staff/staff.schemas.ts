import { z } from 'zod';
import { email, newPassword, personName, ROLES, roles } from '../../schemas/staff.ts';
import { phoneNumber } from '../../schemas/phone.ts';
import { getConfig } from '../config.ts';

const id = z.string().regex(/^\d{1,18}$/, 'Not a valid id');

/** Mobile is optional: empty means none. Local numbers use the clinic's default country. */
function mobile() {
	return z
		.string()
		.nullable()
		.transform((v) => (v === null || v.trim() === '' ? null : v))
		.pipe(phoneNumber(() => getConfig().CASEBOOK_DEFAULT_COUNTRY).nullable());
}

export const findStaffInput = z.object({
	search: z.string().trim().max(200).optional(),
	role: z.enum(ROLES).optional(),
	status: z.enum(['active', 'inactive', 'all']).default('active'),
	page: z.number().int().min(1).max(10_000).default(1),
	perPage: z.number().int().min(1).max(100).default(25)
});

export const staffIdInput = z.object({ id });

export function createStaffInput() {
	return z.object({
		name: personName,
		email,
		mobile: mobile().optional().default(null),
		roles,
		/** Without a password, the new colleague gets an email link to choose one. */
		password: newPassword.optional()
	});
}

export function updateStaffInput() {
	return z.object({
		id,
		version: z.number().int().min(1),
		name: personName,
		email,
		mobile: mobile(),
		roles,
		isActive: z.boolean()
	});
}

/** A referrer (GP, specialist) outside the clinic: invited by email to choose a password. */
export const inviteReferrerInput = z.object({ name: personName, email });

export const findReferrersInput = z.object({
	search: z.string().trim().max(200).optional(),
	status: z.enum(['active', 'inactive', 'all']).default('active')
});

export const setReferrerActiveInput = z.object({ id, isActive: z.boolean() });
