// Home (issue 19): the work of whoever signed in, one section per role they hold, each asked of the
// router only when the reader's roles allow it. A waiting case is acknowledged from here with the
// inbox's own action.
import { hasRole } from '$lib/server/auth/actor';
import { serverCaller } from '$lib/server/app/caller';
import { routingActions } from '$lib/server/web/routing-actions';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	// The layout polls the inbox badge; the home's waiting cases follow the same signal.
	event.depends('casebook:inbox');
	const user = event.locals.user!;
	const caller = serverCaller(event);
	const isAdmin = hasRole(user, 'admin');
	// One call at a time: they share the request's EntityManager.
	const team = await caller.home.team();
	// An admin counts as every role for access, but has a practitioner's day only if they are one.
	const practitioner = user.roles.includes('practitioner') ? await caller.home.practitioner() : null;
	const scheduler = hasRole(user, 'scheduler') ? await caller.home.scheduler() : null;
	const setup = isAdmin ? await caller.home.setup() : null;
	const status = isAdmin ? await caller.home.status() : null;
	return { team, practitioner, scheduler, setup, status, now: new Date() };
};

const { acknowledge } = routingActions({ caseIdFrom: 'form' });

export const actions = { acknowledge } satisfies Actions;
