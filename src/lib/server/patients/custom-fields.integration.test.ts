// The definition is one shared row in the shared test database: every test reads the current
// version first, only adds its own uniquely named sections, and archives them at the end.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditEvent } from '../audit/audit-event.entity.ts';
import type { User } from '../auth/user.entity.ts';
import { AppError } from '../errors.ts';
import { actorFor, contextFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { createCallerFactory, router } from '../trpc/init.ts';
import type { CustomFieldsDefinitionDoc } from './custom-field-definition.entity.ts';
import { customFieldsRouter } from './custom-fields.router.ts';
import { getCustomFieldDefinition, updateCustomFieldDefinition } from './custom-fields.service.ts';

const createCaller = createCallerFactory(router({ customFields: customFieldsRouter }));

let db: TestDb;
let admin: User;
let scheduler: User;
const mine = new Set<string>();

function callerFor(user: User | null) {
	return createCaller(contextFor(db.em(), user));
}

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
	try {
		await promise;
	} catch (error) {
		if (error instanceof TRPCError) return error;
		throw error;
	}
	throw new Error('expected the call to fail');
}

function fieldErrorsOf(error: TRPCError) {
	return error.cause instanceof AppError ? error.cause.fieldErrors : undefined;
}

/** The current definition plus one new section of ours (no tokens: the server gives them). */
async function withNewSection(name: string) {
	const current = await callerFor(admin).customFields.get();
	const definition: CustomFieldsDefinitionDoc = current.definition;
	const input = {
		sections: [
			...definition.sections,
			{
				name,
				archived: false,
				fields: [
					{
						name: 'Provider',
						type: 'radiobuttons' as const,
						archived: false,
						options: [{ name: 'Great', archived: false }],
						other: { enabled: true }
					},
					{ name: 'Policy number', type: 'text' as const, archived: false }
				]
			}
		]
	};
	return { current, input };
}

beforeAll(async () => {
	db = await openTestDb();
	admin = await createTestUser(db.em(), { roles: ['admin'] });
	scheduler = await createTestUser(db.em(), { roles: ['scheduler'] });
});

afterAll(async () => {
	if (db && mine.size) {
		// Archived, not removed: tokens may never disappear from the definition.
		const current = await getCustomFieldDefinition(db.em());
		for (const section of current.definition.sections) if (mine.has(section.token)) section.archived = true;
		await updateCustomFieldDefinition(db.em(), actorFor(admin), current);
	}
	await db?.close();
});

describe('patient custom fields definition', () => {
	it('saves an admin’s new section with fresh tokens, audits it, and every staff member reads it back', async () => {
		const name = `Insurance ${uniqueSuffix()}`;
		const { current, input } = await withNewSection(name);
		const saved = await callerFor(admin).customFields.update({ definition: input, version: current.version });
		const section = saved.definition.sections.at(-1);
		mine.add(section!.token);

		expect(saved.version).toBe(current.version + 1);
		expect(section?.name).toBe(name);
		expect(section?.token).toMatch(/^[0-9a-f-]{36}$/);
		const tokens = section!.fields.flatMap((f) => [f.token, ...(f.options ?? []).map((o) => o.token)]);
		expect(tokens).toHaveLength(3);
		for (const token of tokens)
			expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		expect(saved.definition.sections.slice(0, -1)).toEqual(current.definition.sections);

		const read = await callerFor(scheduler).customFields.get();
		expect(read).toEqual(saved);
		expect(read.updatedAt).toBeInstanceOf(Date);

		const audit = await db
			.em()
			.find(AuditEvent, { actorId: admin.id, action: 'custom_fields.update' }, { orderBy: { id: 'desc' } });
		expect(audit[0]?.recordId).toBe('patient_custom_fields');
		expect(audit[0]?.changedFields).toContain(`section "${name}" added`);
	});

	it('refuses a save made from an older version', async () => {
		const { current, input } = await withNewSection(`Conflict ${uniqueSuffix()}`);
		const saved = await callerFor(admin).customFields.update({ definition: input, version: current.version });
		mine.add(saved.definition.sections.at(-1)!.token);

		const stale = await trpcError(
			callerFor(admin).customFields.update({ definition: current.definition, version: current.version })
		);
		expect(stale.code).toBe('CONFLICT');
		expect(stale.message).toMatch(/Someone else changed/);
		expect((await getCustomFieldDefinition(db.em())).version).toBe(saved.version);
	});

	it('refuses removing a saved item or changing a field’s type, naming where', async () => {
		const { current, input } = await withNewSection(`Keep ${uniqueSuffix()}`);
		const saved = await callerFor(admin).customFields.update({ definition: input, version: current.version });
		const index = saved.definition.sections.length - 1;
		mine.add(saved.definition.sections[index]!.token);

		const retyped = structuredClone(saved.definition);
		retyped.sections[index]!.fields[1]!.type = 'paragraph';
		retyped.sections[index]!.fields[0]!.options = [
			{ name: 'Replacement', archived: false, token: crypto.randomUUID() }
		];
		const error = await trpcError(
			callerFor(admin).customFields.update({ definition: retyped, version: saved.version })
		);
		expect(error.code).toBe('BAD_REQUEST');
		expect(Object.keys(fieldErrorsOf(error) ?? {}).sort()).toEqual([
			`definition.sections.${index}.fields.0.options`,
			`definition.sections.${index}.fields.1.type`
		]);

		const removed = { sections: saved.definition.sections.slice(0, -1) };
		const removal = await trpcError(
			callerFor(admin).customFields.update({ definition: removed, version: saved.version })
		);
		expect(fieldErrorsOf(removal)?.['definition.sections']?.[0]).toMatch(/cannot be removed/);
		expect((await getCustomFieldDefinition(db.em())).version).toBe(saved.version);
	});

	it('reports input errors at their path under "definition"', async () => {
		const current = await getCustomFieldDefinition(db.em());
		const error = await trpcError(
			callerFor(admin).customFields.update({
				definition: {
					sections: [
						...current.definition.sections,
						{ name: ' ', archived: false, fields: [{ name: 'Choice', type: 'checkboxes', archived: false }] }
					]
				},
				version: current.version
			})
		);
		const at = current.definition.sections.length;
		expect(error.code).toBe('BAD_REQUEST');
		expect(fieldErrorsOf(error)).toEqual({
			[`definition.sections.${at}.name`]: ['Enter a name'],
			[`definition.sections.${at}.fields.0.options`]: ['Add at least one option']
		});
	});

	it('lets only admins change it, and only staff read it', async () => {
		const current = await getCustomFieldDefinition(db.em());
		const update = { definition: current.definition, version: current.version };
		expect((await trpcError(callerFor(scheduler).customFields.update(update))).code).toBe('FORBIDDEN');
		expect((await trpcError(callerFor(null).customFields.update(update))).code).toBe('UNAUTHORIZED');
		expect((await trpcError(callerFor(null).customFields.get())).code).toBe('UNAUTHORIZED');
		expect((await getCustomFieldDefinition(db.em())).version).toBe(current.version);
	});
});
