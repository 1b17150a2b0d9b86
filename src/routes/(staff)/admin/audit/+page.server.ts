// The audit trail, filtered by GET parameters. Dates are calendar days in the clinic's time zone.
import { z } from 'zod';
import { serverCaller } from '$lib/server/app/caller';
import type { PageServerLoad } from './$types';

const day = z.iso.date().optional().catch(undefined);
const query = z.object({
	actor: z.string().trim().max(254).optional().catch(undefined),
	action: z.string().trim().max(80).optional().catch(undefined),
	recordType: z.string().trim().max(60).optional().catch(undefined),
	recordId: z.string().trim().max(60).optional().catch(undefined),
	from: day,
	to: day,
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});

/** Wall-clock time in `timeZone` minus UTC, in milliseconds, at the instant `at`. */
function zoneOffset(at: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric'
	}).formatToParts(new Date(at));
	const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
	const wall = Date.UTC(
		part('year'),
		part('month') - 1,
		part('day'),
		part('hour'),
		part('minute'),
		part('second')
	);
	return wall - Math.floor(at / 1000) * 1000;
}

/** The instant a calendar day ("2025-03-01") starts in `timeZone`; `addDays` moves to a later day. */
function startOfDay(isoDay: string, timeZone: string, addDays = 0): Date {
	const [year = 1970, month = 1, date = 1] = isoDay.split('-').map(Number);
	const midnightUtc = Date.UTC(year, month - 1, date + addDays);
	// Twice: the first guess can land on the other side of a daylight-saving change.
	let at = midnightUtc - zoneOffset(midnightUtc, timeZone);
	at = midnightUtc - zoneOffset(at, timeZone);
	return new Date(at);
}

export const load: PageServerLoad = async (event) => {
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const { clinic } = await event.parent();
	const from = params.from ? startOfDay(params.from, clinic.timeZone) : undefined;
	// Up to the last millisecond of the "to" day.
	const to = params.to ? new Date(startOfDay(params.to, clinic.timeZone, 1).getTime() - 1) : undefined;
	if (from && to && from > to) {
		return { params, result: null, problem: 'The “To” date is before the “From” date.' };
	}
	const result = await serverCaller(event).audit.find({
		actor: params.actor || undefined,
		action: params.action || undefined,
		recordType: params.recordType || undefined,
		recordId: params.recordId || undefined,
		from,
		to,
		page: params.page
	});
	return {
		params,
		problem: null,
		result: {
			...result,
			items: result.items.map((item) => ({
				...item,
				details: item.details ? JSON.stringify(item.details) : null
			}))
		}
	};
};
