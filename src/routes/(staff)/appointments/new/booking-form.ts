// The booking form's values as typed (strings, client-safe) and the small views the form shows:
// patients found by the picker and the patient's open cases. The server side is booking-form.server.ts.
import { emptyCaseFormValues, type CaseFormValues } from '$lib/components/cases/case-form';
import { formatCalendarDate } from '$lib/components/patients/dates';
import { caseFullMessage } from '$lib/cases/case-full';
import { usageLabel, type UsageLike } from '$lib/components/cases/case-text';

export const CASE_MODES = ['none', 'existing', 'new'] as const;
export type CaseMode = (typeof CASE_MODES)[number];

export interface BookingFormValues {
	patientId: string;
	/** Shown in the picker; the server fills it in from the patient record. */
	patientName: string;
	appointmentTypeId: string;
	practitionerId: string;
	/** 'YYYY-MM-DD' and 'HH:mm' on the clinic's clock. */
	date: string;
	time: string;
	/** Minutes, as typed. */
	durationMinutes: string;
	notes: string;
	caseMode: CaseMode;
	caseId: string;
	case: CaseFormValues;
}

export function emptyBookingFormValues(defaults: Partial<BookingFormValues> = {}): BookingFormValues {
	return {
		patientId: '',
		patientName: '',
		appointmentTypeId: '',
		practitionerId: '',
		date: '',
		time: '',
		durationMinutes: '',
		notes: '',
		caseMode: 'none',
		caseId: '',
		case: emptyCaseFormValues(),
		...defaults
	};
}

/** A patient as the picker lists it. */
export interface PatientOption {
	id: string;
	name: string;
	/** "Born 26 May 2001 · jane@example.com": enough to tell two Jane Citizens apart. */
	detail: string;
}

export function patientOption(p: {
	id: string;
	firstName: string;
	lastName: string;
	preferredFirstName: string | null;
	dateOfBirth: string | null;
	email: string | null;
	phoneNumbers: { number: string }[];
}): PatientOption {
	const name = p.preferredFirstName
		? `${p.firstName} (${p.preferredFirstName}) ${p.lastName}`
		: `${p.firstName} ${p.lastName}`;
	const detail = [
		p.dateOfBirth ? `Born ${formatCalendarDate(p.dateOfBirth)}` : null,
		p.email,
		p.phoneNumbers[0]?.number ?? null
	]
		.filter(Boolean)
		.join(' · ');
	return { id: p.id, name, detail };
}

/** An open case of the patient, for the "An existing case" choice. */
export interface OpenCaseOption {
	id: string;
	name: string;
	bodyParts: string[];
	/** "3 of 10 appointments", the amount figures, "Unlimited · 2 appointments" (usageLabel). */
	usage: string;
	isFull: boolean;
	/** Why it takes no appointment, in the words the server refuses with; null when it has room. */
	fullMessage: string | null;
	/** The services its template covers (none without a template). */
	serviceIds: string[];
}

export function openCaseOption(c: {
	id: string;
	name: string;
	bodyParts: { name: string }[];
	template: { serviceIds: string[] } | null;
	usage: UsageLike & { isFull: boolean };
}): OpenCaseOption {
	return {
		id: c.id,
		name: c.name,
		bodyParts: c.bodyParts.map((b) => b.name),
		usage: usageLabel(c.usage),
		isFull: c.usage.isFull,
		fullMessage: c.usage.isFull ? caseFullMessage(c.usage.maxAppointments) : null,
		serviceIds: c.template?.serviceIds ?? []
	};
}

/**
 * The case booking proposes for an appointment of a type with these services (issue 18): the
 * patient's one open case whose template covers one of them. None when two cases do (the person
 * chooses), when the type has no service, or when that one case is full.
 */
export function proposedCase(
	openCases: readonly OpenCaseOption[],
	typeServiceIds: readonly string[]
): OpenCaseOption | null {
	const covering = openCases.filter((c) => c.serviceIds.some((id) => typeServiceIds.includes(id)));
	return covering.length === 1 && !covering[0]!.isFull ? covering[0]! : null;
}

/** The booking question (seed 002): an open case that shares body parts with the new one. */
export interface MatchingCase {
	id: string;
	name: string;
	/** Its body parts that the new case also names. */
	sharedBodyParts: string[];
	/** Its usage figures, as the case page shows them; null when not known. */
	usage: string | null;
	/**
	 * Set when the case is full: the question says so and offers a new case or a higher cap, never
	 * "Add to".
	 */
	fullMessage: string | null;
}
