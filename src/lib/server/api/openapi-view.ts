// The OpenAPI document flattened for the readable reference page (/api/docs): endpoints by tag,
// with their parameters and responses, and each schema as a table of properties.
import { openApiDocument } from './openapi.ts';

type JsonSchema = {
	type?: string | string[];
	$ref?: string;
	anyOf?: JsonSchema[];
	oneOf?: JsonSchema[];
	enum?: unknown[];
	const?: unknown;
	items?: JsonSchema;
	properties?: Record<string, JsonSchema>;
	additionalProperties?: JsonSchema | boolean;
	required?: string[];
	description?: string;
	format?: string;
	pattern?: string;
	maxLength?: number;
	minimum?: number;
	maximum?: number;
	default?: unknown;
};

export interface PropertyView {
	name: string;
	type: string;
	required: boolean;
	description: string | null;
}

export interface SchemaView {
	name: string;
	description: string | null;
	properties: PropertyView[];
}

export interface ParameterView {
	name: string;
	in: string;
	required: boolean;
	type: string;
	description: string | null;
}

export interface EndpointView {
	id: string;
	method: string;
	path: string;
	summary: string;
	description: string | null;
	parameters: ParameterView[];
	body: string | null;
	responses: { status: string; description: string; schema: string | null }[];
}

export interface ApiReference {
	baseUrl: string;
	title: string;
	description: string;
	tags: { name: string; description: string; endpoints: EndpointView[] }[];
	schemas: SchemaView[];
}

function refName(ref: string): string {
	return ref.split('/').at(-1) ?? ref;
}

/** A short, readable type: `string | null`, `array of PatientCase`, `"SMS" | "Email"`. */
export function typeLabel(schema: JsonSchema | undefined): string {
	if (!schema) return 'any';
	if (schema.$ref) return refName(schema.$ref);
	if (schema.const !== undefined) return JSON.stringify(schema.const);
	if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
	const union = schema.anyOf ?? schema.oneOf;
	if (union) return [...new Set(union.map(typeLabel))].join(' | ');
	const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
	if (!types.length) return 'any';
	return types
		.map((type) => {
			if (type === 'array') return `array of ${typeLabel(schema.items)}`;
			if (type === 'string' && schema.format === 'uri') return 'URL';
			if (type === 'string' && schema.format) return `string (${schema.format})`;
			if (type === 'object' && !schema.properties && schema.additionalProperties) return 'object (map)';
			return type;
		})
		.join(' | ');
}

function describe(schema: JsonSchema): string | null {
	const notes = [schema.description];
	if (schema.maxLength !== undefined) notes.push(`at most ${schema.maxLength} characters`);
	if (schema.minimum !== undefined && schema.maximum !== undefined)
		notes.push(`${schema.minimum} to ${schema.maximum}`);
	if (schema.default !== undefined) notes.push(`default ${JSON.stringify(schema.default)}`);
	const text = notes.filter(Boolean).join('; ');
	return text || null;
}

export function apiReference(origin: string): ApiReference {
	const doc = openApiDocument(origin) as {
		info: { title: string; description: string };
		servers: { url: string }[];
		tags: { name: string; description: string }[];
		paths: Record<string, Record<string, Record<string, unknown>>>;
		components: { schemas: Record<string, JsonSchema> };
	};
	const tags = doc.tags.map((tag) => ({ ...tag, endpoints: [] as EndpointView[] }));
	for (const [path, operations] of Object.entries(doc.paths)) {
		for (const [method, op] of Object.entries(operations)) {
			const parameters = ((op.parameters ?? []) as Record<string, unknown>[]).map((p) => ({
				name: String(p.name),
				in: String(p.in),
				required: Boolean(p.required),
				type: typeLabel(p.schema as JsonSchema),
				description: (p.description as string | undefined) ?? null
			}));
			const body = op.requestBody as { content: Record<string, { schema: JsonSchema }> } | undefined;
			const responses = Object.entries(op.responses as Record<string, Record<string, unknown>>).map(
				([status, response]) => {
					const content = response.content as Record<string, { schema?: JsonSchema }> | undefined;
					const schema = content?.['application/json']?.schema;
					return {
						status,
						description: String(response.description),
						schema: schema?.$ref ? refName(schema.$ref) : null
					};
				}
			);
			const endpoint: EndpointView = {
				id: String(op.operationId),
				method: method.toUpperCase(),
				path,
				summary: String(op.summary),
				description: (op.description as string | undefined) ?? null,
				parameters,
				body: body?.content['application/json']?.schema.$ref
					? refName(body.content['application/json'].schema.$ref)
					: null,
				responses
			};
			const tagName = (op.tags as string[] | undefined)?.[0];
			tags.find((t) => t.name === tagName)?.endpoints.push(endpoint);
		}
	}
	const schemas = Object.entries(doc.components.schemas).map(([name, schema]) => {
		const required = new Set(schema.required ?? []);
		return {
			name,
			description: schema.description ?? null,
			properties: Object.entries(schema.properties ?? {}).map(([prop, value]) => ({
				name: prop,
				type: typeLabel(value),
				required: required.has(prop),
				description: describe(value)
			}))
		};
	});
	return {
		baseUrl: doc.servers[0]?.url ?? `${origin}/api/v1`,
		title: doc.info.title,
		description: doc.info.description,
		tags: tags.filter((t) => t.endpoints.length),
		schemas
	};
}
