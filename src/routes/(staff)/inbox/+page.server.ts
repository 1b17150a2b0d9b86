// The team inbox: cases sent to the signed-in member's teams, unactioned first, then by priority and
// age. The page reloads on live-inbox events, polls while the stream is down (invalidate
// 'casebook:inbox'), and each unactioned row can be acknowledged here.
import { recordId } from '$lib/schemas/patient';
import { routingActions } from '$lib/server/web/routing-actions';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	event.depends('casebook:inbox');
	const search = event.url.searchParams;
	const caller = serverCaller(event);
	// One call at a time: they share the request's EntityManager.
	const teams = (await caller.teams.find({ mine: true })).map((t) => ({ id: t.id, name: t.name }));
	const requested = recordId.safeParse(search.get('team'));
	// A team the member is not in (an old bookmark) shows every team rather than nothing.
	const teamId = requested.success && teams.some((t) => t.id === requested.data) ? requested.data : undefined;
	const include = search.get('show') === 'all' ? ('all' as const) : ('open' as const);
	const page = Math.min(10_000, Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1));
	const inbox = teams.length
		? await caller.cases.inbox({ teamId, include, page })
		: { items: [], total: 0, page: 1, pageCount: 1 };
	return { teams, params: { teamId: teamId ?? null, include, page }, inbox };
};

const { acknowledge } = routingActions({ caseIdFrom: 'form' });

export const actions = { acknowledge } satisfies Actions;
