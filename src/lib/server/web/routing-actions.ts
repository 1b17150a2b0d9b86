// SvelteKit form actions for routed cases, shared by the pages that show them: the routing panel's
// acknowledge / take over / re-triage / comment (a host page spreads `routingActions()` into its
// actions), and sending a case to teams with its attachments (staff and referrer send pages).
// Each calls the same tRPC procedures as the browser would, as the signed-in user.
import { fail, type ActionFailure, type RequestEvent } from '@sveltejs/kit';
import { z } from 'zod';
import { recordId } from '../../schemas/patient.ts';
import { PRIORITIES, sendCaseInput, sendExistingCaseInput } from '../../schemas/team.ts';
import {
	field,
	fieldList,
	formAction,
	formValues,
	formValuesOf,
	isFailure,
	type FormFailure
} from './forms.ts';
import { serverCaller } from '../app/caller.ts';

export type RoutingIntent = 'acknowledge' | 'takeOver' | 'retriage' | 'comment';

export interface RoutingFailure extends FormFailure {
	intent: RoutingIntent;
	/** The case the form was about (a list has one form per case). */
	caseId: string | null;
	isConflict: boolean;
}

export interface RoutingSuccess {
	intent: RoutingIntent;
	done: true;
	caseId: string;
}

type RoutingResult = Promise<RoutingSuccess | ActionFailure<RoutingFailure>>;

const priorityField = z.enum(PRIORITIES, { error: 'Choose Normal, High or Urgent' });

function failed(intent: RoutingIntent, caseId: string | null, failure: ActionFailure<FormFailure>) {
	return fail(failure.status, {
		...failure.data,
		intent,
		caseId,
		isConflict: failure.status === 409
	} satisfies RoutingFailure);
}

function invalid(
	intent: RoutingIntent,
	caseId: string | null,
	message: string,
	fieldErrors: Record<string, string[]> = {},
	values?: Record<string, unknown>
) {
	return fail(400, {
		intent,
		caseId,
		message,
		fieldErrors,
		values,
		isConflict: false
	} satisfies RoutingFailure);
}

/**
 * `{ acknowledge, takeOver, retriage, comment }` for a page's `actions`. The case is the route's
 * `[id]` (the case page) or, with `caseIdFrom: 'form'`, a posted `caseId` field (a list of cases).
 */
