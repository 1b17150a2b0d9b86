import { describe, expect, it } from 'vitest';
import { formatPhone, phoneHref } from './phone.ts';

describe('formatPhone', () => {
	it('shows a number from the clinic country in its national format', () => {
		expect(formatPhone('+61412345678', 'AU')).toBe('0412 345 678');
		expect(formatPhone('+61298765432', 'AU')).toBe('(02) 9876 5432');
	});

	it('shows a number from another country in international format', () => {
		expect(formatPhone('+442079460958', 'AU')).toBe('+44 20 7946 0958');
		expect(formatPhone('+61412345678', 'NZ')).toBe('+61 412 345 678');
	});

	it('uses the international format when the clinic country is not known', () => {
		expect(formatPhone('+61412345678')).toBe('+61 412 345 678');
	});

	it('shows what is stored when it is not a phone number', () => {
		expect(formatPhone('not a number', 'AU')).toBe('not a number');
		expect(formatPhone('', 'AU')).toBe('');
	});
});

describe('phoneHref', () => {
	it('dials the E.164 number', () => {
		expect(phoneHref('+61412345678')).toBe('tel:+61412345678');
	});
});
