import { describe, expect, it } from 'vitest';
import { birthDateLabel, phoneItems, privacyPolicyLabel } from './patient-details.ts';

describe('privacyPolicyLabel', () => {
	it('tells "no answer yet" from "declined"', () => {
		expect(privacyPolicyLabel(null)).toBe('No answer yet');
		expect(privacyPolicyLabel(false)).toBe('Declined');
		expect(privacyPolicyLabel(true)).toBe('Accepted');
	});
});

describe('birthDateLabel', () => {
	it('gives the date of birth with the age', () => {
		expect(birthDateLabel('2001-05-26', '2025-05-26')).toBe('26 May 2001 (24 years)');
		expect(birthDateLabel(null, '2025-05-26')).toBeNull();
	});
});

describe('phoneItems', () => {
	it('labels each number by its type, readable and diallable', () => {
		expect(
			phoneItems(
				{
					phoneNumbers: [
						{ phoneType: 'Mobile', number: '+61412345678' },
						{ phoneType: 'Work', number: '+442079460958' }
					]
				},
				'AU'
			)
		).toEqual([
			{ label: 'Mobile', value: '0412 345 678', href: 'tel:+61412345678' },
			{ label: 'Work', value: '+44 20 7946 0958', href: 'tel:+442079460958' }
		]);
	});
});
