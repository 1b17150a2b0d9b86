// The system's state for admins (issue 19; it was the home page before): the database and its
// schema, the background worker, and how messages go out, where an admin without SMTP or Twilio
// may keep the built-in outbox (the set-up checklist's messaging item links here).
import { serverCaller } from '$lib/server/app/caller';
import { formAction, isFailure } from '$lib/server/web/forms';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	return { status: await serverCaller(event).home.status() };
};

export const actions = {
	keepOutbox: async (event) => {
		const result = await formAction(() => serverCaller(event).home.keepOutbox());
		if (isFailure(result)) return result;
		return { keptOutbox: true };
	}
} satisfies Actions;
