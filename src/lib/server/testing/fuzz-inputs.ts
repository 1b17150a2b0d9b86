// fast-check arbitraries for fuzzing procedures and endpoints: hostile values (SQL and LIKE
// metacharacters, huge and odd text, boundary numbers, impossible dates) and inputs shaped after a
// zod schema, so that many of them get past validation and reach the services.
import fc from 'fast-check';

/** Text that has broken applications before: SQL, LIKE wildcards, escapes, markup, odd Unicode. */
export const NASTY_STRINGS: readonly string[] = [
	'',
	' ',
	"'",
	'"',
	'\\',
	'%',
	'_',
	'%_%',
	'\\%',
	"'; drop table patient; --",
	"' or '1'='1",
	'" or ""="',
	'1) or (1=1',
	"x'); delete from clinic_case; --",
	'$1',
	'?',
	':id',
	'*',
	'a\u0000b',
	'\u0000',
	'\ud800',
	'😀👩‍⚕️',
	'Zoë Ångström',
	'\u202eexe.pdf',
	'مرحبا',
	'\u0301',
	'<img src=x onerror=alert(1)>',
	'<script>alert(1)</script>',
	'../../etc/passwd',
	'{{7*7}}',
	'${7*7}',
	'null',
	'undefined',
	'NaN',
	'-1',
	'0',
	'1e309',
	'9223372036854775808',
	'999999999999999999',
	' 1',
	'true',
	'[]',
	'{}',
	'2031-02-30',
	'2031-13-01',
	'0000-00-00',
	'9999-12-31',
	'-271821-04-20T00:00:00.000Z',
	'+275760-09-13T00:00:00.000Z',
	'2031-01-01T09:00:00',
	'2031-01-01T09:00:00+25:00',
	'yesterday',
	'x'.repeat(256),
	'x'.repeat(20_001),
	'é'.repeat(5_001),
	'x'.repeat(100_000)
];

export const nastyString = fc.constantFrom(...NASTY_STRINGS);

export const BOUNDARY_NUMBERS: readonly number[] = [
	0,
	-0,
	1,
	-1,
	0.5,
	4,
	5,
	2 ** 31 - 1,
	2 ** 31,
	-(2 ** 31) - 1,
	2 ** 53,
	Number.MAX_SAFE_INTEGER + 2,
	1e308,
	Number.MIN_VALUE,
	Number.NaN,
	Number.POSITIVE_INFINITY,
	Number.NEGATIVE_INFINITY
];

export const nastyNumber = fc.oneof(
	fc.constantFrom(...BOUNDARY_NUMBERS),
	fc.integer({ min: -10, max: 1000 }),
	fc.double()
);

export const nastyDate = fc.oneof(
	fc.constantFrom(
		new Date(Number.NaN),
		new Date(0),
		new Date(8.64e15),
		new Date(-8.64e15),
		new Date('1899-12-31T23:59:59Z'),
		new Date('2100-12-31T23:59:59Z')
	),
	fc.date({ noInvalidDate: false })
);

/** Any value a client can send through superjson (which carries Dates, Maps, Sets, BigInts…). */
export const wildValue: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
	{ weight: 2, arbitrary: nastyString },
	{ weight: 1, arbitrary: nastyNumber },
	{ weight: 1, arbitrary: nastyDate },
	{
		weight: 1,
		arbitrary: fc.anything({
			maxDepth: 2,
			withDate: true,
			withMap: true,
			withSet: true,
			withBigInt: true,
			withNullPrototype: true,
			withBoxedValues: true,
			withSparseArray: true
		})
	}
);

/** Objects with keys real inputs use, and values of every kind. */
export const COMMON_KEYS = [
	'id',
	'caseId',
	'patientId',
	'appointmentId',
	'practitionerId',
	'appointmentTypeId',
	'teamId',
	'userId',
	'serviceId',
	'templateId',
	'name',
	'firstName',
	'lastName',
	'email',
	'search',
	'startsAt',
	'endsAt',
	'page',
	'perPage',
	'version',
	'status',
	'notes',
	'filters'
] as const;

