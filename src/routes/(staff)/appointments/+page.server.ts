// The calendar: one day or one week (Monday first) in the clinic's time zone, for one practitioner
// or all of them. `?view=day|week&date=YYYY-MM-DD&practitioner=<id>|all`.
import { z } from 'zod';
import { isoDate, recordId } from '$lib/schemas/patient';
import { hasRole } from '$lib/server/auth/actor';
import { getConfig } from '$lib/server/config';
import { serverCaller } from '$lib/server/app/caller';
import { todayIn } from '$lib/time';
import { CALENDAR_VIEWS, visibleDays, visibleRange } from './calendar';
import type { PageServerLoad } from './$types';

const query = z.object({
	view: z.enum(CALENDAR_VIEWS).optional().catch(undefined),
	// The service reads instants from 2000 to 2100; a half-typed year (0002-…) falls back to today.
	date: isoDate
		.refine((d) => d >= '2000-01-08' && d <= '2099-12-20')
		.optional()
		.catch(undefined),
	practitioner: z
		.union([z.literal('all'), recordId])
		.optional()
		.catch(undefined)
});

export const load: PageServerLoad = async (event) => {
	const timeZone = getConfig().CASEBOOK_TIME_ZONE;
	const caller = serverCaller(event);
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const { practitioners } = await caller.appointments.formOptions();

	// A practitioner opens on their own week; everyone else on the whole clinic's day.
	const user = event.locals.user!;
	const isOwnCalendarDefault =
		user.roles.includes('practitioner') && practitioners.some((p) => p.id === user.id);
	const practitionerParam = params.practitioner ?? (isOwnCalendarDefault ? user.id : 'all');
	const practitioner = practitioners.find((p) => p.id === practitionerParam) ?? null;
	const view = params.view ?? (practitioner ? 'week' : 'day');
	const today = todayIn(timeZone);
	const date = params.date ?? today;
	const days = visibleDays(view, date);
	const range = visibleRange(days, timeZone);

	const appointments = await caller.appointments.find({
		from: range.from,
		to: range.to,
		practitionerId: practitioner?.id,
		includeCancelled: true
	});

	return {
		view,
		date,
		today,
		days,
		/** null: all practitioners. */
		practitionerId: practitioner?.id ?? null,
		practitioners,
		appointments,
		/** Patient replies to reminders are for schedulers (and admins). */
		canSchedule: hasRole(event.locals.user!, 'scheduler')
	};
};
