import { describe, expect, it } from 'vitest';
import type { CustomFieldView } from '$lib/server/patients/custom-fields.rules';
import { customFieldAnswer } from './custom-field-answer.ts';

const field = (overrides: Partial<CustomFieldView>): CustomFieldView => ({
	name: 'Provider',
	type: 'radiobuttons',
	token: 'b16839e0-26a4-48d6-83d6-36658e357c81',
	archived: false,
	...overrides
});

describe('customFieldAnswer', () => {
	it('reads a typed value, and a date as a calendar date', () => {
		expect(customFieldAnswer(field({ type: 'text', value: 'ABC-12345' }))).toEqual(['ABC-12345']);
		expect(customFieldAnswer(field({ type: 'date', value: '2024-02-29' }))).toEqual(['29 Feb 2024']);
	});

	it('reads the chosen options by name, then the "Other" answer', () => {
		const options = [
			{ name: 'Great Insurance', token: 'a', archived: false },
			{ name: 'Super Insurance', token: 'b', archived: true, selected: true as const }
		];
		expect(customFieldAnswer(field({ type: 'checkboxes', options }))).toEqual(['Super Insurance']);
		expect(
			customFieldAnswer(
				field({ type: 'checkboxes', options, other: { enabled: true, selected: true, value: 'Own plan' } })
			)
		).toEqual(['Super Insurance', 'Other: Own plan']);
		expect(customFieldAnswer(field({ options: [], other: { enabled: true, selected: true } }))).toEqual([
			'Other'
		]);
	});

	it('is empty when nothing is chosen', () => {
		expect(customFieldAnswer(field({ options: [{ name: 'A', token: 'a', archived: false }] }))).toEqual([]);
	});
});
