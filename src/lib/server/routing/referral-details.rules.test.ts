import { describe, expect, it } from 'vitest';
import { guessPatientFromReferral } from './referral-details.rules.ts';

describe('guessing the patient from a referral’s details', () => {
	it('reads a labelled name, date of birth, email and mobile', () => {
		expect(
			guessPatientFromReferral(
				'Patient: Mrs Ana Maria Lima\nDOB: 07/03/1984\nMobile: 0412 345 678\nEmail ana.lima@example.test\nRight knee pain.'
			)
		).toEqual({
			firstName: 'Ana Maria',
			lastName: 'Lima',
			dateOfBirth: '1984-03-07',
			email: 'ana.lima@example.test',
			mobile: '0412 345 678'
		});
	});

	it('takes ISO dates as written and keeps the name apart from what follows it on the line', () => {
		expect(guessPatientFromReferral('Name: Tom Baker, d.o.b. 1984-3-7 — please see soon')).toMatchObject({
			firstName: 'Tom',
			lastName: 'Baker',
			dateOfBirth: '1984-03-07'
		});
	});

	it('leaves out what it does not find, and a date that does not exist', () => {
		expect(guessPatientFromReferral('Born 31/02/1990. Query sarcoma, left thigh.')).toEqual({
			firstName: '',
			lastName: '',
			dateOfBirth: '',
			email: '',
			mobile: ''
		});
		expect(guessPatientFromReferral(null).firstName).toBe('');
	});
});
