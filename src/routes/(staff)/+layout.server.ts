import { getConfig } from '$lib/server/config';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async () => {
	const config = getConfig();
	return { clinic: { timeZone: config.CASEBOOK_TIME_ZONE } };
};
