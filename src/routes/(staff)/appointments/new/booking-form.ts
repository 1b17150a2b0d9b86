// The booking form's values as typed (strings, client-safe) and the small views the form shows:
// patients found by the picker and the patient's open cases. The server side is booking-form.server.ts.
import { emptyCaseFormValues, type CaseFormValues } from '$lib/components/cases/case-form';
import { formatCalendarDate } from '$lib/components/patients/dates';
import { formatMoney } from '../appointment-text';

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
	/** "3 of 10 used", "$240.00 left", "2 appointments". */
	usage: string;
	isFull: boolean;
}

export function openCaseOption(c: {
	id: string;
	name: string;
	bodyParts: { name: string }[];
	usage: {
		limitKind: string;
		appointmentsCounted: number;
		maxAppointments: number | null;
		amountLeftCents: number | null;
		isFull: boolean;
	};
}): OpenCaseOption {
	const u = c.usage;
	const usage =
		u.limitKind === 'appointments' && u.maxAppointments !== null
			? `${u.appointmentsCounted} of ${u.maxAppointments} used`
			: u.limitKind === 'amount' && u.amountLeftCents !== null
				? `${formatMoney(u.amountLeftCents)} left`
				: `${u.appointmentsCounted} ${u.appointmentsCounted === 1 ? 'appointment' : 'appointments'}`;
	return { id: c.id, name: c.name, bodyParts: c.bodyParts.map((b) => b.name), usage, isFull: u.isFull };
}

/** The booking question (seed 002): an open case that shares body parts with the new one. */
export interface MatchingCase {
	id: string;
	name: string;
	/** Its body parts that the new case also names. */
	sharedBodyParts: string[];
}
