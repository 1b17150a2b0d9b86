// Fuzzing (issue 10, item 2): fast-check sends generated inputs, valid and invalid, to every tRPC
// procedure (as an admin; portal procedures as a signed-in patient, referrer ones as a referrer) and
// to the REST API (with an admin's key). No call may answer INTERNAL_SERVER_ERROR / 500, and a
// refused call must leave the database exactly as it was (a digest of every table, compared).
//
// It runs on a database of its own (isolated-db.ts): made-up ids like "1" would otherwise hit other
// test files' rows, and their writes would change the digests. Runs are bounded and seeded:
// FUZZ_SEED=<n> replays a failure, FUZZ_RUNS=<n> runs more inputs per procedure.
import fc from 'fast-check';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../api/routes.ts';
import { apiClient, type ApiClient } from '../api/api-test-client.ts';
import { User as UserEntity, type User } from '../auth/user.entity.ts';
import { CaseTemplate, CaseTemplateRequestType } from '../case-templates/case-template.entity.ts';
import { Service } from '../services/service.entity.ts';
import type { Meta } from '../trpc/init.ts';
import { appRouter } from '../app/router.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from './clinic-fixtures.ts';
import { changedTables, digestTables, INCIDENTAL_TABLES, type Digest } from './db-digest.ts';
import { callerFor, callerForPatient, uniqueSuffix } from './factories.ts';
import { arbFromSchema, commonKeysObject, craftedCursor, nastyString, wildValue } from './fuzz-inputs.ts';
import type { TestDb } from './harness.ts';
import { openIsolatedTestDb } from './isolated-db.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const RUNS = Number(process.env.FUZZ_RUNS ?? 16);

/** A seed per procedure, so adding a procedure does not change the inputs of the others. */
function seedFor(name: string): number {
	let hash = SEED | 0;
	for (const char of name) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) | 0;
	return hash;
}

interface ProcedureInfo {
	path: string;
	type: 'query' | 'mutation' | 'subscription';
	meta: Meta | undefined;
	inputs: unknown[];
}

const procedures: ProcedureInfo[] = Object.entries(
	appRouter._def.procedures as unknown as Record<
		string,
		{ _def: { type: ProcedureInfo['type']; meta?: Meta; inputs: unknown[] } }
	>
).map(([path, p]) => ({ path, type: p._def.type, meta: p._def.meta, inputs: p._def.inputs }));

let db: TestDb;
let clinic: Clinic;
let referrer: User;
let portalPatient: { id: string; firstName: string; lastName: string };
let ids: string[];
let idsByTable: Record<string, string[]>;
let digest: Digest;
/** How each procedure answered the generated inputs: OK, or the tRPC error code. */
const outcomesByPath: Record<string, Record<string, number>> = {};

/** Which table an id field points into, by its name ("patientId", "teamIds") or its router. */
const TABLE_OF_KEY: Record<string, string> = {
	patient: 'patient',
	case: 'clinic_case',
	source: 'clinic_case',
	target: 'clinic_case',
	appointment: 'appointment',
	practitioner: 'app_user',
	user: 'app_user',
	actor: 'app_user',
	staff: 'app_user',
	team: 'team',
	service: 'service',
	appointmentType: 'appointment_type',
	bodyPart: 'body_part',
	template: 'case_template',
	caseTemplate: 'case_template',
	referringDoctor: 'contact',
	contact: 'contact',
	request: 'appointment_request',
	appointmentRequest: 'appointment_request',
	apiKey: 'api_key',
	notification: 'notification',
	attachment: 'case_attachment',
	session: 'session'
};

function idsFor(path: string, key: string): string[] | undefined {
	const name =
		key === 'id'
			? path.split('.').at(-2)!.replace(/s$/, '')
			: key.replace(/Ids?$/, '').replace(/^exclude$/, 'patient');
	const table = TABLE_OF_KEY[name] ?? (name === 'case' ? 'clinic_case' : undefined);
	return table ? idsByTable[table] : undefined;
}

