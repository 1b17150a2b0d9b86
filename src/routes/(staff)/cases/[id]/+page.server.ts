// One case, summarised: usage, warnings, referral, notes, its appointments and attachments, and
// the actions on it (close, re-open, merge, relate appointments, attach files). Every action calls
// the cases router as the signed-in user; its refusals come back as form failures.
import { error, fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { TRPCError } from '@trpc/server';
import { recordId } from '$lib/schemas/patient';
import { routingActions } from '$lib/server/web/routing-actions';
import { field, formAction, formValuesOf, isFailure, type FormFailure } from '$lib/server/web/forms';
import { serverCaller } from '$lib/server/app/caller';
import type { Actions, PageServerLoad } from './$types';

const CASE_ID = /^\d{1,18}$/;
const DAY = 86_400_000;
/** appointments.find shows at most six weeks at a time. */
const WINDOW_DAYS = 42;
/** The "Add appointment" picker looks this far back and ahead. */
const PICKER_PAST_DAYS = 730;
const PICKER_FUTURE_DAYS = 365;

type Caller = ReturnType<typeof serverCaller>;

/** The patient's appointments (two years back, one ahead) that are not on this case, newest first. */
async function appointmentsToAdd(caller: Caller, patientId: string, caseId: string, now = new Date()) {
	const start = now.getTime() - PICKER_PAST_DAYS * DAY;
	const end = now.getTime() + PICKER_FUTURE_DAYS * DAY;
	const found = new Map<string, Awaited<ReturnType<Caller['appointments']['find']>>[number]>();
	// One window at a time: they share the request's EntityManager.
	for (let from = start; from < end; from += WINDOW_DAYS * DAY) {
		const to = Math.min(end, from + WINDOW_DAYS * DAY);
		const items = await caller.appointments.find({ from: new Date(from), to: new Date(to), patientId });
		for (const item of items) found.set(item.id, item);
	}
	return [...found.values()]
		.filter((a) => a.case?.id !== caseId)
		.sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime())
		.map((a) => ({
			id: a.id,
			startsAt: a.startsAt,
			status: a.status,
			appointmentType: a.appointmentType.name,
			practitioner: a.practitioner.name,
			case: a.case ? { id: a.case.id, name: a.case.name } : null
		}));
}

export const load: PageServerLoad = async (event) => {
	const id = event.params.id;
	if (!CASE_ID.test(id)) error(404, 'Case not found');
	const caller = serverCaller(event);
	const detail = await caller.cases.get({ id }).catch((e: unknown) => {
		if (e instanceof TRPCError && e.code === 'NOT_FOUND') error(404, 'Case not found');
		throw e;
	});
	// A case sent to teams has a triage face too; the page refreshes it while it is open.
	event.depends('app:case-routing');
	const routing = await caller.cases.routing({ caseId: id });
	// Goals, treatment notes and the timeline (issue 22).
	const clinical = await caller.clinicalNotes.forCase({ caseId: id });
	const patientId = detail.patient?.id;
	// Appointments can only be added to, and other cases merged into, an open case.
	const canGrow = detail.status === 'open' && Boolean(patientId);
	const addable = canGrow && patientId ? await appointmentsToAdd(caller, patientId, id) : [];
	const siblings =
		canGrow && patientId ? await caller.cases.find({ patientId, status: 'all', perPage: 100 }) : null;
	return {
		detail,
		routing,
		clinical,
		addable,
		mergeCandidates: (siblings?.items ?? [])
			.filter((c) => c.id !== id && !c.mergedInto)
			.map((c) => ({
				id: c.id,
				name: c.name,
				status: c.status,
				issuedOn: c.issuedOn,
				bodyParts: c.bodyParts.map((b) => b.name),
				usage: c.usage
			})),
		isNew: event.url.searchParams.get('created') === '1',
		isSent: event.url.searchParams.get('sent') === '1',
		isLinked: event.url.searchParams.get('linked') === '1',
		focusAcknowledge: event.url.searchParams.get('acknowledge') === '1',
		isSaved: event.url.searchParams.get('saved') === '1'
	};
};

