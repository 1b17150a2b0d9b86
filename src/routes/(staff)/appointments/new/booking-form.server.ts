// The booking form on the server: FormData (on the clinic's clock) in, `appointments.create` input
// out; and the API's field errors (paths like `case.case.name`) back onto the form's fields.
import { z } from 'zod';
import { CASE_FULL_SENTENCE } from '$lib/cases/case-full';
import type { CreateAppointmentInput } from '$lib/schemas/appointment';
import { readCaseForm } from '$lib/server/web/case-form';
import type { FieldErrors } from '$lib/server/errors';
import type { ActionFailure } from '@sveltejs/kit';
import type { serverCaller } from '$lib/server/app/caller';
import { field, formValuesOf, isChecked, type FormFailure } from '$lib/server/web/forms';
import {
	CASE_MODES,
	openCaseOption,
	patientOption,
	type BookingFormValues,
	type CaseMode,
	type MatchingCase,
	type OpenCaseOption,
	type PatientOption
} from './booking-form';
import { readSlotForm } from './slot-form.server';

type Caller = ReturnType<typeof serverCaller>;

export interface BookingErrors {
	/** The booking's own fields (patientId, startsAt, caseId…); '' for the form as a whole. */
	fieldErrors: FieldErrors;
	/** The new case's fields, keyed as the case fields component names them. */
	caseErrors: FieldErrors;
}

export interface BookingRead extends BookingErrors {
	values: BookingFormValues;
	input: CreateAppointmentInput;
	/** The body parts chosen for the new case (sent to an existing case when the person says so). */
	bodyPartIds: string[];
	/** The person answered the body-part question with "Add to that case". */
	addToCaseId: string | null;
}

const BOOKING_FIELDS = new Set([
	'patientId',
	'practitionerId',
	'appointmentTypeId',
	'startsAt',
	'durationMinutes',
	'notes'
]);

function isCaseMode(value: string): value is CaseMode {
	return (CASE_MODES as readonly string[]).includes(value);
}

export function readBookingForm(form: FormData, timeZone: string): BookingRead {
	const posted = formValuesOf(form);
	const slot = readSlotForm(posted, timeZone);
	const caseMode = field(posted, 'caseMode');
	const addToCaseId = field(posted, 'addToCaseId') || null;
	const isSeparateCaseConfirmed = isChecked(posted, 'isSeparateCaseConfirmed');
	const newCase = readCaseForm(posted, 'case.');
	const values: BookingFormValues = {
		...slot.values,
		patientId: field(posted, 'patientId'),
		patientName: '',
		caseMode: isCaseMode(caseMode) ? caseMode : 'none',
		caseId: field(posted, 'caseId'),
		case: newCase.values
	};
	const bodyPartIds = newCase.input.bodyPartIds ?? [];

	const fieldErrors: FieldErrors = {};
	if (!values.patientId) fieldErrors.patientId = ['Choose a patient'];
	Object.assign(fieldErrors, slot.fieldErrors);
	if (values.caseMode === 'existing' && !addToCaseId && !values.caseId)
		fieldErrors.caseId = ['Choose one of the patient’s open cases'];

	const caseChoice: CreateAppointmentInput['case'] = addToCaseId
		? { mode: 'existing', caseId: addToCaseId, bodyPartIds }
		: values.caseMode === 'existing'
			? { mode: 'existing', caseId: values.caseId, bodyPartIds: [] }
			: values.caseMode === 'new'
				? { mode: 'new', case: newCase.input, isSeparateCaseConfirmed }
				: { mode: 'none' };

	return {
		values,
		input: {
			patientId: values.patientId,
			practitionerId: values.practitionerId,
			appointmentTypeId: values.appointmentTypeId,
			startsAt: slot.startsAt ?? new Date(Number.NaN),
			durationMinutes: slot.durationMinutes,
			notes: values.notes,
			case: caseChoice
		},
		fieldErrors,
		// Answering "add to that case" uses only the body parts of the new case's fields.
		caseErrors: values.caseMode === 'new' && !addToCaseId ? newCase.fieldErrors : {},
		bodyPartIds,
		addToCaseId
	};
}

