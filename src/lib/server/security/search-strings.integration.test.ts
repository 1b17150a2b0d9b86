// Security checks (issue 10, item 4): search and filter strings with SQL and LIKE metacharacters are
// harmless. Every procedure with a search field answers them without an internal error and changes
// nothing; the searches match them as plain text (a "%" finds a name with a "%", not every name);
// the REST API's filters do the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../api/api-test-client.ts';
import { CaseTemplate, CaseTemplateRequestType } from '../case-templates/case-template.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { Contact } from '../contacts/contact.entity.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, type Clinic } from '../testing/clinic-fixtures.ts';
import { digestRows } from '../testing/db-digest.ts';
import { callerFor, callerForPatient, uniqueSuffix } from '../testing/factories.ts';
import { inputKeys } from '../testing/fuzz-inputs.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import type { Meta } from '../trpc/init.ts';
import { appRouter } from '../app/router.ts';
import { TRPCError } from '@trpc/server';

const HOSTILE = [
	"'; drop table patient; --",
	"' or '1'='1",
	"%' or 1=1 --",
	'") or 1=1 --',
	'%',
	'_',
	'%_%',
	'\\',
	'\\%',
	"\\'",
	'$1',
	'?',
	':name',
	'*',
	'[a-z]',
	'.*',
	'Zoë 😀',
	'x'.repeat(200)
];

let db: TestDb;
let clinic: Clinic;
let api: ApiClient;
const suffix = uniqueSuffix().replace(/\d/g, 'q');
/** The stems made below: `${stem}${variant}` for each variant, so "stem%" must find exactly one. */
const VARIANTS = ['%', '_', '\\', "'", 'X', 'XY'];
const made = {
	patients: [] as string[],
	cases: [] as string[],
	contacts: [] as string[],
	teams: [] as string[]
};

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	api = await apiClient(db, ['admin']);
	const em = db.em();
	const template = em.create(CaseTemplate, { name: `Requests ${suffix}`, allowsRequests: true });
	template.services.add(em.getReference(Service, clinic.physiotherapy.id));
	await em.flush();
	em.create(CaseTemplateRequestType, { template, appointmentType: clinic.consult.id, durationMinutes: 30 });
	await em.flush();
	const admin = callerFor(db.em(), clinic.admin);
	const start = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000 + 4 * 86_400_000);
	for (const variant of VARIANTS) {
		// Through the service, which keeps the search text the patient list matches.
		const patient = await admin.patients.create({ firstName: 'Jo', lastName: `Wild${suffix}${variant}` });
		const rows = db.em();
		const caseRow = rows.create(Case, {
			name: `Case${suffix}${variant}`,
			patient: patient.id,
			template: template.id,
			issuedOn: '2030-01-01'
		});
		const contact = rows.create(Contact, { lastName: `Doc${suffix}${variant}` });
		await rows.flush();
		made.patients.push(patient.id);
		made.cases.push(caseRow.id);
		made.contacts.push(contact.id);
		await callerForPatient(db.em(), patient).portal.requestAppointment({
			caseId: caseRow.id,
			appointmentTypeId: clinic.consult.id,
			windows: [{ startsAt: start, endsAt: new Date(start.getTime() + 3_600_000) }]
		});
		made.teams.push((await admin.teams.create({ name: `Team${suffix}${variant}` })).id);
	}
});
afterAll(async () => {
	await db?.close();
});

async function ourRows(): Promise<string[]> {
	const em = db.em();
	return Promise.all([
		digestRows(em, 'patient', 'id', made.patients),
		digestRows(em, 'clinic_case', 'id', made.cases),
		digestRows(em, 'appointment_request', 'patient_id', made.patients),
		digestRows(em, 'contact', 'id', made.contacts),
		digestRows(em, 'team', 'id', made.teams)
	]);
}

function call(path: string, input: unknown): Promise<unknown> {
	let target: unknown = callerFor(db.em(), clinic.admin);
	for (const key of path.split('.')) target = (target as Record<string, unknown>)[key];
	return (target as (input: unknown) => Promise<unknown>)(input);
}