/** This page has several forms: a failure says which one it belongs to. */
function failed<I extends string>(intent: I, failure: ActionFailure<FormFailure>) {
	return fail(failure.status, { ...failure.data, intent, isConflict: failure.status === 409 });
}

/** The posted form: its values, the version it was loaded at, and the raw data for its files. */
async function fields(event: RequestEvent) {
	const data = await event.request.formData();
	const values = formValuesOf(data);
	const version = Number(field(values, 'version'));
	return { data, values, version: Number.isSafeInteger(version) && version > 0 ? version : 0 };
}

/** A hand-edited form: the id does not parse. */
function badId<I extends string>(intent: I, message: string) {
	return fail(400, { intent, message, fieldErrors: {}, isConflict: false });
}

export const actions = {
	...routingActions(),
	close: async (event) => {
		const { version } = await fields(event);
		const result = await formAction(() => serverCaller(event).cases.close({ id: event.params.id, version }));
		if (isFailure(result)) return failed('close', result);
		return { intent: 'close' as const, done: true };
	},
	reopen: async (event) => {
		const { version } = await fields(event);
		const result = await formAction(() => serverCaller(event).cases.reopen({ id: event.params.id, version }));
		if (isFailure(result)) return failed('reopen', result);
		return { intent: 'reopen' as const, done: true };
	},
	merge: async (event) => {
		const { values } = await fields(event);
		const sourceId = recordId.safeParse(field(values, 'sourceId'));
		if (!sourceId.success) return badId('merge', 'Choose the case to merge into this one.');
		const result = await formAction(() =>
			serverCaller(event).cases.merge({ sourceId: sourceId.data, targetId: event.params.id })
		);
		if (isFailure(result)) return failed('merge', result);
		const merged = result.mergedFrom.find((c) => c.id === sourceId.data);
		return { intent: 'merge' as const, done: true, mergedName: merged?.name ?? 'The case' };
	},
	addAppointment: async (event) => {
		const { values } = await fields(event);
		const appointmentId = recordId.safeParse(field(values, 'appointmentId'));
		if (!appointmentId.success) return badId('addAppointment', 'Choose an appointment to add.');
		const result = await formAction(() =>
			serverCaller(event).cases.addAppointment({ caseId: event.params.id, appointmentId: appointmentId.data })
		);
		if (isFailure(result)) return failed('addAppointment', result);
		return { intent: 'addAppointment' as const, done: true };
	},
	removeAppointment: async (event) => {
		const { values } = await fields(event);
		const appointmentId = recordId.safeParse(field(values, 'appointmentId'));
		if (!appointmentId.success) return badId('removeAppointment', 'That appointment could not be found.');
		const result = await formAction(() =>
			serverCaller(event).cases.removeAppointment({
				caseId: event.params.id,
				appointmentId: appointmentId.data
			})
		);
		if (isFailure(result)) return failed('removeAppointment', result);
		return { intent: 'removeAppointment' as const, done: true };
	},
	upload: async (event) => {
		const { data } = await fields(event);
		const file = data.get('file');
		// A form submitted with no file chosen posts an empty, nameless file.
		if (!(file instanceof File) || (file.size === 0 && file.name === '')) {
			return fail(400, {
				intent: 'upload' as const,
				message: 'Choose a file to attach.',
				fieldErrors: { file: ['Choose a file to attach.'] },
				isConflict: false
			});
		}
		const upload = new FormData();
		upload.set('caseId', event.params.id);
		upload.set('file', file);
		const result = await formAction(() => serverCaller(event).cases.addAttachment(upload));
		if (isFailure(result)) return failed('upload', result);
		return { intent: 'upload' as const, done: true, fileName: result.fileName };
	},
	removeAttachment: async (event) => {
		const { values } = await fields(event);
		const attachmentId = recordId.safeParse(field(values, 'attachmentId'));
		if (!attachmentId.success) return badId('removeAttachment', 'That attachment could not be found.');
		const result = await formAction(() =>
			serverCaller(event).cases.removeAttachment({ caseId: event.params.id, attachmentId: attachmentId.data })
		);
		if (isFailure(result)) return failed('removeAttachment', result);
		return { intent: 'removeAttachment' as const, done: true };
	}
} satisfies Actions;
