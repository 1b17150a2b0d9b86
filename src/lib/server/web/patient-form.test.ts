import { describe, expect, it } from 'vitest';
import { createPatientInput, updatePatientInput } from '../../schemas/patient.ts';
import type { PatientView } from '../patients/patients.service.ts';
import {
	duplicatesOf,
	emptyPatientFormValues,
	indexedRows,
	loadPatientFormOptions,
	patientFormValues,
	readPatientForm,
	type PatientFormCaller
} from './patient-form.ts';
import { formValuesOf, type FormValues } from './forms.ts';
import type { CustomFieldsDefinitionDoc } from '../patients/custom-field-definition.entity.ts';

function form(entries: [string, string][]): FormValues {
	const data = new FormData();
	for (const [name, value] of entries) data.append(name, value);
	return formValuesOf(data);
}

/** What a browser posts for a filled-in new-patient form (unticked boxes are simply absent). */
function filledIn(extra: [string, string][] = []): FormValues {
	return form([
		['title', 'Ms'],
		['firstName', ' Jane '],
		['lastName', 'Citizen'],
		['preferredFirstName', ''],
		['dateOfBirth', '1990-04-01'],
		['email', 'Jane@Example.com'],
		['phoneNumbers[0].phoneType', 'Mobile'],
		['phoneNumbers[0].number', '0412 345 678'],
		['phoneNumbers[1].phoneType', 'Home'],
		['phoneNumbers[1].number', '(02) 9876 5432'],
		['timeZone', ''],
		['reminderType', 'SMS'],
		['receivesConfirmationEmails', 'on'],
		['acceptedPrivacyPolicy', 'accepted'],
		['acceptedSmsMarketing', 'on'],
		['concessionTypeId', ''],
		['referringDoctorId', '12'],
		['medicalAlerts[0].id', ''],
		['medicalAlerts[0].name', 'Penicillin allergy'],
		['medicalAlerts[0].notes', 'Rash'],
		['notes', ''],
		...extra
	]);
}

