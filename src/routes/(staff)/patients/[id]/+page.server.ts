// One patient's record: a summary, every field, and archive / unarchive / delete.
import { error, fail, redirect, type ActionFailure } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { sendPortalLinkInput } from '$lib/schemas/portal';
import { hasRole } from '$lib/server/auth/actor';
import { getConfig } from '$lib/server/config';
import { field, formAction, formValues, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const PATIENT_ID = /^\d{1,18}$/;
/** The appointments tab looks six weeks ahead: the most `appointments.find` shows at once. */
const UPCOMING_DAYS = 42;

const query = z.object({
	tab: z.enum(['details', 'cases', 'appointments']).catch('details'),
	created: z.literal('1').optional().catch(undefined),
	saved: z.literal('1').optional().catch(undefined),
	merged: z.string().regex(PATIENT_ID).optional().catch(undefined),
	unmerged: z.literal('1').optional().catch(undefined)
});

/** How long an admin may undo a merge (patients/patient-merge.service.ts, MERGE_UNDO_DAYS). */
const MERGE_UNDO_MS = 30 * 86_400_000;

export const load: PageServerLoad = async (event) => {
	if (!PATIENT_ID.test(event.params.id)) error(404, 'Patient not found');
	const patient = await serverCaller(event)
		.patients.get({ id: event.params.id })
		.catch((e: unknown) => {
			if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Patient not found');
			throw e;
		});
	const params = query.parse(Object.fromEntries(event.url.searchParams));
	const caller = serverCaller(event);
	// Each tab loads only what it shows.
	const cases =
		params.tab === 'cases'
			? await caller.cases.find({ patientId: patient.id, status: 'all', perPage: 100 })
			: null;
	const now = new Date();
	const upcoming =
		params.tab === 'appointments'
			? await caller.appointments.find({
					patientId: patient.id,
					from: now,
					to: new Date(now.getTime() + UPCOMING_DAYS * 86_400_000)
				})
			: null;
	// Every message sent to the patient (reminders, confirmations, links), on the same tab.
	const communications =
		params.tab === 'appointments' ? await caller.reminders.forPatient({ patientId: patient.id }) : null;
	// "Reserve & send link" (schedulers and admins) for an active patient: the reserve page picks one
	// of their open cases or starts a new one in the same step.
	const canReserve = hasRole(event.locals.user!, 'scheduler') && !patient.archivedAt;
	const user = event.locals.user!;
	const mergeUndoableUntil =
		patient.mergedAt && hasRole(user, 'admin') && now.getTime() - patient.mergedAt.getTime() <= MERGE_UNDO_MS
			? new Date(patient.mergedAt.getTime() + MERGE_UNDO_MS)
			: null;
	return {
		patient,
		canReserve,
		// Merging moves cases a practitioner may not see: schedulers and admins (patients.merge).
		canMerge: hasRole(user, 'scheduler') && !patient.mergedAt,
		mergeUndoableUntil,
		mergedFromId: params.merged ?? null,
		isUnmerged: params.unmerged === '1',
		tab: params.tab,
		cases,
		upcoming,
		communications,
		upcomingDays: UPCOMING_DAYS,
		isNew: params.created === '1',
		isSaved: params.saved === '1',
		clinicCountry: getConfig().CASEBOOK_DEFAULT_COUNTRY
	};
};

/** This page has several forms: a failure says which one it belongs to. */
function failed<I extends string>(intent: I, failure: ActionFailure<FormFailure>) {
	return fail(failure.status, { ...failure.data, intent });
}

export const actions = {
	archive: async (event) => {
		const result = await formAction(() => serverCaller(event).patients.archive({ id: event.params.id }));
		if (isFailure(result)) return failed('archive', result);
		return { intent: 'archive' as const, done: true };
	},
	unarchive: async (event) => {
		const result = await formAction(() => serverCaller(event).patients.unarchive({ id: event.params.id }));
		if (isFailure(result)) return failed('unarchive', result);
		return { intent: 'unarchive' as const, done: true };
	},
	sendPortalLink: async (event) => {
		const channel = sendPortalLinkInput.shape.channel.safeParse(
			field(await formValues(event.request), 'channel')
		);
		if (!channel.success) {
			const message = 'Choose email or SMS';
			return fail(400, { intent: 'sendPortalLink' as const, message, fieldErrors: { channel: [message] } });
		}
		const result = await formAction(() =>
			serverCaller(event).portalLinks.send({ patientId: event.params.id, channel: channel.data })
		);
		if (isFailure(result)) return failed('sendPortalLink', result);
		return {
			intent: 'sendPortalLink' as const,
			done: true,
			channel: result.channel,
			recipient: result.recipient
		};
	},
	delete: async (event) => {
		const result = await formAction(() => serverCaller(event).patients.delete({ id: event.params.id }));
		if (isFailure(result)) return failed('delete', result);
		redirect(303, '/patients?deleted=1');
	}
} satisfies Actions;