export interface SchemaArbOptions {
	/** Ids that exist in the database (so some inputs reach the services' deeper rules). */
	ids: readonly string[];
	/**
	 * 'hostile' (the default): any field may hold a hostile value of any type. 'gentle': plausible
	 * values of the right type, so that whole inputs pass validation and exercise the services.
	 */
	mode?: 'hostile' | 'gentle';
	/** In gentle mode: the ids that fit a field ("patientId": patients' ids); `ids` otherwise. */
	idsFor?: (key: string) => readonly string[] | undefined;
}

const BENIGN_WORDS = [
	'Jo Citizen',
	'Smith',
	'Left shoulder',
	'Physio review',
	'Fuzz',
	'Note',
	'Ada Lovelace'
];
const benignString = fc
	.tuple(fc.constantFrom(...BENIGN_WORDS), fc.stringMatching(/^[a-z0-9]{0,6}$/))
	.map(([word, suffix]) => (suffix ? `${word} ${suffix}` : word));
/** 1 is the version of a record never changed; durations are multiples of 5. */
const benignNumber = fc.constantFrom(1, 5, 10, 30, 45, 60, 90, 9000);

/** Plausible values for fields whose rules a generic string does not meet, by field name. */
const BENIGN_BY_KEY: [RegExp, fc.Arbitrary<string>][] = [
	[/email|address/i, fc.stringMatching(/^[a-z]{1,8}$/).map((name) => `fuzz.${name}@example.test`)],
	[/phone|mobile|^number$/i, fc.constantFrom('0412 345 678', '+61 2 9876 5432', '0400000000')],
	[/timeZone/, fc.constantFrom('Australia/Sydney', 'UTC')],
	[/colou?r/i, fc.constantFrom('#0f766e', '#db2777')],
	[/password/i, fc.constantFrom('correct horse battery', 'another long password')],
	[
		/(On|date|Date|Birth)$/,
		fc
			.date({ min: new Date('1950-01-01'), max: new Date('2020-12-31'), noInvalidDate: true })
			.map((d) => d.toISOString().slice(0, 10))
	],
	[
		/At$/,
		fc
			.date({ min: new Date('2031-01-01'), max: new Date('2031-12-31'), noInvalidDate: true })
			.map((d) => d.toISOString())
	]
];

type Def = { type: string } & Record<string, unknown>;

function defOf(schema: unknown): Def | null {
	const def = (schema as { _zod?: { def?: Def } } | null)?._zod?.def;
	return def && typeof def.type === 'string' ? def : null;
}

function idArb(options: SchemaArbOptions, key = ''): fc.Arbitrary<string> {
	if (options.mode === 'gentle') {
		const fitting = options.idsFor?.(key);
		return fc.constantFrom(...(fitting?.length ? fitting : options.ids));
	}
	return fc.oneof(
		{ weight: 5, arbitrary: fc.constantFrom(...options.ids) },
		{
			weight: 1,
			arbitrary: fc.constantFrom('0', '-1', '999999999999999999', '9223372036854775808', '1.0', ' 1')
		},
		{ weight: 1, arbitrary: fc.stringMatching(/^\d{1,18}$/) },
		{ weight: 1, arbitrary: nastyString }
	);
}

/**
 * Page cursors are base64url JSON (`[sort, key, id]`, see patients.queries.ts): well-formed ones
 * with odd keys reach the SQL that a random string never gets past.
 */
export function craftedCursor(options: SchemaArbOptions, sorts?: readonly string[]): fc.Arbitrary<string> {
	const key = fc.oneof(
		fc.constantFrom('2031-13-45', '2031-02-30', '0000-00-00', '1', '99999', 'infinity', 'Tuesday 2'),
		fc.constantFrom('2031-01-01T25:61:00Z', '+275760-09-13T00:00:00.000Z', 'jo smith'),
		fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
		fc.integer(),
		nastyString
	);
	return fc
		.tuple(
			fc.constantFrom(...(sorts ?? ['lastName', 'firstName', 'createdAt', 'updatedAt', 'dateOfBirth', 'id'])),
			key,
			idArb(options)
		)
		.map((parts) => Buffer.from(JSON.stringify(parts)).toString('base64url'));
}

