import { describe, expect, it } from 'vitest';
import { caseFormValuesFrom, emptyCaseFormValues } from '../../components/cases/case-form.ts';
import { createCaseInput } from '../../schemas/case.ts';
import { MAX_AMOUNT_MESSAGE, readCaseForm as readCaseFormData } from './case-form.ts';
import { formValuesOf } from './forms.ts';

const readCaseForm = (data: FormData, prefix?: string) => readCaseFormData(formValuesOf(data), prefix);

function form(entries: [string, string][]): FormData {
	const data = new FormData();
	for (const [name, value] of entries) data.append(name, value);
	return data;
}

describe('readCaseForm', () => {
	it('reads a filled-in form into the create input', () => {
		const read = readCaseForm(
			form([
				['name', ' Left knee '],
				['templateId', '7'],
				['bodyPartIds', '3'],
				['bodyPartIds', '5'],
				['bodyPartIds', '3'],
				['limitKind', 'amount'],
				['maxAppointments', '12'],
				['maxAmount', '$1,250.5'],
				['countsCancelled', 'on'],
				['hasReferral', 'on'],
				['referringDoctorId', '9'],
				['referralIssuedOn', '2025-01-10'],
				['referralExpiresOn', '2026-01-10'],
				['referralType', 'medicare'],
				['notes', 'Post-op\nweek 2'],
				['issuedOn', '2025-01-12']
			])
		);
		expect(read.fieldErrors).toEqual({});
		expect(read.values.bodyPartIds).toEqual(['3', '5']);
		expect(read.values.maxAmount).toBe('$1,250.5');
		expect(read.input).toMatchObject({
			name: ' Left knee ',
			templateId: '7',
			limitKind: 'amount',
			// The other kind's number is ignored.
			maxAppointments: null,
			maxAmountCents: 125_050,
			countsCancelled: true,
			countsDidNotArrive: false,
			hasReferral: true,
			referringDoctorId: '9',
			referralType: 'medicare'
		});
		const parsed = createCaseInput.parse({ ...read.input, patientId: '1' });
		expect(parsed).toMatchObject({ name: 'Left knee', maxAmountCents: 125_050, issuedOn: '2025-01-12' });
	});

	it('reads fields under a prefix', () => {
		const read = readCaseForm(
			form([
				['case.name', 'Shoulder'],
				['case.limitKind', 'appointments'],
				['case.maxAppointments', '10'],
				['name', 'not this one']
			]),
			'case.'
		);
		expect(read.fieldErrors).toEqual({});
		expect(read.input).toMatchObject({ name: 'Shoulder', limitKind: 'appointments', maxAppointments: 10 });
	});

	it('names every problem at its schema field in one round', () => {
		const read = readCaseForm(
			form([
				['name', ' '],
				['limitKind', 'appointments'],
				['maxAppointments', '2.5'],
				['hasReferral', 'on'],
				['referralIssuedOn', '2025-03-01'],
				['referralExpiresOn', '2025-02-01']
			])
		);
		expect(Object.keys(read.fieldErrors).sort()).toEqual(['maxAppointments', 'name']);
		const blank = readCaseForm(
			form([
				['name', 'x'],
				['limitKind', 'appointments']
			])
		);
		expect(blank.fieldErrors.maxAppointments?.[0]).toMatch(/Enter a number of appointments/);
		const dates = readCaseForm(
			form([
				['name', 'x'],
				['limitKind', 'unlimited'],
				['hasReferral', 'on'],
				['referralIssuedOn', '2025-03-01'],
				['referralExpiresOn', '2025-02-01']
			])
		);
		expect(dates.fieldErrors.referralExpiresOn).toEqual(['The expiry date cannot be before the issue date']);
	});

	it('refuses an amount that is not dollars with its own message', () => {
		const read = readCaseForm(
			form([
				['name', 'x'],
				['limitKind', 'amount'],
				['maxAmount', '12.345']
			])
		);
		expect(read.fieldErrors.maxAmountCents).toEqual([MAX_AMOUNT_MESSAGE]);
		const missing = readCaseForm(
			form([
				['name', 'x'],
				['limitKind', 'amount']
			])
		);
		expect(missing.fieldErrors.maxAmountCents).toEqual(['Enter the maximum invoiceable amount']);
	});

	it('drops referral details when there is no referral', () => {
		const read = readCaseForm(
			form([
				['name', 'x'],
				['limitKind', 'unlimited'],
				['referringDoctorId', '4'],
				['referralExpiresOn', 'garbage']
			])
		);
		expect(read.fieldErrors).toEqual({});
		expect(read.input).toMatchObject({
			referringDoctorId: null,
			referralExpiresOn: null,
			referralType: null
		});
		expect(read.values.referringDoctorId).toBe('4');
	});

	it('reads "not specified" as no referral type, and names an unknown one', () => {
		const base: [string, string][] = [
			['name', 'x'],
			['limitKind', 'unlimited'],
			['hasReferral', 'on']
		];
		expect(readCaseForm(form([...base, ['referralType', '']])).input.referralType).toBeNull();
		const unknown = readCaseForm(form([...base, ['referralType', 'dva']]));
		expect(unknown.fieldErrors.referralType).toEqual(['Choose medicare, or none']);
		expect(unknown.values.referralType).toBe('');
	});
});

describe('case form values', () => {
	it('starts a new case unlimited, dated today when told', () => {
		expect(emptyCaseFormValues('2025-05-01')).toMatchObject({
			limitKind: 'unlimited',
			issuedOn: '2025-05-01'
		});
	});

	it('shows a saved case with its amount in dollars', () => {
		const values = caseFormValuesFrom({
			name: 'Knee',
			template: { id: '2' },
			bodyParts: [{ id: '4' }],
			usage: { limitKind: 'amount', maxAppointments: null, maxAmountCents: 50_000 },
			countsCancelled: false,
			countsDidNotArrive: true,
			hasReferral: false,
			referringDoctor: null,
			referralIssuedOn: null,
			referralExpiresOn: null,
			referralType: null,
			notes: null,
			issuedOn: '2025-01-01'
		});
		expect(values).toMatchObject({
			templateId: '2',
			bodyPartIds: ['4'],
			maxAmount: '500.00',
			notes: '',
			referralType: ''
		});
	});
});