describe('readPatientForm', () => {
	it('turns a filled-in form into input the create schema accepts', () => {
		const { input, fieldErrors, version } = readPatientForm(filledIn(), 'create');
		expect(fieldErrors).toEqual({});
		expect(version).toBeUndefined();
		const parsed = createPatientInput('AU').parse(input);
		expect(parsed).toMatchObject({
			title: 'Ms',
			firstName: 'Jane',
			lastName: 'Citizen',
			preferredFirstName: null,
			dateOfBirth: '1990-04-01',
			email: 'jane@example.com',
			timeZone: null,
			notes: null,
			phoneNumbers: [
				{ phoneType: 'Mobile', number: '+61412345678' },
				{ phoneType: 'Home', number: '+61298765432' }
			],
			reminderType: 'SMS',
			receivesConfirmationEmails: true,
			acceptedEmailMarketing: false,
			acceptedSmsMarketing: true,
			acceptedPrivacyPolicy: true,
			concessionTypeId: null,
			referringDoctorId: '12',
			medicalAlerts: [{ name: 'Penicillin allergy', notes: 'Rash' }],
			allowDuplicates: false
		});
		expect(parsed.medicalAlerts?.[0]).not.toHaveProperty('id');
	});

	it('reads the three privacy policy answers as true, false and null', () => {
		const answer = (value: string) =>
			readPatientForm(form([['acceptedPrivacyPolicy', value]]), 'create').input.acceptedPrivacyPolicy;
		expect(answer('accepted')).toBe(true);
		expect(answer('declined')).toBe(false);
		expect(answer('unanswered')).toBeNull();
		expect(answer('nonsense')).toBeNull();
	});

	it('reads unticked boxes as false', () => {
		const { input } = readPatientForm(form([['firstName', 'A']]), 'create');
		expect(input.receivesConfirmationEmails).toBe(false);
		expect(input.acceptedEmailMarketing).toBe(false);
		expect(input.acceptedSmsMarketing).toBe(false);
	});

	it('keeps rows in index order, closes gaps and drops rows left empty', () => {
		const { input, values } = readPatientForm(
			form([
				['phoneNumbers[2].number', '0400 000 002'],
				['phoneNumbers[2].phoneType', 'Work'],
				['phoneNumbers[0].phoneType', 'Mobile'],
				['phoneNumbers[0].number', '0400 000 000'],
				['phoneNumbers[1].phoneType', 'Home'],
				['phoneNumbers[1].number', '  '],
				['medicalAlerts[0].name', ''],
				['medicalAlerts[0].notes', ''],
				['medicalAlerts[1].id', 'a1'],
				['medicalAlerts[1].name', 'Asthma'],
				['medicalAlerts[1].notes', '']
			]),
			'create'
		);
		expect(input.phoneNumbers).toEqual([
			{ phoneType: 'Mobile', number: '0400 000 000' },
			{ phoneType: 'Work', number: '0400 000 002' }
		]);
		expect(values.phoneNumbers.map((p) => p.phoneType)).toEqual(['Mobile', 'Work']);
		expect(input.medicalAlerts).toEqual([{ id: 'a1', name: 'Asthma', notes: '' }]);
	});

	it('keeps an alert with notes but no name, so the schema can ask for the name', () => {
		const { input } = readPatientForm(
			form([
				['firstName', 'A'],
				['lastName', 'B'],
				['medicalAlerts[0].notes', 'Check first']
			]),
			'create'
		);
		const result = createPatientInput('AU').safeParse(input);
		expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['medicalAlerts.0.name']);
	});

	it('reports phone number errors at the index of the row as shown again', () => {
		const { input, values } = readPatientForm(
			form([
				['firstName', 'A'],
				['lastName', 'B'],
				['phoneNumbers[0].phoneType', 'Mobile'],
				['phoneNumbers[0].number', ''],
				['phoneNumbers[1].phoneType', 'Mobile'],
				['phoneNumbers[1].number', 'not a phone']
			]),
			'create'
		);
		const result = createPatientInput('AU').safeParse(input);
		expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['phoneNumbers.0.number']);
		expect(values.phoneNumbers).toEqual([{ phoneType: 'Mobile', number: 'not a phone' }]);
	});

	it('ignores indexed names of other lists and absurd indexes', () => {
		const data = form([
			['phoneNumbers[0].number', '1'],
			['phoneNumbers[99999].number', '2'],
			['other[0].number', '3'],
			['phoneNumbers.0.number', '4']
		]);
		expect(indexedRows(data, 'phoneNumbers')).toEqual([{ number: '1' }]);
	});

	it('parses the custom fields document, and leaves the answers alone when none is posted', () => {
		const doc = { sections: [{ token: 'ef4c43ec-105d-489c-88cc-0f3c5f67dc70', fields: [] }] };
		const posted = readPatientForm(form([['customFields', JSON.stringify(doc)]]), 'update');
		expect(posted.input.customFields).toEqual(doc);
		expect(posted.values.customFields).toEqual(doc);
		expect(readPatientForm(form([]), 'update').input).not.toHaveProperty('customFields');
		expect(readPatientForm(form([['customFields', '']]), 'update').input).not.toHaveProperty('customFields');
	});

	it('sends custom fields of any shape on to be checked, but only shows back well-formed ones', () => {
		const posted = readPatientForm(form([['customFields', '{"sections": 3}']]), 'create');
		expect(posted.input.customFields).toEqual({ sections: 3 });
		expect(posted.values.customFields).toBeNull();
	});

	it('turns custom fields that are not JSON into a field error', () => {
		const { input, fieldErrors } = readPatientForm(form([['customFields', '{"sections": [']]), 'create');
		expect(input).not.toHaveProperty('customFields');
		expect(fieldErrors.customFields).toHaveLength(1);
	});

	it('reads allowDuplicates only on the new-patient form', () => {
		expect(readPatientForm(filledIn([['allowDuplicates', 'on']]), 'create').input.allowDuplicates).toBe(true);
		expect(readPatientForm(filledIn(), 'create').input.allowDuplicates).toBe(false);
		expect(readPatientForm(filledIn([['allowDuplicates', 'on']]), 'update').input).not.toHaveProperty(
			'allowDuplicates'
		);
	});

	it('reads the version of the edit form as a number, and a missing one as 0 (refused)', () => {
		const read = readPatientForm(filledIn([['version', '7']]), 'update');
		expect(read.version).toBe(7);
		const parsed = updatePatientInput('AU').parse({ ...read.input, id: '5', version: read.version });
		expect(parsed.version).toBe(7);
		const missing = readPatientForm(filledIn(), 'update');
		expect(missing.version).toBe(0);
		expect(updatePatientInput('AU').safeParse({ ...missing.input, id: '5', version: 0 }).success).toBe(false);
	});

	it('leaves unchanged references out of an update, and sends changed or cleared ones', () => {
		const unchanged = readPatientForm(
			form([
				['referringDoctorId', '12'],
				['initialReferringDoctorId', '12'],
				['concessionTypeId', ''],
				['initialConcessionTypeId', '']
			]),
			'update'
		);
		expect(unchanged.input).not.toHaveProperty('referringDoctorId');
		expect(unchanged.input).not.toHaveProperty('concessionTypeId');
		const changed = readPatientForm(
			form([
				['referringDoctorId', ''],
				['initialReferringDoctorId', '12'],
				['concessionTypeId', '3'],
				['initialConcessionTypeId', '']
			]),
			'update'
		);
		expect(changed.input.referringDoctorId).toBeNull();
		expect(changed.input.concessionTypeId).toBe('3');
	});

	it('gives back what was typed, untrimmed, for the form to show again', () => {
		const { values } = readPatientForm(filledIn(), 'create');
		expect(values.firstName).toBe(' Jane ');
		expect(values.email).toBe('Jane@Example.com');
		expect(values.acceptedPrivacyPolicy).toBe('accepted');
		expect(values.receivesConfirmationEmails).toBe(true);
		expect(values.medicalAlerts).toEqual([{ id: '', name: 'Penicillin allergy', notes: 'Rash' }]);
	});
});