function patternOf(def: Def): RegExp | null {
	if (def.pattern instanceof RegExp) return def.pattern;
	for (const check of (def.checks as unknown[] | undefined) ?? []) {
		const pattern = defOf(check)?.pattern;
		if (pattern instanceof RegExp) return pattern;
	}
	return null;
}

function stringArb(def: Def, key: string, options: SchemaArbOptions): fc.Arbitrary<unknown> {
	if (/(^id|Ids?)$/.test(key)) return idArb(options, key);
	if (options.mode === 'gentle') {
		const byKey = BENIGN_BY_KEY.find(([pattern]) => pattern.test(key))?.[1];
		if (byKey) return byKey;
	}
	const choices: fc.WeightedArbitrary<unknown>[] =
		options.mode === 'gentle'
			? [{ weight: 2, arbitrary: benignString }]
			: [
					{ weight: 2, arbitrary: nastyString },
					{ weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
					{ weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) }
				];
	const pattern = patternOf(def);
	if (pattern) {
		try {
			choices.push({ weight: 4, arbitrary: fc.stringMatching(pattern) });
		} catch {
			// A pattern fast-check cannot generate from: the other choices still apply.
		}
	}
	if (/cursor/i.test(key)) choices.push({ weight: 6, arbitrary: craftedCursor(options) });
	if (def.format === 'email' || /email/i.test(key)) choices.push({ weight: 3, arbitrary: fc.emailAddress() });
	if (def.format === 'datetime' || /At$/.test(key))
		choices.push({
			weight: 3,
			arbitrary: fc
				.date({ min: new Date('1999-01-01'), max: new Date('2101-01-01'), noInvalidDate: true })
				.map((d) => d.toISOString())
		});
	if (/(On|date|Date|Birth)$/.test(key))
		choices.push({
			weight: 3,
			arbitrary: fc
				.date({ min: new Date('1870-01-01'), max: new Date('2101-01-01'), noInvalidDate: true })
				.map((d) => d.toISOString().slice(0, 10))
		});
	return fc.oneof(...choices);
}

/**
 * Values shaped after a zod schema: each field gets a value of roughly its type (enums from their
 * options, strings matching their regex, ids that exist) most of the time, and a hostile value of
 * any type otherwise; object keys are sometimes left out.
 */
