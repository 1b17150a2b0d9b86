// What a custom-field answer reads as: the typed value, the chosen options, and any "Other" text.
import type { CustomFieldView } from '$lib/server/patients/custom-fields.rules';
import { formatCalendarDate } from './dates.ts';

export function customFieldAnswer(field: CustomFieldView): string[] {
	if (field.type === 'date') return field.value ? [formatCalendarDate(field.value)] : [];
	if (field.value !== undefined) return field.value ? [field.value] : [];
	const chosen = (field.options ?? []).filter((o) => o.selected).map((o) => o.name);
	if (field.other?.selected) chosen.push(field.other.value ? `Other: ${field.other.value}` : 'Other');
	return chosen;
}
