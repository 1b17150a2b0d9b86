// Messages for zod issues that the shared schemas leave to zod's defaults (a missing field, a value
// of the wrong JSON type): in the REST API they should read well next to a field name.
import type { z } from 'zod';

function jsonType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	switch (typeof value) {
		case 'string':
			return 'text';
		case 'number':
			return 'a number';
		case 'boolean':
			return 'true or false';
		case 'object':
			return 'an object';
		default:
			return typeof value;
	}
}

const EXPECTED: Record<string, string> = {
	string: 'text',
	number: 'a number',
	int: 'a whole number',
	boolean: 'true or false',
	array: 'a list',
	object: 'an object',
	date: 'a date'
};

/** A per-parse error map: `schema.safeParse(body, { error: apiIssueMessage })`. */
export function apiIssueMessage(issue: z.core.$ZodRawIssue): string | undefined {
	if (issue.code === 'invalid_type') {
		if (issue.input === undefined) return 'This field is required';
		const expected = EXPECTED[String(issue.expected)] ?? String(issue.expected);
		return `Expected ${expected}, not ${jsonType(issue.input)}`;
	}
	return undefined;
}
