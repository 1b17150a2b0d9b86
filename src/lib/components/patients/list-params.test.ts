import { describe, expect, it } from 'vitest';
import { countLabel, isFiltered, listHref, parseListParams, toFindInput } from './list-params.ts';

const parse = (query: string) => parseListParams(new URLSearchParams(query));

describe('parseListParams', () => {
	it('reads a shared URL', () => {
		expect(parse('tab=archived&q=smith&born=05&email=has&sort=newest&cursor=abc&dir=prev')).toEqual({
			tab: 'archived',
			q: 'smith',
			born: '05',
			email: 'has',
			sort: 'newest',
			cursor: 'abc',
			dir: 'prev',
			page: 1
		});
	});

	it('falls back to defaults for anything odd or empty', () => {
		expect(parse('tab=secret&q=&born=13&email=maybe&sort=age&cursor=&dir=sideways&page=-3')).toEqual({
			tab: 'active',
			q: undefined,
			born: undefined,
			email: undefined,
			sort: 'lastName',
			cursor: undefined,
			dir: 'next',
			page: 1
		});
	});
});

describe('toFindInput', () => {
	it('turns "born in" and "email" into Cliniko filters', () => {
		const input = toFindInput(parse('born=05&email=none&q=%20ann%20'));
		expect(input.search).toBe('ann');
		expect(input.filters).toEqual([
			{ field: 'dateOfBirth', op: '=', value: '****-05-**' },
			{ field: 'email', op: '!?' }
		]);
		expect(toFindInput(parse('email=has')).filters).toEqual([{ field: 'email', op: '?' }]);
	});

	it('maps the sort choices and the page direction', () => {
		expect(toFindInput(parse('')).sort).toEqual({ field: 'lastName', direction: 'asc' });
		expect(toFindInput(parse('sort=newest')).sort).toEqual({ field: 'createdAt', direction: 'desc' });
		expect(toFindInput(parse('sort=updated')).sort).toEqual({ field: 'updatedAt', direction: 'desc' });
		expect(toFindInput(parse('cursor=abc&dir=prev'))).toMatchObject({ cursor: 'abc', direction: 'backward' });
		expect(toFindInput(parse('cursor=abc'))).toMatchObject({ cursor: 'abc', direction: 'forward' });
	});
});

describe('listHref', () => {
	it('leaves out defaults', () => {
		expect(listHref(parse(''))).toBe('/patients');
		expect(listHref(parse('q=ann&sort=lastName'))).toBe('/patients?q=ann');
	});

	it('keeps search and filters when paging', () => {
		expect(listHref(parse('q=ann&born=05'), { cursor: 'xyz', dir: 'prev' })).toBe(
			'/patients?q=ann&born=05&cursor=xyz&dir=prev'
		);
	});

	it('starts at the first page when the tab, search or sort changes', () => {
		const params = parse('q=ann&cursor=xyz');
		expect(listHref(params, { sort: 'newest' })).toBe('/patients?q=ann&sort=newest');
		expect(listHref(params, { tab: 'archived' })).toBe('/patients?tab=archived&q=ann');
		expect(listHref(params, { tab: 'deleted' })).toBe('/patients?tab=deleted');
	});
});

describe('isFiltered / countLabel', () => {
	it('tells a search from an empty clinic', () => {
		expect(isFiltered(parse(''))).toBe(false);
		expect(isFiltered(parse('sort=newest'))).toBe(false);
		expect(isFiltered(parse('email=none'))).toBe(true);
	});

	it('counts with thousands separators', () => {
		expect(countLabel(1, 'patient', 'patients')).toBe('1 patient');
		expect(countLabel(1234, 'patient', 'patients')).toBe('1,234 patients');
	});
});
