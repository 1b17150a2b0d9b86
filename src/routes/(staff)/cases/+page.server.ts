// The cases list: open, closed or all cases, filtered by practitioner, service, template, referral
// expiry and a search, all from the URL so any view can be bookmarked and works without JavaScript.
import { serverCaller } from '$lib/server/app/caller';
import { isFiltered, parseCaseListParams, toFindCasesInput } from './list-params';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const params = parseCaseListParams(event.url.searchParams);
	const caller = serverCaller(event);
	const [cases, appointmentOptions, services, templates] = await Promise.all([
		caller.cases.find(toFindCasesInput(params)),
		caller.appointments.formOptions(),
		caller.services.find({ includeInactive: true }),
		// Any staff member may read templates (a practitioner only those of their services).
		caller.admin.caseTemplates.find({ includeArchived: true, perPage: 100 })
	]);
	return {
		params,
		isFiltered: isFiltered(params),
		cases,
		filters: {
			practitioners: appointmentOptions.practitioners.map((p) => ({ id: p.id, name: p.name })),
			services: services.items.map((s) => ({ id: s.id, name: s.name, isActive: s.isActive })),
			templates: templates.items.map((t) => ({
				id: t.id,
				name: t.name,
				isShared: t.isShared,
				isActive: t.isActive
			}))
		}
	};
};