/** A small clinic with one of everything, so that generated ids reach real rows. */
async function seedClinic() {
	clinic = await createClinic(db.em());
	const em = db.em();
	// With a second factor the admin passes even if a fuzzed settings.update requires one (the
	// callers are built from this object, as a session would be from the row).
	clinic.admin.totpEnabledAt = new Date();
	await em.nativeUpdate(UserEntity, { id: clinic.admin.id }, { totpEnabledAt: clinic.admin.totpEnabledAt });
	referrer = em.create(UserEntity, {
		kind: 'referrer',
		name: 'Fuzz Referrer',
		email: `referrer-${uniqueSuffix()}@practice.test`,
		roles: []
	});
	const template = em.create(CaseTemplate, { name: `Fuzz template ${uniqueSuffix()}`, allowsRequests: true });
	template.services.add(em.getReference(Service, clinic.physiotherapy.id));
	await em.flush();
	em.create(CaseTemplateRequestType, { template, appointmentType: clinic.consult.id, durationMinutes: 30 });
	await em.flush();

	const patient = await createPatient(db.em(), 'Fuzz', { email: `fuzz-${uniqueSuffix()}@example.test` });
	portalPatient = patient;
	const admin = callerFor(db.em(), clinic.admin);
	const caseRow = await admin.cases.create({
		patientId: patient.id,
		name: 'Fuzz case',
		templateId: template.id,
		bodyPartIds: [clinic.leftShoulder.id],
		limitKind: 'appointments',
		maxAppointments: 20
	});
	await admin.appointments.create({
		patientId: patient.id,
		practitionerId: clinic.physio.id,
		appointmentTypeId: clinic.consult.id,
		startsAt: nextSlot(),
		case: { mode: 'existing', caseId: caseRow.id, bodyPartIds: [] }
	});
	const team = await admin.teams.create({ name: `Fuzz team ${uniqueSuffix()}`, acceptsExternalCases: true });
	await admin.teams.addMember({ teamId: team.id, userId: clinic.physio.id });
	await admin.cases.send({
		subject: 'Fuzz referral',
		teamIds: [team.id],
		priority: 'high',
		patientId: patient.id
	});
	await callerFor(db.em(), referrer).cases.send({
		subject: 'From outside',
		teamIds: [team.id],
		priority: 'normal'
	});
	await admin.appointments.reserve({
		patientId: patient.id,
		caseId: caseRow.id,
		practitionerId: clinic.physio.id,
		appointmentTypeId: clinic.consult.id,
		startsAt: nextSlot()
	});
	const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 3 * 86_400_000);
	await callerForPatient(db.em(), patient).portal.requestAppointment({
		caseId: caseRow.id,
		appointmentTypeId: clinic.consult.id,
		windows: [{ startsAt: start, endsAt: new Date(start.getTime() + 3_600_000) }]
	});
	await admin.contacts.create({ lastName: 'Fuzz Contact', type: 'gp' });
	await admin.apiKeys.create({ name: 'Fuzz key' });
	await createPatient(db.em(), 'Second');

	// Every id in the database's tables is a candidate (they are small numbers on a new database).
	idsByTable = {};
	for (const table of Object.values(TABLE_OF_KEY)) {
		const rows = await db.em().execute<{ id: string }[]>(`select id::text as id from ${table} order by id`);
		idsByTable[table] = rows.map((r) => String(r.id));
	}
	ids = [...new Set(Object.values(idsByTable).flat())];
}

beforeAll(async () => {
	db = await openIsolatedTestDb('fuzz');
	await seedClinic();
	digest = await digestTables(db.em());
}, 120_000);
afterAll(async () => {
	await db?.close();
});

function callProcedure(p: ProcedureInfo, input: unknown): Promise<unknown> {
	const caller =
		p.meta?.access === 'patient'
			? callerForPatient(db.em(), portalPatient)
			: p.meta?.access === 'referrer'
				? callerFor(db.em(), referrer)
				: p.meta?.access === 'public'
					? callerFor(db.em(), null)
					: callerFor(db.em(), clinic.admin);
	let target: unknown = caller;
	for (const key of p.path.split('.')) target = (target as Record<string, unknown>)[key];
	return (target as (input: unknown) => Promise<unknown>)(input);
}

function show(value: unknown): string {
	const text = fc.stringify(value);
	return text.length > 400 ? `${text.slice(0, 400)}… (${text.length} characters)` : text;
}

function causeOf(error: TRPCError): string {
	const cause = error.cause;
	return cause instanceof Error ? `${cause.name}: ${cause.message}`.slice(0, 400) : String(cause);
}

/**
 * One call: it answers, or fails with a tRPC error other than INTERNAL_SERVER_ERROR; when it fails
 * (and whenever it is a query), every table is as it was.
 */
async function checkCall(p: ProcedureInfo, input: unknown): Promise<void> {
	let failure: unknown = null;
	try {
		await callProcedure(p, input);
	} catch (error) {
		failure = error;
	}
	const outcomes = (outcomesByPath[p.path] ??= {});
	const outcome = failure instanceof TRPCError ? failure.code : failure === null ? 'OK' : 'THROWN';
	outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
	if (failure !== null) {
		if (!(failure instanceof TRPCError))
			throw new Error(`${p.path} threw ${String(failure)} (not a tRPC error) for ${show(input)}`);
		if (failure.code === 'INTERNAL_SERVER_ERROR')
			throw new Error(`${p.path} answered INTERNAL_SERVER_ERROR (${causeOf(failure)}) for ${show(input)}`);
	}
	const after = await digestTables(db.em());
	if (failure !== null || p.type === 'query') {
		const changed = changedTables(digest, after);
		if (changed.length) {
			digest = after;
			const outcome = failure instanceof TRPCError ? `refused (${failure.code})` : 'a query';
			throw new Error(`${p.path} was ${outcome} but changed ${changed.join(', ')} for ${show(input)}`);
		}
	}
	digest = after;
}