export function routingActions(options: { caseIdFrom?: 'params' | 'form' } = {}) {
	const from = options.caseIdFrom ?? 'params';

	async function read(event: RequestEvent) {
		const values = await formValues(event.request);
		const text = (name: string) => field(values, name);
		const parsed = recordId.safeParse(from === 'form' ? text('caseId') : (event.params.id ?? ''));
		return { caseId: parsed.success ? parsed.data : null, text };
	}

	const unknownCase = 'That case could not be found. Reload the page and try again.';

	return {
		acknowledge: async (event: RequestEvent): RoutingResult => {
			const { caseId } = await read(event);
			if (!caseId) return invalid('acknowledge', null, unknownCase);
			const result = await formAction(() => serverCaller(event).cases.acknowledge({ caseId }));
			if (isFailure(result)) return failed('acknowledge', caseId, result);
			return { intent: 'acknowledge', done: true, caseId };
		},
		takeOver: async (event: RequestEvent): RoutingResult => {
			const { caseId } = await read(event);
			if (!caseId) return invalid('takeOver', null, unknownCase);
			const result = await formAction(() => serverCaller(event).cases.takeOver({ caseId }));
			if (isFailure(result)) return failed('takeOver', caseId, result);
			return { intent: 'takeOver', done: true, caseId };
		},
		retriage: async (event: RequestEvent): RoutingResult => {
			const { caseId, text } = await read(event);
			if (!caseId) return invalid('retriage', null, unknownCase);
			const priority = priorityField.safeParse(text('priority'));
			if (!priority.success) {
				const message = priority.error.issues[0]?.message ?? 'Choose Normal, High or Urgent';
				return invalid('retriage', caseId, message, { priority: [message] });
			}
			const result = await formAction(
				() => serverCaller(event).cases.retriage({ caseId, priority: priority.data }),
				{ priority: priority.data }
			);
			if (isFailure(result)) return failed('retriage', caseId, result);
			return { intent: 'retriage', done: true, caseId };
		},
		comment: async (event: RequestEvent): RoutingResult => {
			const { caseId, text } = await read(event);
			if (!caseId) return invalid('comment', null, unknownCase);
			const body = text('body');
			const result = await formAction(() => serverCaller(event).cases.comment({ caseId, body }), { body });
			if (isFailure(result)) return failed('comment', caseId, result);
			return { intent: 'comment', done: true, caseId };
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Sending a case to teams

// A type, not an interface: it must fit FormFailure's `values` (Record<string, unknown>).
export type SendCaseValues = {
	subject: string;
	details: string;
	teamIds: string[];
	priority: string;
	patientId: string;
	/** Shown again after a failed send; never trusted for anything else. */
	patientName: string;
};

export interface RefusedFile {
	fileName: string;
	reason: string;
}

export interface SendCaseFailure extends FormFailure {
	values: SendCaseValues;
}

export interface SendCaseSuccess {
	id: string;
	subject: string;
	attached: string[];
	refused: RefusedFile[];
}

/** A file input left empty posts one empty, nameless file. */
function chosenFiles(data: FormData): File[] {
	return data.getAll('files').filter((f): f is File => f instanceof File && !(f.size === 0 && f.name === ''));
}

/** The parsed send, as the procedure it goes to takes it. */
function parseSend(values: SendCaseValues, caseId: string | undefined) {
	const common = { details: values.details, teamIds: values.teamIds, priority: values.priority };
	if (caseId !== undefined) {
		const parsed = sendExistingCaseInput.safeParse({ ...common, caseId });
		return parsed.success
			? ({ success: true, kind: 'existing', data: parsed.data } as const)
			: ({ success: false, error: parsed.error } as const);
	}
	const parsed = sendCaseInput.safeParse({
		...common,
		subject: values.subject,
		patientId: values.patientId || null
	});
	return parsed.success
		? ({ success: true, kind: 'new', data: parsed.data } as const)
		: ({ success: false, error: parsed.error } as const);
}

/**
 * Reads the send form (subject, details, teamIds[], priority, patientId, files[]), sends the case,
 * then attaches each file. A refused file does not undo the case: it is reported with its reason.
 * With `caseId`, the case that exists is sent (issue 18): its name is the subject, and the form
 * has no subject or patient.
 */
export async function sendCaseFromForm(
	event: RequestEvent,
	options: { allowPatient: boolean; caseId?: string }
): Promise<SendCaseSuccess | ActionFailure<SendCaseFailure>> {
	const data = await event.request.formData();
	const posted = formValuesOf(data);
	const text = (name: string) => field(posted, name);
	const values: SendCaseValues = {
		subject: text('subject'),
		details: text('details'),
		teamIds: fieldList(posted, 'teamIds'),
		priority: text('priority'),
		patientId: options.allowPatient ? text('patientId') : '',
		patientName: options.allowPatient ? text('patientName') : ''
	};
	const parsed = parseSend(values, options.caseId);
	if (!parsed.success) {
		const fieldErrors: Record<string, string[]> = {};
		for (const issue of parsed.error.issues) {
			// "teamIds.0" (a hand-edited id) belongs to the team checkboxes as a whole.
			const key = String(issue.path[0] ?? '');
			(fieldErrors[key] ??= []).push(issue.message);
		}
		return fail(400, { message: 'Some fields need attention', fieldErrors, values });
	}
	const caller = serverCaller(event);
	const sent = await formAction(() =>
		parsed.kind === 'existing' ? caller.cases.sendExisting(parsed.data) : caller.cases.send(parsed.data)
	);
	if (isFailure(sent)) return fail(sent.status, { ...sent.data, values });

	const attached: string[] = [];
	const refused: RefusedFile[] = [];
	// One at a time: they share the request's EntityManager.
	for (const file of chosenFiles(data)) {
		const upload = new FormData();
		upload.set('caseId', sent.id);
		upload.set('file', file);
		try {
			const result = await formAction(() => caller.cases.addAttachment(upload));
			if (isFailure(result))
				refused.push({
					fileName: file.name,
					reason: result.data.fieldErrors.file?.[0] ?? result.data.message
				});
			else attached.push(result.fileName);
		} catch (error) {
			// The case is sent; one broken upload must not turn that into an error page.
			event.locals.log.error({ err: error, caseId: sent.id }, 'attachment upload failed');
			refused.push({ fileName: file.name, reason: 'It could not be stored. Try again from the case page.' });
		}
	}
	return {
		id: sent.id,
		subject: parsed.kind === 'new' ? parsed.data.subject : values.subject,
		attached,
		refused
	};
}
