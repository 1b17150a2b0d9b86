// The OpenAPI document of /api/v1 is valid OpenAPI 3.1 (checked by someone else's validator, not
// ours), every $ref it makes resolves, and the readable reference (/api/docs) lists every endpoint
// of every resource under its tag.
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildOpenApi } from './openapi.ts';
import { apiReference } from './openapi-view.ts';
import { apiRoutes } from './routes.ts';

const ORIGIN = 'https://clinic.example';

function refsIn(value: unknown, found: Set<string>): void {
	if (Array.isArray(value)) for (const item of value) refsIn(item, found);
	else if (value && typeof value === 'object') {
		for (const [key, item] of Object.entries(value)) {
			if (key === '$ref' && typeof item === 'string') found.add(item);
			else refsIn(item, found);
		}
	}
}

describe('the OpenAPI document', () => {
	it('validates as OpenAPI 3.1', async () => {
		const validator = new Validator();
		const result = await validator.validate(structuredClone(buildOpenApi(ORIGIN)));
		expect(result.errors ?? []).toEqual([]);
		expect(result.valid).toBe(true);
		expect(validator.version).toBe('3.1');
	});

	it('resolves every $ref to a component', () => {
		const doc = buildOpenApi(ORIGIN) as { components: { schemas: Record<string, unknown> } };
		const refs = new Set<string>();
		refsIn(doc, refs);
		const missing = [...refs].filter((ref) => {
			const name = ref.replace('#/components/schemas/', '');
			return ref.startsWith('#/components/schemas/') && !(name in doc.components.schemas);
		});
		expect(missing).toEqual([]);
	});

	it('documents every route, and /api/docs lists each under its tag', () => {
		const reference = apiReference(ORIGIN);
		const listed = new Set(reference.tags.flatMap((t) => t.endpoints.map((e) => `${e.method} ${e.path}`)));
		const missing = apiRoutes.map((r) => `${r.method} ${r.path}`).filter((key) => !listed.has(key));
		expect(missing).toEqual([]);
		for (const tag of [
			'Patients',
			'Patient cases',
			'Medical alerts',
			'Individual appointments',
			'Appointments',
			'Bookings',
			'Attendees',
			'Practitioners',
			'Appointment types',
			'Contacts',
			'Concession types',
			'Patient attachments',
			'Invoices'
		]) {
			expect(reference.tags.map((t) => t.name)).toContain(tag);
		}
		const invoices = reference.tags.find((t) => t.name === 'Invoices')!;
		expect(invoices.endpoints.every((e) => /no invoicing/.test(e.description ?? ''))).toBe(true);
	});
});
