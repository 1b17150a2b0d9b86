// Admin → Note templates: the clinic's treatment note templates (issue 22), active and archived.
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const templates = await serverCaller(event).admin.noteTemplates.find({ includeArchived: true });
	return { templates };
};