describe('patientFormValues', () => {
	const patient = {
		...Object.fromEntries(Object.keys(emptyPatientFormValues()).map((k) => [k, null])),
		id: '5',
		firstName: 'Jane',
		lastName: 'Citizen',
		city: 'Sydney',
		phoneNumbers: [{ phoneType: 'Mobile', number: '+61412345678' }],
		medicalAlerts: [{ id: 'a1', name: 'Asthma', notes: null, createdAt: '2024-01-01T00:00:00Z' }],
		reminderType: 'Email',
		receivesConfirmationEmails: false,
		acceptedPrivacyPolicy: false,
		acceptedEmailMarketing: true,
		acceptedSmsMarketing: false,
		concessionType: { id: '3', name: 'Pensioner' },
		referringDoctor: null,
		customFields: null,
		version: 4
	} as unknown as PatientView;

	it('shows a saved patient with empty strings for unset fields and local phone numbers', () => {
		const values = patientFormValues(patient, 'AU');
		expect(values).toMatchObject({
			firstName: 'Jane',
			title: '',
			city: 'Sydney',
			phoneNumbers: [{ phoneType: 'Mobile', number: '0412 345 678' }],
			medicalAlerts: [{ id: 'a1', name: 'Asthma', notes: '' }],
			reminderType: 'Email',
			acceptedPrivacyPolicy: 'declined',
			concessionTypeId: '3',
			referringDoctorId: ''
		});
	});

	it('round-trips: the form posted back unchanged updates nothing but what it holds', () => {
		const values = patientFormValues(patient, 'AU');
		const data = new FormData();
		for (const [key, value] of Object.entries(values)) {
			if (typeof value === 'string') data.append(key, value);
			if (value === true) data.append(key, 'on');
		}
		values.phoneNumbers.forEach((p, i) => {
			data.append(`phoneNumbers[${i}].phoneType`, p.phoneType);
			data.append(`phoneNumbers[${i}].number`, p.number);
		});
		values.medicalAlerts.forEach((a, i) => {
			data.append(`medicalAlerts[${i}].id`, a.id);
			data.append(`medicalAlerts[${i}].name`, a.name);
			data.append(`medicalAlerts[${i}].notes`, a.notes);
		});
		data.append('version', '4');
		const read = readPatientForm(formValuesOf(data), 'update');
		const parsed = updatePatientInput('AU').parse({ ...read.input, id: '5', version: read.version });
		expect(parsed).toMatchObject({
			firstName: 'Jane',
			city: 'Sydney',
			title: null,
			phoneNumbers: [{ phoneType: 'Mobile', number: '+61412345678' }],
			medicalAlerts: [{ id: 'a1', name: 'Asthma', notes: null }],
			reminderType: 'Email',
			receivesConfirmationEmails: false,
			acceptedPrivacyPolicy: false,
			acceptedEmailMarketing: true,
			concessionTypeId: '3',
			referringDoctorId: null
		});
	});
});