/** Inputs for one procedure: shaped after its zod schema most of the time, anything otherwise. */
function inputsFor(p: ProcedureInfo): fc.Arbitrary<unknown> {
	const options = { ids };
	const schema = p.inputs[0];
	if (!schema) return fc.oneof(fc.constant(undefined), wildValue, commonKeysObject(options));
	return fc.oneof(
		{ weight: 4, arbitrary: arbFromSchema(schema, options) },
		{
			weight: 4,
			arbitrary: arbFromSchema(schema, { ids, mode: 'gentle', idsFor: (key) => idsFor(p.path, key) })
		},
		{ weight: 1, arbitrary: commonKeysObject(options) },
		{ weight: 1, arbitrary: wildValue },
		{ weight: 1, arbitrary: fc.object({ maxDepth: 2 }) }
	);
}

async function fuzz<T>(
	name: string,
	arbitrary: fc.Arbitrary<T>,
	check: (value: T) => Promise<void>,
	numRuns = RUNS
) {
	await fc.assert(fc.asyncProperty(arbitrary, check), {
		seed: seedFor(name),
		numRuns,
		// Shrinking would call the database many more times: the first failing input is reported.
		endOnFailure: true
	});
}

describe(`fuzzing every tRPC procedure (FUZZ_SEED=${SEED}, ${RUNS} inputs each)`, () => {
	it('finds the procedures and their input schemas', () => {
		expect(procedures.length).toBeGreaterThan(100);
		expect(ids.length).toBeGreaterThan(10);
	});

	it.each(procedures.map((p) => [p.path, p] as const))(
		'%s answers without an internal error, and a refused call changes nothing',
		async (_path, p) => {
			await fuzz(p.path, inputsFor(p), (input) => checkCall(p, input));
		}
	);

	// Hand-edited "next page" links: a cursor for the list's own sort, with a key that is no value of it.
	it('refuses page cursors with odd keys for the sort they name, never with an internal error', async () => {
		const p = procedures.find((q) => q.path === 'patients.find')!;
		const sorts = ['lastName', 'firstName', 'createdAt', 'updatedAt', 'dateOfBirth', 'id'] as const;
		const input = fc.constantFrom(...sorts).chain((field) =>
			craftedCursor({ ids }, [field]).map((cursor) => ({
				sort: { field, direction: 'asc' },
				cursor,
				search: field === 'id' ? undefined : 'jo'
			}))
		);
		await fuzz('patients.find cursors', input, (value) => checkCall(p, value), RUNS * 4);
	});

	// A fuzzer that only ever trips validation proves little: most procedures must also have been
	// reached with inputs their schema accepts (answered, or refused by a service rule).
	it('gets past input validation for most procedures, and succeeds for many', () => {
		const fuzzed = Object.entries(outcomesByPath);
		if (fuzzed.length < procedures.length) return; // a filtered run (-t) fuzzed only some
		const reached = fuzzed.filter(([, o]) => Object.keys(o).some((code) => code !== 'BAD_REQUEST'));
		const succeeded = fuzzed.filter(([, o]) => o.OK);
		expect(reached.length / fuzzed.length, JSON.stringify(outcomesByPath)).toBeGreaterThan(0.8);
		expect(succeeded.length / fuzzed.length, JSON.stringify(outcomesByPath)).toBeGreaterThan(0.6);
	});
});