/** Text fields a list procedure matches with LIKE or equality: the search box, and the audit filters. */
const SEARCH_KEYS = ['search', 'actor', 'action', 'recordType', 'recordId'];
const searchable = Object.entries(
	appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta; inputs: unknown[] } }>
)
	.map(([path, p]) => ({
		path,
		meta: p._def.meta,
		keys: inputKeys(p._def.inputs[0]).filter((k) => SEARCH_KEYS.includes(k))
	}))
	.filter((p) => p.keys.length && p.meta?.access === 'staff');

describe('search strings with SQL and LIKE metacharacters', () => {
	it('finds the searchable procedures', () => {
		expect(searchable.map((p) => p.path)).toEqual(
			expect.arrayContaining(['patients.find', 'cases.find', 'appointmentRequests.find', 'contacts.find'])
		);
	});

	it.each(searchable.map((p) => [p.path, p] as const))(
		'%s answers every hostile search without an internal error, and changes nothing',
		async (path, p) => {
			const before = await ourRows();
			for (const text of HOSTILE) {
				for (const key of p.keys) {
					try {
						await call(path, { [key]: text });
					} catch (error) {
						// Too long or otherwise invalid is a field error; never a 500.
						expect(error, `${path} with ${key} = ${JSON.stringify(text)}`).toBeInstanceOf(TRPCError);
						expect((error as TRPCError).code, `${path} with ${key} = ${JSON.stringify(text)}`).toBe(
							'BAD_REQUEST'
						);
					}
				}
			}
			expect(await ourRows()).toEqual(before);
			// The injection did not drop anything.
			expect((await db.em().execute<{ n: string }[]>('select count(*) as n from patient'))[0]!.n).not.toBe(
				'0'
			);
		}
	);

	/** For each variant: searching `${stem}${variant}` finds exactly the record made with it. */
	async function expectLiteral(stem: string, find: (search: string) => Promise<string[]>) {
		for (const variant of VARIANTS) {
			const names = await find(`${stem}${variant}`);
			const expected = variant === 'X' ? [`${stem}X`, `${stem}XY`] : [`${stem}${variant}`];
			expect(names.sort(), `searching ${JSON.stringify(stem + variant)}`).toEqual(expected.sort());
		}
	}

	it('matches metacharacters as plain text in patient, case, request, contact and team searches', async () => {
		const admin = callerFor(db.em(), clinic.admin);
		await expectLiteral(`Wild${suffix}`, async (search) =>
			(await admin.patients.find({ search })).items.map((p) => p.lastName)
		);
		await expectLiteral(`Case${suffix}`, async (search) =>
			(await admin.cases.find({ search, status: 'all' })).items.map((c) => c.name)
		);
		await expectLiteral(`Case${suffix}`, async (search) =>
			(await admin.appointmentRequests.find({ search, status: 'all' })).items.map((r) => r.case.name)
		);
		await expectLiteral(`Doc${suffix}`, async (search) =>
			(await admin.contacts.find({ search })).items.map((c) => c.lastName)
		);
		await expectLiteral(`Team${suffix}`, async (search) =>
			(await admin.teams.find({ search })).map((t) => t.name)
		);
	});

	it('matches metacharacters as plain text in patient filters (contains, equals, wildcard)', async () => {
		const admin = callerFor(db.em(), clinic.admin);
		const lastNames = async (filters: { field: 'lastName'; op: string; value: string }[]) =>
			(await admin.patients.find({ filters } as never)).items.map((p) => p.lastName).sort();
		await expectLiteral(`Wild${suffix}`, async (value) => {
			const found = await lastNames([{ field: 'lastName', op: '~', value }]);
			return found;
		});
		for (const variant of VARIANTS)
			expect(await lastNames([{ field: 'lastName', op: '=', value: `Wild${suffix}${variant}` }])).toEqual([
				`Wild${suffix}${variant}`
			]);
		// With ~~ the caller's % is a wildcard, and only that: "_" and "\" stay literal.
		expect(await lastNames([{ field: 'lastName', op: '~~', value: `Wild${suffix}_` }])).toEqual([
			`Wild${suffix}_`
		]);
		expect(await lastNames([{ field: 'lastName', op: '~~', value: `Wild${suffix}\\` }])).toEqual([
			`Wild${suffix}\\`
		]);
		expect(await lastNames([{ field: 'lastName', op: '~~', value: `Wild${suffix}%` }])).toHaveLength(
			VARIANTS.length
		);
		for (const text of HOSTILE)
			for (const op of ['=', '!=', '<', '>=', '~', '~~'])
				await lastNames([{ field: 'lastName', op, value: text }]).catch((error: unknown) => {
					expect((error as TRPCError).code, `${op} ${JSON.stringify(text)}`).toBe('BAD_REQUEST');
				});
	});

	it('matches metacharacters as plain text in the REST API’s filters, and never answers 500', async () => {
		const before = await ourRows();
		const list = async (query: string) => {
			const answer = await api.call('GET', `/patients?${query}`, {
				rateLimit: { points: 100_000, windowSeconds: 60 }
			});
			expect(answer.status, `${query}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
			return answer;
		};
		for (const variant of VARIANTS) {
			const answer = await list(
				new URLSearchParams({ 'q[]': `last_name:~Wild${suffix}${variant}` }).toString()
			);
			const names = (answer.body as { patients: { last_name: string }[] }).patients.map((p) => p.last_name);
			expect(names.sort(), variant).toEqual(
				variant === 'X' ? [`Wild${suffix}X`, `Wild${suffix}XY`] : [`Wild${suffix}${variant}`]
			);
		}
		for (const text of HOSTILE)
			for (const op of ['=', '!=', '~', '~~', '<', '>=']) {
				await list(new URLSearchParams({ 'q[]': `last_name:${op}${text}` }).toString());
				await list(new URLSearchParams({ 'q[]': `date_of_birth:${op}${text}` }).toString());
				await list(new URLSearchParams({ sort: text }).toString());
			}
		expect(await ourRows()).toEqual(before);
	});

	it('refuses text the database cannot store (U+0000, half an emoji) with a field error, never a 500', async () => {
		const admin = callerFor(db.em(), clinic.admin);
		const nul = await admin.patients
			.create({ firstName: 'Jo', lastName: 'Null\u0000Byte' })
			.catch((e: unknown) => e);
		expect(nul).toBeInstanceOf(TRPCError);
		expect((nul as TRPCError).code).toBe('BAD_REQUEST');
		expect((nul as TRPCError).cause).toMatchObject({
			fieldErrors: { lastName: [expect.stringMatching(/cannot be stored/)] }
		});
		const half = await admin.teams.create({ name: 'Broken \ud83d emoji' }).catch((e: unknown) => e);
		expect((half as TRPCError).code).toBe('BAD_REQUEST');
		expect(
			((await admin.patients.find({ search: 'a\u0000b' }).catch((e: unknown) => e)) as TRPCError).code
		).toBe('BAD_REQUEST');
		const limit = { rateLimit: { points: 100_000, windowSeconds: 60 } };
		const body = await api.call('POST', '/patients', {
			rawBody: '{"first_name":"Jo","last_name":"Null\\u0000Byte"}',
			headers: { 'Content-Type': 'application/json' },
			...limit
		});
		expect(body.status).toBe(422);
		expect(body.body).toMatchObject({ errors: { last_name: expect.stringMatching(/cannot be stored/) } });
		const query = await api.call('GET', '/patients?q[]=last_name:~a%00b', limit);
		expect(query.status).toBe(400);
		// Nothing was created on the way.
		expect(
			(await admin.patients.find({ search: 'Null' })).items.filter((p) => p.lastName.includes('Byte'))
		).toEqual([]);
	});
});
