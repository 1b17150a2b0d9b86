import { describe, expect, it } from 'vitest';
import type { CustomFieldsDefinitionDoc } from './custom-field-definition.entity.ts';
import {
	checkDefinitionChange,
	customFieldsDefinitionInput,
	describeDefinitionChanges,
	presentCustomFields,
	validateCustomFields,
	type CustomFieldsValidation
} from './custom-fields.rules.ts';
import type { CustomFieldAnswers } from './patient.entity.ts';

// Tokens from Cliniko's example where it has them, so the fixture reads like the documentation.
const T = {
	insurance: 'ef4c43ec-105d-489c-88cc-0f3c5f67dc70',
	provider: 'b16839e0-26a4-48d6-83d6-36658e357c81',
	great: '944e2fe0-6730-42fd-b9a2-519f35ceb46a',
	superIns: 'd656a93c-a0b6-43ea-ab50-06fd1a00ea44',
	oldIns: '0b1f0a52-3c3e-4c55-9d47-6a3f1c2b9d01',
	policy: 'fdb9c8a0-2984-4d96-8dc1-fbe703a8afdb',
	notes: '1c7e5b4a-8f0d-4d6e-9a8b-2f3c4d5e6f70',
	injury: '2d8f6c5b-9a1e-4e7f-8b9c-3a4d5e6f7081',
	channels: '3e9a7d6c-ab2f-4f80-9cad-4b5e6f708192',
	web: '4fab8e7d-bc30-4091-8dbe-5c6f708192a3',
	phone: '50bc9f8e-cd41-41a2-9ecf-6d708192a3b4',
	lifestyle: '61cda09f-de52-42b3-afd0-7e8192a3b4c5',
	smoker: '72deb1a0-ef63-43c4-b0e1-8f92a3b4c5d6',
	yes: '83efc2b1-f074-44d5-81f2-90a3b4c5d6e7',
	no: '94f0d3c2-0185-45e6-9203-a1b4c5d6e7f8'
};

const definition: CustomFieldsDefinitionDoc = {
	sections: [
		{
			token: T.insurance,
			name: 'Insurance coverage',
			archived: false,
			fields: [
				{
					token: T.provider,
					name: 'Provider',
					type: 'radiobuttons',
					archived: false,
					options: [
						{ token: T.great, name: 'Great Insurance', archived: false },
						{ token: T.superIns, name: 'Super Insurance', archived: false },
						{ token: T.oldIns, name: 'Old Insurance', archived: true }
					],
					other: { enabled: true }
				},
				{ token: T.policy, name: 'Policy number', type: 'text', archived: false },
				{ token: T.notes, name: 'Notes', type: 'paragraph', archived: false },
				{ token: T.injury, name: 'Date of injury', type: 'date', archived: false },
				{
					token: T.channels,
					name: 'How they heard of us',
					type: 'checkboxes',
					archived: false,
					options: [
						{ token: T.web, name: 'Web', archived: false },
						{ token: T.phone, name: 'Phone', archived: false }
					],
					other: { enabled: false }
				}
			]
		},
		{
			token: T.lifestyle,
			name: 'Lifestyle',
			archived: true,
			fields: [
				{
					token: T.smoker,
					name: 'Smoker',
					type: 'radiobuttons',
					archived: false,
					options: [
						{ token: T.yes, name: 'Yes', archived: false },
						{ token: T.no, name: 'No', archived: false }
					]
				}
			]
		}
	]
};

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

function answer(fields: unknown[], section = T.insurance): unknown {
	return { sections: [{ token: section, fields }] };
}

