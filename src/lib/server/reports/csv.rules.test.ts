import { describe, expect, it } from 'vitest';
import { toCsv } from './csv.rules.ts';

const columns = [
	{ key: 'week', label: 'Week of', isNumeric: false },
	{ key: 'team', label: 'Team', isNumeric: false },
	{ key: 'cases', label: 'Cases', isNumeric: true }
];

describe('a chart table as CSV', () => {
	it('writes the header and one line per row, numbers bare and empty cells empty', () => {
		expect(
			toCsv(columns, [
				{ week: '2026-11-30', team: 'Physio', cases: 3 },
				{ week: '2026-12-07', team: null, cases: 0 }
			])
		).toBe('Week of,Team,Cases\r\n2026-11-30,Physio,3\r\n2026-12-07,,0\r\n');
	});

	it('quotes commas and quotes in names', () => {
		expect(toCsv(columns, [{ week: '2026-11-30', team: 'Hands, "wrists"', cases: 1 }])).toContain(
			'2026-11-30,"Hands, ""wrists""",1'
		);
	});

	it('keeps a name that looks like a formula from running in a spreadsheet', () => {
		expect(toCsv(columns, [{ week: '2026-11-30', team: '=HYPERLINK("x")', cases: 1 }])).toContain(
			`"'=HYPERLINK(""x"")"`
		);
	});
});