describe(`fuzzing the REST API (FUZZ_SEED=${SEED})`, () => {
	let api: ApiClient;
	// The key's last-used time is refreshed by any authenticated request, refused or not.
	const restExcluded = [...INCIDENTAL_TABLES, 'api_key'];
	let restDigest: Digest;

	beforeAll(async () => {
		api = await apiClient(db, ['admin']);
		restDigest = await digestTables(db.em(), restExcluded);
	});

	const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'FUZZ'];
	const OPERATORS = ['=', '!=', '<', '<=', '>', '>=', '~', '~~', '?', '!?', '', '=='];

	function pathSegment(): fc.Arbitrary<string> {
		return fc.oneof(
			{ weight: 4, arbitrary: fc.constantFrom(...ids) },
			{ weight: 1, arbitrary: fc.constantFrom('0', '999999999999999999', '9223372036854775808') },
			{
				weight: 1,
				// (encodeURIComponent throws on half an emoji: no client can send that in a URL)
				arbitrary: nastyString.filter((s) => s.isWellFormed()).map((s) => encodeURIComponent(s.slice(0, 50)))
			}
		);
	}

	const listFields = [...new Set(apiRoutes.flatMap((r) => Object.keys(r.list?.filters ?? {})))];
	const sortFields = [...new Set(apiRoutes.flatMap((r) => r.list?.sorts ?? []))];

	/** Built when the test runs: the ids exist only after beforeAll. */
	const requests = () => {
		const query = fc
			.record(
				{
					q: fc.array(
						fc
							.tuple(
								fc.oneof(fc.constantFrom(...listFields, 'nope'), fc.string({ maxLength: 8 })),
								fc.constantFrom(...OPERATORS),
								fc.oneof(
									nastyString,
									fc.string({ maxLength: 12 }),
									fc.constantFrom('****-05-**', '2031-01-01')
								)
							)
							.map(([field, op, value]) => `${field}:${op}${value}`),
						{ maxLength: 3 }
					),
					sort: fc.oneof(
						fc.constantFrom(...sortFields, 'nope'),
						fc.constantFrom(...sortFields).map((f) => `${f}:desc`),
						nastyString
					),
					page: fc.oneof(fc.constantFrom('1', '2', '0', '-1', '1e9', 'x', ''), nastyString),
					per_page: fc.oneof(fc.constantFrom('1', '50', '100', '101', '0', '-5', '1.5'), nastyString)
				},
				{ requiredKeys: [] }
			)
			.map((parts) => {
				const search = new URLSearchParams();
				for (const q of parts.q ?? []) search.append('q[]', q);
				if (parts.sort !== undefined) search.set('sort', parts.sort);
				if (parts.page !== undefined) search.set('page', parts.page);
				if (parts.per_page !== undefined) search.set('per_page', parts.per_page);
				const text = search.toString();
				return text ? `?${text}` : '';
			});

		const request = fc
			.record({
				route: fc.constantFrom(...apiRoutes),
				otherMethod: fc.option(fc.constantFrom(...METHODS), { freq: 5 }),
				segment: pathSegment(),
				query,
				noise: fc.option(fc.constantFrom('/', '//', '/extra', '/..', '%2e%2e/', '.json'), { freq: 8 })
			})
			.chain((r) => {
				const path = r.route.path.replace(/\{\w+\}/g, r.segment) + (r.noise ?? '');
				const body: fc.Arbitrary<{ json?: unknown; raw?: string } | undefined> = fc.oneof(
					{
						weight: r.route.body ? 5 : 1,
						arbitrary: r.route.body
							? arbFromSchema(r.route.body.zod, { ids }).map((json) => ({ json }))
							: fc.constant(undefined)
					},
					{ weight: 1, arbitrary: wildValue.map((json) => ({ json })) },
					{
						weight: 1,
						arbitrary: fc.constantFrom('{', '{"a":', 'null', '[]', '"x"', '\u0000').map((raw) => ({ raw }))
					},
					{ weight: 1, arbitrary: fc.constant(undefined) }
				);
				return body.map((b) => ({
					method: r.otherMethod ?? r.route.method,
					path: `${path}${r.query}`,
					body: b
				}));
			});
		return request;
	};

	it('answers every generated request without a 500, and a refused write changes nothing', async () => {
		await fuzz(
			'rest',
			requests(),
			async ({ method, path, body }) => {
				let json: string | undefined;
				// fetch's Request cannot carry a body on GET or HEAD.
				if (method === 'GET' || method === 'HEAD') body = undefined;
				if (body?.json !== undefined) {
					try {
						json = JSON.stringify(body.json);
					} catch {
						json = '{"unserialisable": true}'; // BigInt and the like: what a client cannot send
					}
				}
				const answer = await api.call(method, path, {
					rawBody: body?.raw ?? json,
					headers: json !== undefined ? { 'Content-Type': 'application/json' } : {},
					rateLimit: { points: 1_000_000, windowSeconds: 60 }
				});
				const label = `${method} ${path.slice(0, 200)} with ${show(body)}`;
				if (answer.status >= 500)
					throw new Error(`${label} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
				const after = await digestTables(db.em(), restExcluded);
				const changed = changedTables(restDigest, after);
				restDigest = after;
				if (answer.status >= 400 && changed.length)
					throw new Error(`${label} answered ${answer.status} but changed ${changed.join(', ')}`);
				if ((method === 'GET' || method === 'HEAD') && changed.length)
					throw new Error(`${label} is a read but changed ${changed.join(', ')}`);
			},
			// One property over every route, so more requests than for one procedure.
			RUNS * 12
		);
	});
});
