// Posted form fields as plain values, and the readers every form uses. Client-safe (no server
// imports): readers shared by a page and its action (e.g. the policy form) use these too;
// `formValues()` in src/lib/server/web/forms.ts fills them from a request.

/** Form fields as strings (checkboxes: 'on' | absent; repeated names: arrays). */
export type FormValues = Record<string, string | string[]>;

/** One field as text: '' when it was not sent, the first value when the name came more than once. */
export function field(values: FormValues, name: string): string {
	const value = Object.hasOwn(values, name) ? values[name] : undefined;
	return (Array.isArray(value) ? value[0] : value) ?? '';
}

/** Every value of a name (a group of checkboxes, a multiple select); [] when none was sent. */
export function fieldList(values: FormValues, name: string): string[] {
	const value = Object.hasOwn(values, name) ? values[name] : undefined;
	if (value === undefined) return [];
	return Array.isArray(value) ? value : [value];
}

/** A checkbox: ticked boxes post 'on', unticked ones post nothing. */
export function isChecked(values: FormValues, name: string): boolean {
	return field(values, name) === 'on';
}