describe('duplicatesOf', () => {
	it('reads the likely duplicates of a CONFLICT', () => {
		expect(
			duplicatesOf({
				duplicates: [
					{
						id: '9',
						firstName: 'Jane',
						lastName: 'Citizen',
						dateOfBirth: '1990-04-01',
						email: null,
						reasons: ['name_and_birth_date', 'mobile'],
						archivedAt: null
					}
				]
			})
		).toEqual([
			{
				id: '9',
				firstName: 'Jane',
				lastName: 'Citizen',
				dateOfBirth: '1990-04-01',
				email: null,
				reasons: ['name_and_birth_date', 'mobile'],
				isArchived: false,
				matchedOn: 'same name and date of birth, same mobile'
			}
		]);
	});

	it('is null for any other failure', () => {
		expect(duplicatesOf(undefined)).toBeNull();
		expect(duplicatesOf({})).toBeNull();
		expect(duplicatesOf({ duplicates: [] })).toBeNull();
		expect(duplicatesOf({ duplicates: [{ id: 1 }] })).toBeNull();
	});
});

describe('loadPatientFormOptions', () => {
	function caller(doctorCount: number): PatientFormCaller & { pagesRead: number[] } {
		const doctors = Array.from({ length: doctorCount }, (_, i) => ({
			id: String(i + 1),
			name: `Dr ${i + 1}`,
			company: null,
			providerNumber: null
		}));
		const pagesRead: number[] = [];
		return {
			pagesRead,
			contacts: {
				find: ({ page, perPage }) => {
					pagesRead.push(page);
					return Promise.resolve({
						items: doctors.slice((page - 1) * perPage, page * perPage),
						pageCount: Math.max(1, Math.ceil(doctors.length / perPage))
					});
				}
			},
			patients: { concessionTypes: () => Promise.resolve([{ id: '1', name: 'Pensioner' }]) }
		};
	}
	const noFields: CustomFieldsDefinitionDoc = { sections: [] };
	const someFields: CustomFieldsDefinitionDoc = {
		sections: [
			{ token: 'ef4c43ec-105d-489c-88cc-0f3c5f67dc70', name: 'Insurance', archived: false, fields: [] }
		]
	};

	it('reads every page of referring doctors', async () => {
		const api = caller(250);
		const options = await loadPatientFormOptions(api, noFields);
		expect(api.pagesRead).toEqual([1, 2, 3]);
		expect(options.referringDoctors).toHaveLength(250);
		expect(options.timeZones).toContain('Australia/Sydney');
		expect(options.timeZones).toContain('UTC');
		expect(options.limits.phoneNumbers).toBeGreaterThan(0);
	});

	it("keeps the patient's archived doctor and concession type on offer, marked as archived", async () => {
		const options = await loadPatientFormOptions(caller(2), noFields, {
			referringDoctor: { id: '99', name: 'Dr Gone', type: 'gp', providerNumber: '123' },
			concessionType: { id: '7', name: 'Old concession' },
			customFields: null
		});
		expect(options.referringDoctors[0]).toMatchObject({ id: '99', name: 'Dr Gone', isArchived: true });
		expect(options.concessionTypes[0]).toEqual({ id: '7', name: 'Old concession', isArchived: true });
	});

	it('offers custom fields only when the clinic has some', async () => {
		expect((await loadPatientFormOptions(caller(0), noFields)).customFieldDefinition).toBeNull();
		expect((await loadPatientFormOptions(caller(0), someFields)).customFieldDefinition).toBe(someFields);
		const archived = { sections: [{ ...someFields.sections[0]!, archived: true }] };
		expect((await loadPatientFormOptions(caller(0), archived)).customFieldDefinition).toBeNull();
	});
});
