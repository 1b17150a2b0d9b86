// The note template builder posts the template as JSON in one field; the procedure validates it.
import { field, type FormValues } from '$lib/server/web/forms';

export function readPayload(data: FormValues): Record<string, unknown> {
	try {
		const parsed: unknown = JSON.parse(field(data, 'payload') || '{}');
		return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
			? (parsed as Record<string, unknown>)
			: {};
	} catch {
		return {};
	}
}
