import { describe, expect, it } from 'vitest';
import { keyFromAuthorization } from './auth.ts';
import { ApiError, apiFieldErrors, snakeCase } from './http.ts';
import { pageLinks, parseFilter, parseListParams } from './list-params.ts';

const FIELDS = { first_name: 'firstName', date_of_birth: 'dateOfBirth', email: 'email' } as const;
const SPEC = { filters: FIELDS, sorts: { id: 'id', first_name: 'firstName' } } as const;

function errorOf(fn: () => unknown): ApiError {
	try {
		fn();
	} catch (error) {
		if (error instanceof ApiError) return error;
		throw error;
	}
	throw new Error('expected an ApiError');
}

describe('Cliniko filters', () => {
	it.each([
		['first_name:=Ann', '=', 'Ann'],
		['first_name:!=Ann', '!=', 'Ann'],
		['date_of_birth:<1990-01-01', '<', '1990-01-01'],
		['date_of_birth:<=1990-01-01', '<=', '1990-01-01'],
		['date_of_birth:>1990-01-01', '>', '1990-01-01'],
		['date_of_birth:>=1990-01-01', '>=', '1990-01-01'],
		['first_name:~an', '~', 'an'],
		['first_name:~~a%n', '~~', 'a%n'],
		['date_of_birth:=****-05-**', '=', '****-05-**'],
		['first_name:==x', '=', '=x']
	])('reads %s', (raw, op, value) => {
		expect(parseFilter(raw, FIELDS)).toEqual({
			field: raw.startsWith('first') ? 'firstName' : 'dateOfBirth',
			op,
			value
		});
	});

	it('reads ? and !? without a value', () => {
		expect(parseFilter('email:?', FIELDS)).toEqual({ field: 'email', op: '?' });
		expect(parseFilter('email:!?', FIELDS)).toEqual({ field: 'email', op: '!?' });
		expect(errorOf(() => parseFilter('email:?x', FIELDS)).message).toContain('takes no value');
	});

	it('names an unknown field, an unknown operator and a malformed filter', () => {
		expect(errorOf(() => parseFilter('shoe:=1', FIELDS)).message).toContain('Unknown filter field "shoe"');
		expect(errorOf(() => parseFilter('constructor:=1', FIELDS)).message).toContain('Unknown filter field');
		expect(errorOf(() => parseFilter('email:^x', FIELDS)).message).toContain(
			'Unknown filter operator in "email:^x"'
		);
		expect(errorOf(() => parseFilter('email', FIELDS)).status).toBe(400);
	});
});

describe('list parameters', () => {
	const parse = (query: string) => parseListParams(new URL(`http://x.test/api/v1/patients?${query}`), SPEC);

	it('defaults to page 1 of 50, sorted by the service default', () => {
		expect(parse('')).toEqual({ page: 1, perPage: 50, filters: [], rawFilters: [], sort: [] });
	});

	it('reads page, per_page, several sorts and filters', () => {
		const params = parse('page=3&per_page=100&sort=first_name,id:desc&q[]=email:?&q=first_name:=Al');
		expect(params).toMatchObject({
			page: 3,
			perPage: 100,
			sort: [
				{ field: 'firstName', direction: 'asc' },
				{ field: 'id', direction: 'desc' }
			],
			rawFilters: ['email:?', 'first_name:=Al']
		});
		expect(parse('sort=first_name&order=desc').sort).toEqual([{ field: 'firstName', direction: 'desc' }]);
	});

	it.each(['page=0', 'page=x', 'per_page=101', 'per_page=0', 'sort=nope', 'sort=id:sideways', 'order=up'])(
		'refuses %s with a 400',
		(query) => {
			expect(errorOf(() => parse(query)).status).toBe(400);
		}
	);
});

describe('page links', () => {
	const url = new URL('http://internal:3000/api/v1/patients?q[]=last_name:=Snow&per_page=2&page=2');

	it('builds absolute links on the public origin, keeping the query', () => {
		expect(pageLinks(url, 'https://clinic.example', { page: 2, perPage: 2, total: 5 })).toEqual({
			self: 'https://clinic.example/api/v1/patients?page=2&q[]=last_name:=Snow&per_page=2',
			next: 'https://clinic.example/api/v1/patients?page=3&q[]=last_name:=Snow&per_page=2',
			previous: 'https://clinic.example/api/v1/patients?page=1&q[]=last_name:=Snow&per_page=2'
		});
	});

	it('has no next on the last page and no previous on the first', () => {
		expect(pageLinks(url, 'https://c.example', { page: 3, perPage: 2, total: 5 }).next).toBeUndefined();
		expect(pageLinks(url, 'https://c.example', { page: 1, perPage: 2, total: 5 }).previous).toBeUndefined();
		expect(Object.keys(pageLinks(url, 'https://c.example', { page: 1, perPage: 50, total: 0 }))).toEqual([
			'self'
		]);
	});

	it('keeps wildcards encoded', () => {
		const wild = new URL('http://x.test/api/v1/patients?q[]=last_name:~~ja%25on%25');
		expect(pageLinks(wild, 'http://x.test', { page: 1, perPage: 50, total: 1 }).self).toBe(
			'http://x.test/api/v1/patients?page=1&q[]=last_name:~~ja%25on%25'
		);
	});
});

describe('field errors in the API’s names', () => {
	it('renames the field and snake-cases the rest of the path, joining several messages', () => {
		const rename = (field: string) => ({ phoneNumbers: 'patient_phone_numbers' })[field] ?? snakeCase(field);
		expect(
			apiFieldErrors(
				{
					firstName: ['Enter a first name'],
					'phoneNumbers.0.phoneType': ['Choose Mobile'],
					'customFields.sections.0.token': ['Unknown', 'Twice'],
					address1: ['Too long'],
					'': ['Something']
				},
				rename
			)
		).toEqual({
			first_name: 'Enter a first name',
			'patient_phone_numbers.0.phone_type': 'Choose Mobile',
			'custom_fields.sections.0.token': 'Unknown; Twice',
			address_1: 'Too long',
			base: 'Something'
		});
	});
});

describe('Basic authentication', () => {
	const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;

	it('takes the key from the user name, with or without a password', () => {
		expect(keyFromAuthorization(basic('cbk_abc:'))).toBe('cbk_abc');
		expect(keyFromAuthorization(basic('cbk_abc'))).toBe('cbk_abc');
		expect(keyFromAuthorization(basic('cbk_abc:ignored'))).toBe('cbk_abc');
		expect(keyFromAuthorization(`basic ${Buffer.from('cbk_abc:').toString('base64')}`)).toBe('cbk_abc');
	});

	it('finds nothing in a missing, empty or other kind of header', () => {
		expect(keyFromAuthorization(null)).toBeNull();
		expect(keyFromAuthorization(basic(':'))).toBeNull();
		expect(keyFromAuthorization('Bearer cbk_abc')).toBeNull();
	});
});
