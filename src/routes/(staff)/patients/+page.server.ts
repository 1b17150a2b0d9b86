// The patients list: active, archived or deleted patients, searched, filtered, sorted and paged by
// the URL, so that any view can be bookmarked or shared and works without JavaScript.
import { TRPCError } from '@trpc/server';
import {
	DELETED_PAGE_SIZE,
	isFiltered,
	parseListParams,
	toFindInput
} from '$lib/components/patients/list-params';
import type { FindPatientsInput } from '$lib/schemas/patient';
import { getConfig } from '$lib/server/config';
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	const params = parseListParams(event.url.searchParams);
	const caller = serverCaller(event);
	const common = {
		params,
		isFiltered: isFiltered(params),
		justDeleted: event.url.searchParams.get('deleted') === '1',
		clinicCountry: getConfig().CASEBOOK_DEFAULT_COUNTRY
	};

	if (params.tab === 'deleted') {
		const deleted = await caller.patients.findDeleted({ page: params.page, perPage: DELETED_PAGE_SIZE });
		return { ...common, list: { kind: 'deleted' as const, ...deleted }, cursorDropped: false };
	}

	const find = (input: FindPatientsInput) =>
		params.tab === 'archived' ? caller.patients.findArchived(input) : caller.patients.find(input);
	const input = toFindInput(params);
	let cursorDropped = false;
	const result = await find(input).catch((error: unknown) => {
		// A cursor from an old or edited link, or made under another sort, is refused (BAD_REQUEST):
		// show the first page with a note instead of an error. Anything else is a real failure and
		// surfaces as one (a 500, logged by the router).
		if (input.cursor && error instanceof TRPCError && error.code === 'BAD_REQUEST') {
			cursorDropped = true;
			return find({ ...input, cursor: undefined, direction: 'forward' });
		}
		throw error;
	});
	const listParams = cursorDropped ? { ...params, cursor: undefined, dir: 'next' as const } : params;
	return { ...common, params: listParams, list: { kind: 'patients' as const, ...result }, cursorDropped };
};