function errorsOf(result: CustomFieldsValidation) {
	if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.answers)}`);
	return result.errors;
}

function answersOf(result: CustomFieldsValidation) {
	if (!result.ok) throw new Error(`expected no errors, got ${JSON.stringify(result.errors)}`);
	return result.answers;
}

const F = 'customFields.sections.0.fields.0';

describe('validateCustomFields: what is accepted', () => {
	it('takes no custom fields at all as no answers', () => {
		expect(answersOf(validateCustomFields(null, definition))).toBeNull();
		expect(answersOf(validateCustomFields(undefined, definition))).toBeNull();
		expect(answersOf(validateCustomFields({}, definition))).toBeNull();
		expect(answersOf(validateCustomFields({ sections: [] }, definition))).toBeNull();
	});

	it('accepts Cliniko’s own example, disregarding names, types and archived flags', () => {
		const input = {
			sections: [
				{
					name: 'Renamed by the client',
					archived: true,
					token: T.insurance,
					fields: [
						{
							name: 'Provider',
							type: 'text', // wrong on purpose: the definition decides
							archived: true,
							token: T.provider,
							other: { enabled: false, archived: true },
							options: [
								{ name: 'Great Insurance', token: T.great },
								{ name: 'Super Insurance', token: T.superIns, selected: true, archived: true }
							]
						},
						{ name: 'Policy number', type: 'date', token: T.policy, value: 'ABC-12345' }
					]
				}
			]
		};
		expect(answersOf(validateCustomFields(input, definition))).toEqual({
			sections: [
				{
					token: T.insurance,
					fields: [
						{ token: T.provider, options: [{ token: T.superIns, selected: true }] },
						{ token: T.policy, value: 'ABC-12345' }
					]
				}
			]
		});
	});

	it('normalises: definition order, canonical tokens, trimmed text, nothing unanswered kept', () => {
		const input = {
			sections: [
				{ token: T.lifestyle, fields: [{ token: T.smoker, options: [{ token: T.no }] }] },
				{
					token: T.insurance.toUpperCase(),
					fields: [
						{
							token: T.channels,
							options: [
								{ token: T.phone, selected: true },
								{ token: T.web.toUpperCase(), selected: true }
							]
						},
						{ token: T.injury, value: '2024-02-29' },
						{ token: T.policy, value: '  ABC-1  ' },
						{ token: T.provider, other: { selected: false } },
						{ token: T.notes, value: 'First line\nsecond line' }
					]
				}
			]
		};
		expect(answersOf(validateCustomFields(input, definition))).toEqual({
			sections: [
				{
					token: T.insurance,
					fields: [
						{ token: T.policy, value: 'ABC-1' },
						{ token: T.notes, value: 'First line\nsecond line' },
						{ token: T.injury, value: '2024-02-29' },
						{
							token: T.channels,
							options: [
								{ token: T.web, selected: true },
								{ token: T.phone, selected: true }
							]
						}
					]
				}
			]
		});
	});

	it('stores an "Other" answer only when selected, trimmed', () => {
		const answers = answersOf(
			validateCustomFields(
				answer([{ token: T.provider, other: { enabled: true, selected: true, value: ' Medibank ' } }]),
				definition
			)
		);
		expect(answers?.sections[0]?.fields[0]).toEqual({
			token: T.provider,
			other: { selected: true, value: 'Medibank' }
		});
		// An empty "Other" text box is no answer text, not an error.
		const bare = answersOf(
			validateCustomFields(answer([{ token: T.provider, other: { selected: false, value: '' } }]), definition)
		);
		expect(bare).toBeNull();
	});

	it('accepts answers on archived sections and options (archiving keeps old answers valid)', () => {
		const input = {
			sections: [
				{
					token: T.insurance,
					fields: [{ token: T.provider, options: [{ token: T.oldIns, selected: true }] }]
				},
				{ token: T.lifestyle, fields: [{ token: T.smoker, options: [{ token: T.yes, selected: true }] }] }
			]
		};
		expect(answersOf(validateCustomFields(input, definition))?.sections).toHaveLength(2);
	});

	it('accepts the longest answers allowed', () => {
		const input = answer([
			{ token: T.policy, value: 'x'.repeat(255) },
			{ token: T.notes, value: 'y'.repeat(10_000) },
			{ token: T.provider, other: { selected: true, value: 'z'.repeat(255) } }
		]);
		expect(validateCustomFields(input, definition).ok).toBe(true);
	});
});

describe('validateCustomFields: every rule refuses what breaks it', () => {
	it.each([
		['a custom fields value that is not an object', 'nope', 'customFields'],
		['sections that are not a list', { sections: {} }, 'customFields.sections'],
		['a section without a token', { sections: [{ fields: [] }] }, 'customFields.sections.0.token'],
		['a section token that is not a UUID', { sections: [{ token: 'abc' }] }, 'customFields.sections.0.token'],
		['an unknown section token', { sections: [{ token: UNKNOWN }] }, 'customFields.sections.0.token'],
		[
			'a field token used as a section token',
			{ sections: [{ token: T.policy }] },
			'customFields.sections.0.token'
		],
		[
			'a section listed twice',
			{ sections: [{ token: T.insurance }, { token: T.insurance }] },
			'customFields.sections.1.token'
		],
		['a field without a token', answer([{ value: 'x' }]), `${F}.token`],
		['a field token that is not a UUID', answer([{ token: 'policy', value: 'x' }]), `${F}.token`],
		['an unknown field token', answer([{ token: UNKNOWN, value: 'x' }]), `${F}.token`],
		['a field of another section', answer([{ token: T.smoker }]), `${F}.token`],
		[
			'an option without a token',
			answer([{ token: T.provider, options: [{ selected: true }] }]),
			`${F}.options.0.token`
		],
		[
			'an option token that is not a UUID',
			answer([{ token: T.provider, options: [{ token: 'great', selected: true }] }]),
			`${F}.options.0.token`
		],
		[
			'an unknown option token',
			answer([{ token: T.provider, options: [{ token: UNKNOWN, selected: true }] }]),
			`${F}.options.0.token`
		],
		[
			'an option of another field',
			answer([{ token: T.provider, options: [{ token: T.web, selected: true }] }]),
			`${F}.options.0.token`
		],
		[
			'an option listed twice',
			answer([{ token: T.channels, options: [{ token: T.web }, { token: T.web }] }]),
			`${F}.options.1.token`
		],
		['a value on a checkboxes field', answer([{ token: T.channels, value: 'Web' }]), `${F}.value`],
		['a value on a radiobuttons field', answer([{ token: T.provider, value: 'Great' }]), `${F}.value`],
		['options on a text field', answer([{ token: T.policy, options: [] }]), `${F}.options`],
		['"Other" on a date field', answer([{ token: T.injury, other: { selected: true } }]), `${F}.other`],
		['an empty value', answer([{ token: T.policy, value: '' }]), `${F}.value`],
		['a blank value', answer([{ token: T.notes, value: '   ' }]), `${F}.value`],
		['a null value', answer([{ token: T.policy, value: null }]), `${F}.value`],
		['a value that is not text', answer([{ token: T.policy, value: 12345 }]), `${F}.value`],
		['a date that does not exist', answer([{ token: T.injury, value: '2024-02-30' }]), `${F}.value`],
		['a date in another format', answer([{ token: T.injury, value: '24-1-1' }]), `${F}.value`],
		['a date with a time', answer([{ token: T.injury, value: '2024-01-01T00:00:00Z' }]), `${F}.value`],
		['29 February outside a leap year', answer([{ token: T.injury, value: '2023-02-29' }]), `${F}.value`],
		['month 13', answer([{ token: T.injury, value: '2024-13-01' }]), `${F}.value`],
		[
			'a text answer over 255 characters',
			answer([{ token: T.policy, value: 'x'.repeat(256) }]),
			`${F}.value`
		],
		[
			'a paragraph over 10,000 characters',
			answer([{ token: T.notes, value: 'x'.repeat(10_001) }]),
			`${F}.value`
		],
		['a character Postgres cannot store', answer([{ token: T.policy, value: 'a\u0000b' }]), `${F}.value`],
		[
			'selected: false',
			answer([{ token: T.channels, options: [{ token: T.web, selected: false }] }]),
			`${F}.options.0.selected`
		],
		[
			'selected that is not a boolean',
			answer([{ token: T.channels, options: [{ token: T.web, selected: 'yes' }] }]),
			`${F}.options.0.selected`
		],
		[
			'two radiobuttons selected',
			answer([
				{
					token: T.provider,
					options: [
						{ token: T.great, selected: true },
						{ token: T.superIns, selected: true }
					]
				}
			]),
			`${F}.options`
		],
		[
			'a radiobutton and "Other" both selected',
			answer([
				{ token: T.provider, options: [{ token: T.great, selected: true }], other: { selected: true } }
			]),
			`${F}.options`
		],
		[
			'"Other" when the field does not offer it',
			answer([{ token: T.channels, other: { selected: true, value: 'Radio' } }]),
			`${F}.other.selected`
		],
		[
			'"Other" enabled by the client does not count',
			answer([{ token: T.channels, other: { enabled: true, selected: true } }]),
			`${F}.other.selected`
		],
		[
			'an "Other" answer over 255 characters',
			answer([{ token: T.provider, other: { selected: true, value: 'x'.repeat(256) } }]),
			`${F}.other.value`
		],
		[
			'an "Other" answer without selecting "Other"',
			answer([{ token: T.provider, other: { value: 'Medibank' } }]),
			`${F}.other.value`
		],
		[
			'an "Other" answer with "Other" unselected',
			answer([{ token: T.provider, other: { selected: false, value: 'Medibank' } }]),
			`${F}.other.value`
		],
		[
			'"Other" selected that is not a boolean',
			answer([{ token: T.provider, other: { selected: 'true' } }]),
			`${F}.other.selected`
		],
		['an unknown key on the root', { sections: [], extra: 1 }, 'customFields.extra'],
		[
			'an unknown key on a section',
			{ sections: [{ token: T.insurance, colour: 'red' }] },
			'customFields.sections.0.colour'
		],
		['an unknown key on a field', answer([{ token: T.policy, value: 'x', answer: 'x' }]), `${F}.answer`],
		[
			'an unknown key on an option',
			answer([{ token: T.channels, options: [{ token: T.web, selected: true, ticked: true }] }]),
			`${F}.options.0.ticked`
		],
		[
			'an unknown key on "Other"',
			answer([{ token: T.provider, other: { selected: true, text: 'x' } }]),
			`${F}.other.text`
		]
	])('refuses %s', (_name, input, path) => {
		const errors = errorsOf(validateCustomFields(input, definition));
		expect(Object.keys(errors)).toContain(path);
		for (const message of errors[path] ?? []) expect(message).toMatch(/^[A-Z"0-9]/);
	});

	it('explains in plain English, naming the field', () => {
		const errors = errorsOf(
			validateCustomFields(
				answer([
					{ token: T.policy, value: 'x' },
					{
						token: T.provider,
						options: [
							{ token: T.great, selected: true },
							{ token: T.superIns, selected: true }
						]
					}
				]),
				definition
			)
		);
		expect(errors).toEqual({
			'customFields.sections.0.fields.1.options': ['Only one option can be selected for "Provider"']
		});
	});

	it('names the real home of a field or option given in the wrong place', () => {
		const errors = errorsOf(
			validateCustomFields(
				answer([{ token: T.smoker }, { token: T.provider, options: [{ token: T.web, selected: true }] }]),
				definition
			)
		);
		expect(errors[`${F}.token`]).toEqual([
			'Field "Smoker" belongs to section "Lifestyle", not "Insurance coverage"'
		]);
		expect(errors['customFields.sections.0.fields.1.options.0.token']).toEqual([
			'Option "Web" belongs to "How they heard of us", not "Provider"'
		]);
	});

	it('reports every violation at once, each at its own path', () => {
		const input = {
			unexpected: true,
			sections: [
				{
					token: T.insurance,
					fields: [
						{ token: T.policy, value: '' },
						{ token: T.injury, value: '2024-02-30' },
						{ token: T.channels, value: 'Web', other: { selected: true } },
						{
							token: T.provider,
							options: [
								{ token: T.great, selected: true },
								{ token: UNKNOWN, selected: true }
							],
							other: { value: 'loose' }
						}
					]
				},
				{ token: 'not-a-token', fields: [{ token: 'nor-this' }] }
			]
		};
		const errors = errorsOf(validateCustomFields(input, definition));
		expect(Object.keys(errors).sort()).toEqual(
			[
				'customFields.unexpected',
				'customFields.sections.0.fields.0.value',
				'customFields.sections.0.fields.1.value',
				'customFields.sections.0.fields.2.value',
				'customFields.sections.0.fields.2.other.selected',
				'customFields.sections.0.fields.3.options.1.token',
				'customFields.sections.0.fields.3.other.value',
				'customFields.sections.1.token',
				'customFields.sections.1.fields.0.token'
			].sort()
		);
		expect(errors['customFields.sections.0.fields.1.value']).toEqual([
			'2024-02-30 is not a real date: check the day and month of "Date of injury"'
		]);
	});

	it('does not bury an unknown section under one error per field', () => {
		const errors = errorsOf(
			validateCustomFields(
				{ sections: [{ token: UNKNOWN, fields: [{ token: T.policy, value: 'x' }] }] },
				definition
			)
		);
		expect(Object.keys(errors)).toEqual(['customFields.sections.0.token']);
	});
});

describe('presentCustomFields', () => {
	const stored: CustomFieldAnswers = {
		sections: [
			{
				token: T.insurance,
				fields: [
					{ token: T.provider, options: [{ token: T.superIns, selected: true }] },
					{ token: T.policy, value: 'ABC-12345' }
				]
			}
		]
	};

	it('shows Cliniko’s read shape: names from the definition, every option, the "Other" offer', () => {
		expect(presentCustomFields(stored, definition)).toEqual({
			sections: [
				{
					name: 'Insurance coverage',
					token: T.insurance,
					archived: false,
					fields: [
						{
							name: 'Provider',
							type: 'radiobuttons',
							token: T.provider,
							archived: false,
							options: [
								{ name: 'Great Insurance', token: T.great, archived: false },
								{ name: 'Super Insurance', token: T.superIns, archived: false, selected: true },
								{ name: 'Old Insurance', token: T.oldIns, archived: true }
							],
							other: { enabled: true, selected: false }
						},
						{ name: 'Policy number', type: 'text', token: T.policy, archived: false, value: 'ABC-12345' }
					]
				}
			]
		});
	});

	it('round-trips: what it shows is accepted back unchanged', () => {
		const full = answersOf(
			validateCustomFields(
				{
					sections: [
						{
							token: T.insurance,
							fields: [
								{ token: T.provider, other: { selected: true, value: 'Medibank' } },
								{ token: T.notes, value: 'Line one\nline two' },
								{ token: T.injury, value: '2024-01-31' },
								{ token: T.channels, options: [{ token: T.phone, selected: true }] }
							]
						},
						{ token: T.lifestyle, fields: [{ token: T.smoker, options: [{ token: T.no, selected: true }] }] }
					]
				},
				definition
			)
		);
		const view = presentCustomFields(full, definition);
		expect(view?.sections.map((s) => s.fields.length)).toEqual([4, 1]);
		expect(answersOf(validateCustomFields(view, definition))).toEqual(full);
	});

	it('has nothing to show for no answers', () => {
		expect(presentCustomFields(null, definition)).toBeNull();
		expect(presentCustomFields({ sections: [{ token: T.insurance, fields: [] }] }, definition)).toBeNull();
	});
});

describe('the definition, as an admin edits it', () => {
	function parse(input: unknown) {
		const result = customFieldsDefinitionInput.safeParse(input);
		const errors: Record<string, string[]> = {};
		if (!result.success) {
			for (const issue of result.error.issues) (errors[issue.path.join('.')] ??= []).push(issue.message);
		}
		return { result, errors };
	}

	it('gives new items a token, trims names and lower-cases tokens', () => {
		const { result } = parse({
			sections: [
				{
					token: T.insurance.toUpperCase(),
					name: '  Insurance  ',
					archived: false,
					fields: [
						{ name: 'Provider', type: 'radiobuttons', options: [{ name: 'Great' }], other: { enabled: true } }
					]
				}
			]
		});
		expect(result.success).toBe(true);
		const section = result.data?.sections[0];
		expect(section?.token).toBe(T.insurance);
		expect(section?.name).toBe('Insurance');
		expect(section?.fields[0]?.token).toMatch(/^[0-9a-f-]{36}$/);
		expect(section?.fields[0]?.options?.[0]?.token).toMatch(/^[0-9a-f-]{36}$/);
		expect(section?.fields[0]?.archived).toBe(false);
	});

	it('accepts the fixture definition as it is', () => {
		expect(parse(definition).result.data).toEqual(definition);
	});

	it('refuses duplicate tokens anywhere in the document', () => {
		const { errors } = parse({
			sections: [
				{ token: T.insurance, name: 'A', archived: false, fields: [] },
				{
					token: T.lifestyle,
					name: 'B',
					archived: false,
					fields: [
						{
							token: T.insurance,
							name: 'Field',
							type: 'checkboxes',
							options: [{ token: T.lifestyle, name: 'x' }]
						}
					]
				}
			]
		});
		expect(Object.keys(errors).sort()).toEqual([
			'sections.1.fields.0.options.0.token',
			'sections.1.fields.0.token'
		]);
	});

	it('refuses options and "Other" on a text field, and a choice field without options', () => {
		const { errors } = parse({
			sections: [
				{
					name: 'A',
					fields: [
						{ name: 'Policy', type: 'text', options: [{ name: 'x' }], other: { enabled: true } },
						{ name: 'Provider', type: 'radiobuttons', options: [] },
						{ name: 'Channels', type: 'checkboxes' }
					]
				}
			]
		});
		expect(errors).toEqual({
			'sections.0.fields.0.options': ['Only checkboxes and radiobuttons fields have options'],
			'sections.0.fields.0.other': ['Only checkboxes and radiobuttons fields can offer an "Other" answer'],
			'sections.0.fields.1.options': ['Add at least one option'],
			'sections.0.fields.2.options': ['Add at least one option']
		});
	});

	it('reports bad names, types and unknown keys together with the cross-field rules', () => {
		const { errors } = parse({
			sections: [
				{
					name: '   ',
					colour: 'red',
					fields: [{ token: 'nope', name: 'x'.repeat(256), type: 'number', options: [{ name: 'a' }] }]
				}
			]
		});
		expect(Object.keys(errors).sort()).toEqual(
			[
				'sections.0',
				'sections.0.name',
				'sections.0.fields.0.token',
				'sections.0.fields.0.name',
				'sections.0.fields.0.type'
			].sort()
		);
	});

	describe('checkDefinitionChange', () => {
		const copy = (): CustomFieldsDefinitionDoc => structuredClone(definition);

		it('allows renaming, archiving, reordering and adding', () => {
			const next = copy();
			next.sections.reverse();
			next.sections[1]!.name = 'Cover';
			next.sections[1]!.fields[0]!.archived = true;
			next.sections[1]!.fields.push({ token: UNKNOWN, name: 'New', type: 'text', archived: false });
			expect(checkDefinitionChange(definition, next)).toEqual({});
		});

		it('refuses removing a section, a field or an option', () => {
			const next = copy();
			next.sections.pop();
			next.sections[0]!.fields.splice(1, 1); // Policy number
			next.sections[0]!.fields[0]!.options!.pop(); // Old Insurance
			expect(checkDefinitionChange(definition, next)).toEqual({
				'definition.sections': [
					'Section "Lifestyle" cannot be removed: patients\' answers refer to it. Archive it instead.'
				],
				'definition.sections.0.fields': [
					'Field "Policy number" cannot be removed: patients\' answers refer to it. Archive it instead.'
				],
				'definition.sections.0.fields.0.options': [
					'Option "Old Insurance" cannot be removed: patients\' answers refer to it. Archive it instead.'
				]
			});
		});

		it('refuses changing a field’s type', () => {
			const next = copy();
			next.sections[0]!.fields[1]!.type = 'paragraph';
			expect(Object.keys(checkDefinitionChange(definition, next))).toEqual([
				'definition.sections.0.fields.1.type'
			]);
		});

		it('refuses moving a field to another section or an option to another field', () => {
			const next = copy();
			const policy = next.sections[0]!.fields.splice(1, 1)[0]!;
			next.sections[1]!.fields.push(policy);
			const web = next.sections[0]!.fields[3]!.options!.shift()!;
			next.sections[0]!.fields[0]!.options!.push(web);
			expect(Object.keys(checkDefinitionChange(definition, next)).sort()).toEqual([
				'definition.sections.0.fields.3.options',
				'definition.sections.1.fields.1.token'
			]);
		});
	});

	it('describes changes for the audit trail', () => {
		const next = structuredClone(definition);
		next.sections[0]!.fields[1]!.name = 'Policy no.';
		next.sections[1]!.archived = false;
		next.sections[0]!.fields[4]!.other = { enabled: true };
		next.sections[0]!.fields.push({ token: UNKNOWN, name: 'Member since', type: 'date', archived: false });
		expect(describeDefinitionChanges(definition, next)).toEqual([
			'field "Policy number" renamed to "Policy no."',
			'field "How they heard of us": "Other" answer offered',
			'field "Member since" added',
			'section "Lifestyle" unarchived'
		]);
		next.sections.reverse();
		expect(describeDefinitionChanges(definition, next)).toContain('order changed');
	});
});
