import { describe, expect, it } from 'vitest';
import { field, fieldList, formValuesOf, isChecked } from './forms.ts';

function posted(entries: [string, string | Blob][]) {
	const data = new FormData();
	for (const [name, value] of entries) data.append(name, value);
	return formValuesOf(data);
}

describe('form values', () => {
	it('reads a field as typed, and a missing one as empty', () => {
		const values = posted([
			['name', ' Spinal '],
			['empty', '']
		]);
		expect(field(values, 'name')).toBe(' Spinal ');
		expect(field(values, 'empty')).toBe('');
		expect(field(values, 'missing')).toBe('');
	});

	it('reads a repeated name as its first value, and all of them as a list', () => {
		const values = posted([
			['serviceIds', '1'],
			['serviceIds', '2'],
			['one', '3']
		]);
		expect(field(values, 'serviceIds')).toBe('1');
		expect(fieldList(values, 'serviceIds')).toEqual(['1', '2']);
		expect(fieldList(values, 'one')).toEqual(['3']);
		expect(fieldList(values, 'missing')).toEqual([]);
	});

	it('reads a ticked checkbox as true, an unticked (absent) one as false', () => {
		const values = posted([['isActive', 'on']]);
		expect(isChecked(values, 'isActive')).toBe(true);
		expect(isChecked(values, 'isLead')).toBe(false);
	});

	it('does not mistake object properties for fields', () => {
		const values = posted([]);
		expect(field(values, 'toString')).toBe('');
		expect(field(values, '__proto__')).toBe('');
		expect(fieldList(values, 'constructor')).toEqual([]);
	});

	it('leaves files out: a file field reads as empty', () => {
		const values = posted([['file', new Blob(['x'])]]);
		expect(field(values, 'file')).toBe('');
	});

	it('refuses text the database cannot store (U+0000) with a 400', () => {
		expect(() => posted([['name', 'a\u0000b']])).toThrow(expect.objectContaining({ status: 400 }));
	});

	it('keeps a field named __proto__ as a field, without touching any prototype', () => {
		const values = posted([
			['__proto__', 'posted'],
			['name', 'Jo']
		]);
		expect(field(values, '__proto__')).toBe('posted');
		expect(field(values, 'name')).toBe('Jo');
		expect(({} as Record<string, unknown>).posted).toBeUndefined();
	});
});