/** Puts API errors where the form shows them: `case.case.name` at the case fields' `name`, and so on. */
export function mapBookingErrors(errors: FieldErrors): BookingErrors {
	const out: BookingErrors = { fieldErrors: {}, caseErrors: {} };
	const add = (target: FieldErrors, key: string, messages: string[]) => {
		target[key] = [...new Set([...(target[key] ?? []), ...messages])];
	};
	for (const [path, messages] of Object.entries(errors)) {
		if (!messages.length) continue;
		if (path.startsWith('case.case.'))
			add(out.caseErrors, path.slice('case.case.'.length).split('.')[0]!, messages);
		else if (path === 'caseId' || path === 'case.caseId') add(out.fieldErrors, 'caseId', messages);
		else if (path === 'bodyPartIds' || path.startsWith('case.bodyPartIds')) {
			add(out.caseErrors, 'bodyPartIds', messages);
			add(out.fieldErrors, 'bodyPartIds', messages);
		} else if (path.startsWith('case.')) add(out.fieldErrors, 'caseMode', messages);
		else if (BOOKING_FIELDS.has(path)) add(out.fieldErrors, path, messages);
		else add(out.fieldErrors, '', messages);
	}
	return out;
}

/** Merges error sets; the first one's messages win where both name a field. */
export function mergeBookingErrors(...sets: BookingErrors[]): BookingErrors {
	const out: BookingErrors = { fieldErrors: {}, caseErrors: {} };
	for (const set of [...sets].reverse()) {
		Object.assign(out.fieldErrors, set.fieldErrors);
		Object.assign(out.caseErrors, set.caseErrors);
	}
	return out;
}

/** The patient being booked and their open cases; nothing for a patient that cannot be read. */
export async function patientContext(
	caller: Caller,
	patientId: string
): Promise<{ patient: PatientOption | null; openCases: OpenCaseOption[] }> {
	if (!/^\d{1,18}$/.test(patientId)) return { patient: null, openCases: [] };
	try {
		const [patient, cases] = await Promise.all([
			caller.patients.get({ id: patientId }),
			caller.cases.find({ patientId, status: 'open', perPage: 100 })
		]);
		return { patient: patientOption(patient), openCases: cases.items.map(openCaseOption) };
	} catch {
		// Not found, deleted or not visible: the form asks for a patient again.
		return { patient: null, openCases: [] };
	}
}

const matchingCaseDetails = z.object({
	reason: z.literal('matching-case'),
	cases: z
		.array(
			z.object({
				id: z.string(),
				name: z.string(),
				bodyParts: z.array(z.string()),
				isFull: z.boolean().default(false)
			})
		)
		.min(1)
});

/**
 * The cases the body-part question names, from a CONFLICT's details, with the body parts they share
 * with the new case and their usage figures (from the patient's open cases); null when the
 * conflict is something else.
 */
export function matchingCasesOf(
	details: unknown,
	chosenBodyPartNames: readonly string[],
	openCases: readonly OpenCaseOption[] = []
): MatchingCase[] | null {
	const parsed = matchingCaseDetails.safeParse(details);
	if (!parsed.success) return null;
	return parsed.data.cases.map((c) => {
		const shared = c.bodyParts.filter((name) => chosenBodyPartNames.includes(name));
		const open = openCases.find((o) => o.id === c.id);
		return {
			id: c.id,
			name: c.name,
			sharedBodyParts: shared.length ? shared : c.bodyParts,
			usage: open?.usage ?? null,
			fullMessage: c.isFull ? (open?.fullMessage ?? `${CASE_FULL_SENTENCE}.`) : null
		};
	});
}

/**
 * After a refused booking or reservation: the cases the body-part question names (the refusal was
 * the question), or, when "Add to that case" did not go through (say the case is full), the same
 * question again beside the reason; null when there is nothing to ask.
 */
export async function questionAfter(
	caller: Caller,
	failure: ActionFailure<FormFailure>,
	read: Pick<BookingRead, 'bodyPartIds' | 'addToCaseId'> & { values: { patientId: string } },
	openCases: readonly OpenCaseOption[] = []
): Promise<MatchingCase[] | null> {
	const { bodyParts } = await caller.cases.formOptions();
	const chosen = bodyParts.filter((b) => read.bodyPartIds.includes(b.id)).map((b) => b.name);
	const matching = failure.status === 409 ? matchingCasesOf(failure.data.details, chosen, openCases) : null;
	if (matching || !read.addToCaseId) return matching;
	// "Add to that case" did not go through (the case filled up since the question was asked): ask
	// again, with the reason; the full case now has no "Add to".
	const cases = await caller.appointments
		.matchingCases({ patientId: read.values.patientId, bodyPartIds: read.bodyPartIds })
		.catch(() => []);
	return cases.length
		? cases.map((c) => {
				const { usage, fullMessage } = openCaseOption(c);
				return {
					id: c.id,
					name: c.name,
					sharedBodyParts: c.bodyParts.filter((b) => read.bodyPartIds.includes(b.id)).map((b) => b.name),
					usage,
					fullMessage
				};
			})
		: null;
}
