// What an API key may do (issue 21): `*` (everything its user may do, as every key did before
// scopes), or a list of `<resource>:read` / `<resource>:write` scopes. A resource is a tag of the
// OpenAPI document in snake_case (Team cases → team_cases). `write` includes `read` of the same
// resource: a system that sends team cases may also read back what became of them.
import { z } from 'zod';

export const FULL_ACCESS = '*';

/** Every resource a key can be limited to, with its label in the app. */
export const API_RESOURCES = [
	{ name: 'team_cases', label: 'Team cases', canWrite: true },
	{ name: 'patients', label: 'Patients', canWrite: true },
	{ name: 'patient_cases', label: 'Patient cases', canWrite: true },
	{ name: 'medical_alerts', label: 'Medical alerts', canWrite: true },
	{ name: 'individual_appointments', label: 'Individual appointments', canWrite: true },
	{ name: 'appointments', label: 'Appointments (older shape)', canWrite: false },
	{ name: 'bookings', label: 'Bookings', canWrite: false },
	{ name: 'attendees', label: 'Attendees', canWrite: false },
	{ name: 'practitioners', label: 'Practitioners', canWrite: false },
	{ name: 'appointment_types', label: 'Appointment types', canWrite: false },
	{ name: 'contacts', label: 'Contacts', canWrite: false },
	{ name: 'patient_attachments', label: 'Patient attachments', canWrite: false },
	{ name: 'treatment_notes', label: 'Treatment notes and their templates', canWrite: false },
	{ name: 'concession_types', label: 'Concession types', canWrite: false },
	{ name: 'invoices', label: 'Invoices', canWrite: false }
] as const;

export const API_SCOPES: string[] = API_RESOURCES.flatMap((r) =>
	r.canWrite ? [`${r.name}:read`, `${r.name}:write`] : [`${r.name}:read`]
);

export const apiScopes = z
	.array(
		z
			.string()
			.trim()
			.refine((s) => s === FULL_ACCESS || API_SCOPES.includes(s), {
				error: (issue) => `Unknown scope "${String(issue.input)}". Use * or: ${API_SCOPES.join(', ')}`
			})
	)
	.min(1, 'Choose at least one scope, or full access')
	.max(API_SCOPES.length + 1)
	.transform((scopes) => (scopes.includes(FULL_ACCESS) ? [FULL_ACCESS] : [...new Set(scopes)].sort()));

/** The scope a request needs: its resource (an OpenAPI tag) and whether it only reads. */
export function scopeFor(tag: string, method: string): string {
	const resource = tag.trim().toLowerCase().replace(/\s+/g, '_');
	return `${resource}:${method === 'GET' || method === 'HEAD' ? 'read' : 'write'}`;
}

export function scopesAllow(scopes: readonly string[], needed: string): boolean {
	if (scopes.includes(FULL_ACCESS) || scopes.includes(needed)) return true;
	return needed.endsWith(':read') && scopes.includes(needed.replace(/:read$/, ':write'));
}

/** "Full access", or the scopes in words for a list. */
export function describeScopes(scopes: readonly string[]): string {
	if (scopes.includes(FULL_ACCESS)) return 'Full access';
	return scopes.join(', ');
}
