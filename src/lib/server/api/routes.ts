// Every REST endpoint, and how a request path finds its endpoint.
import type { HttpMethod, ApiRoute } from './route.ts';
import { concessionTypeRoutes } from './concession-types.resource.ts';
import { treatmentNoteRoutes } from './treatment-notes.resource.ts';
import { patientCaseRoutes } from './patient-cases.resource.ts';
import { patientRoutes } from './patients.resource.ts';
import { medicalAlertRoutes } from './medical-alerts.resource.ts';
import { appointmentRoutes } from './appointments.resource.ts';
import { practitionerRoutes } from './practitioners.resource.ts';
import { contactRoutes } from './contacts.resource.ts';
import { patientAttachmentRoutes } from './patient-attachments.resource.ts';
import { invoiceRoutes } from './invoices.resource.ts';
import { teamCaseRoutes } from './team-cases.resource.ts';

export const apiRoutes: ApiRoute[] = [
	...patientRoutes,
	...patientCaseRoutes,
	...concessionTypeRoutes,
	...medicalAlertRoutes,
	...appointmentRoutes,
	...practitionerRoutes,
	...contactRoutes,
	...patientAttachmentRoutes,
	...invoiceRoutes,
	...teamCaseRoutes,
	...treatmentNoteRoutes
];

interface CompiledRoute {
	route: ApiRoute;
	pattern: RegExp;
	names: string[];
}

function compile(route: ApiRoute): CompiledRoute {
	const names: string[] = [];
	const source = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => {
		names.push(name);
		// Every path parameter is a record id; anything else is simply not a route (404).
		return '(\\d{1,18})';
	});
	return { route, pattern: new RegExp(`^${source}$`), names };
}

const compiled = apiRoutes.map(compile);

export type RouteMatch =
	| { kind: 'found'; route: ApiRoute; params: Record<string, string> }
	| { kind: 'method-not-allowed'; allow: HttpMethod[] }
	| { kind: 'not-found' };

/** `path` is under /api/v1 (e.g. `/patients/12`). HEAD is answered as GET. */
export function matchRoute(method: string, path: string): RouteMatch {
	const wanted = method === 'HEAD' ? 'GET' : method;
	const allow: HttpMethod[] = [];
	for (const { route, pattern, names } of compiled) {
		const match = pattern.exec(path);
		if (!match) continue;
		if (route.method !== wanted) {
			allow.push(route.method);
			continue;
		}
		return {
			kind: 'found',
			route,
			params: Object.fromEntries(names.map((name, i) => [name, match[i + 1]!]))
		};
	}
	return allow.length ? { kind: 'method-not-allowed', allow } : { kind: 'not-found' };
}
