// How a patient is named on screen and in messages: the preferred first name when there is one.
import type { Patient } from './patient.entity.ts';

export function patientDisplayName(
	p: Pick<Patient, 'preferredFirstName' | 'firstName' | 'lastName'>
): string {
	return `${p.preferredFirstName || p.firstName} ${p.lastName}`;
}
