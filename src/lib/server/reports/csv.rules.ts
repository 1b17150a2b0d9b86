// A chart's table as CSV (RFC 4180): the same columns and cells the page shows. A cell that a
// spreadsheet would run as a formula (=, +, -, @ first) is quoted with a leading apostrophe.
import type { Cell, ReportColumn } from './reports.service.ts';

function csvCell(value: Cell): string {
	if (value === null) return '';
	if (typeof value === 'number') return String(value);
	const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(text) || text !== value ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns: readonly ReportColumn[], rows: readonly Record<string, Cell>[]): string {
	const lines = [columns.map((c) => csvCell(c.label)).join(',')];
	for (const row of rows) lines.push(columns.map((c) => csvCell(row[c.key] ?? null)).join(','));
	return lines.join('\r\n') + '\r\n';
}