export function arbFromSchema(
	schema: unknown,
	options: SchemaArbOptions,
	key = '',
	depth = 0
): fc.Arbitrary<unknown> {
	const def = defOf(schema);
	const gentle = options.mode === 'gentle';
	if (!def || depth > 16) return gentle ? fc.constant(undefined) : wildValue;
	const inner = (s: unknown, k = key) => arbFromSchema(s, options, k, depth + 1);
	let typed: fc.Arbitrary<unknown>;
	switch (def.type) {
		case 'optional':
		case 'default':
		case 'prefault':
		case 'nonoptional':
		case 'readonly':
		case 'catch':
			typed = fc.oneof({ weight: gentle ? 1 : 4, arbitrary: inner(def.innerType) }, fc.constant(undefined));
			break;
		case 'nullable':
			typed = fc.oneof({ weight: gentle ? 1 : 4, arbitrary: inner(def.innerType) }, fc.constant(null));
			break;
		case 'pipe': {
			// The input side decides what is accepted; a transform there passes anything through.
			const input = defOf(def.in);
			typed = input?.type === 'transform' ? inner(def.out) : inner(def.in);
			break;
		}
		case 'lazy':
			typed = inner((def.getter as () => unknown)());
			break;
		case 'object': {
			const shape = def.shape as Record<string, unknown>;
			const model = Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, inner(v, k)]));
			typed = fc.oneof(
				{ weight: 4, arbitrary: fc.record(model) },
				{ weight: gentle ? 0 : 1, arbitrary: fc.record(model, { requiredKeys: [] }) }
			);
			break;
		}
		case 'array':
			typed = fc.array(inner(def.element), gentle ? { minLength: 1, maxLength: 2 } : { maxLength: 4 });
			break;
		case 'tuple':
			typed = fc.tuple(...((def.items as unknown[]) ?? []).map((item) => inner(item)));
			break;
		case 'record':
			typed = fc.dictionary(fc.string({ maxLength: 12 }), inner(def.valueType), { maxKeys: 4 });
			break;
		case 'union': {
			const choices = (def.options as unknown[]).map((o) => inner(o));
			typed = choices.length ? fc.oneof(...choices) : wildValue;
			break;
		}
		case 'intersection':
			typed = fc.oneof(inner(def.left), inner(def.right));
			break;
		case 'enum':
			typed = fc.constantFrom(...Object.values(def.entries as Record<string, string | number>));
			break;
		case 'literal':
			typed = fc.constantFrom(...(def.values as unknown[]));
			break;
		case 'string':
			typed = stringArb(def, key, options);
			break;
		case 'number':
		case 'int':
			typed = gentle
				? benignNumber
				: fc.oneof(
						{ weight: 3, arbitrary: fc.integer({ min: 0, max: 600 }) },
						{ weight: 1, arbitrary: nastyNumber }
					);
			break;
		case 'boolean':
			typed = fc.boolean();
			break;
		case 'date':
			typed = fc.oneof(
				{
					weight: 3,
					arbitrary: fc.date({
						min: new Date('2000-01-01'),
						max: new Date('2100-01-01'),
						noInvalidDate: true
					})
				},
				{ weight: gentle ? 0 : 1, arbitrary: nastyDate }
			);
			break;
		case 'null':
			typed = fc.constant(null);
			break;
		case 'undefined':
		case 'void':
			typed = fc.constant(undefined);
			break;
		case 'custom':
			// z.instanceof(FormData) (the attachment upload) and similar: an empty or a made-up form.
			typed = fc.oneof(
				fc.constant(new FormData()),
				fc.record({ caseId: idArb(options, 'caseId'), text: nastyString }).map(({ caseId, text }) => {
					const form = new FormData();
					form.set('caseId', caseId);
					form.set('file', new File([text], 'fuzz.txt'));
					return form;
				})
			);
			break;
		default:
			typed = gentle ? fc.constant(undefined) : wildValue;
	}
	if (gentle) return typed;
	// Whatever the type: now and then a value of another kind altogether.
	return fc.oneof({ weight: 6, arbitrary: typed }, { weight: 1, arbitrary: wildValue });
}

/** Objects with the usual field names and hostile values: for inputs whose shape is unknown. */
export function commonKeysObject(options: SchemaArbOptions): fc.Arbitrary<Record<string, unknown>> {
	const model = Object.fromEntries(
		COMMON_KEYS.map((key) => [key, /(^id|Id)$/.test(key) ? idArb(options, key) : wildValue])
	);
	return fc.record(model, { requiredKeys: [] });
}

/** The top-level keys of an input schema (zod 4), through pipes, defaults and other wrappers. */
export function inputKeys(schema: unknown, depth = 0): string[] {
	const def = defOf(schema);
	if (!def || depth > 10) return [];
	switch (def.type) {
		case 'object':
			return Object.keys(def.shape as object);
		case 'pipe': {
			const inner = inputKeys(def.in, depth + 1);
			return inner.length ? inner : inputKeys(def.out, depth + 1);
		}
		case 'optional':
		case 'default':
		case 'nullable':
		case 'prefault':
		case 'readonly':
		case 'catch':
			return inputKeys(def.innerType, depth + 1);
		case 'union':
			return [...new Set((def.options as unknown[]).flatMap((o) => inputKeys(o, depth + 1)))];
		default:
			return [];
	}
}
