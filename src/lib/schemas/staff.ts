// Staff account schemas shared by the browser forms and the server.
import { z } from 'zod';

export const ROLES = ['admin', 'scheduler', 'practitioner'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
	admin: 'Admin',
	scheduler: 'Scheduler',
	practitioner: 'Practitioner'
};

export const email = z
	.string()
	.trim()
	.max(254, 'That email address is too long')
	.pipe(z.email('Enter a valid email address'))
	.transform((v) => v.toLowerCase());

export const PASSWORD_MIN = 10;

export const newPassword = z
	.string()
	.min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
	.max(200, 'Use at most 200 characters')
	.refine((v) => v.trim().length >= PASSWORD_MIN, 'Use at least 10 characters that are not spaces');

export const personName = z.string().trim().min(1, 'Enter a name').max(120, 'Use at most 120 characters');

export const roles = z
	.array(z.enum(ROLES, 'Unknown role'))
	.min(1, 'Choose at least one role')
	.transform((r) => [...new Set(r)].sort());

export const totpCode = z
	.string()
	.trim()
	.regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app');
