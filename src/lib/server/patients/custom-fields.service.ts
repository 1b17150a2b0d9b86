// The clinic's definition of patient custom fields: read by every patient form, changed by admins.
// One versioned row; an edit may add, rename, reorder and archive, never remove (answers refer to
// tokens) — see checkDefinitionChange.
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import type { Em } from '../db/orm.ts';
import { assertVersion } from '../db/versioning.ts';
import { AppError, zodFieldErrors, type FieldErrors } from '../errors.ts';
import { CustomFieldDefinition, type CustomFieldsDefinitionDoc } from './custom-field-definition.entity.ts';
import {
	checkDefinitionChange,
	customFieldsDefinitionInput,
	describeDefinitionChanges
} from './custom-fields.rules.ts';

const DEFINITION_ID = 1;

export interface CustomFieldDefinitionView {
	definition: CustomFieldsDefinitionDoc;
	version: number;
	updatedAt: Date;
}

function view(row: CustomFieldDefinition): CustomFieldDefinitionView {
	// A copy, so a caller editing what it got cannot change the managed entity behind our back.
	return { definition: structuredClone(row.definition), version: row.version, updatedAt: row.updatedAt };
}

function needsAttention(fieldErrors: FieldErrors): AppError {
	return new AppError('BAD_REQUEST', 'Some fields need attention', { fieldErrors });
}

export async function getCustomFieldDefinition(em: Em): Promise<CustomFieldDefinitionView> {
	return view(await em.findOneOrFail(CustomFieldDefinition, { id: DEFINITION_ID }));
}

/**
 * Replaces the definition with `definition` (any shape: it is parsed here, so form actions and
 * the router share one set of rules). Field errors are keyed under `definition.`; a stale
 * `version` is a CONFLICT.
 */
export async function updateCustomFieldDefinition(
	em: Em,
	actor: Actor,
	input: { definition: unknown; version: number }
): Promise<CustomFieldDefinitionView> {
	if (!Number.isInteger(input.version) || input.version < 1) {
		throw needsAttention({ version: ['Reload the page: the form lost track of which version it edits'] });
	}
	const parsed = customFieldsDefinitionInput.safeParse(input.definition);
	if (!parsed.success) {
		const errors = zodFieldErrors(parsed.error);
		throw needsAttention(
			Object.fromEntries(Object.entries(errors).map(([path, messages]) => [prefixed(path), messages]))
		);
	}
	const next: CustomFieldsDefinitionDoc = parsed.data;
	const updated = await em.transactional(async (tx) => {
		const row = await tx.findOneOrFail(CustomFieldDefinition, { id: DEFINITION_ID });
		// Checked before the change rules: against someone else's newer definition, "you removed
		// a field" would really mean "you never saw it".
		assertVersion(row, input.version, 'custom field set-up');
		const previous = row.definition;
		const refused = checkDefinitionChange(previous, next);
		if (Object.keys(refused).length) throw needsAttention(refused);
		const changes = describeDefinitionChanges(previous, next);
		row.definition = next;
		recordAudit(tx, actor, {
			action: 'custom_fields.update',
			recordType: 'settings',
			recordId: 'patient_custom_fields',
			changedFields: changes
		});
		return row;
	});
	return view(updated);
}

function prefixed(path: string): string {
	return path ? `definition.${path}` : 'definition';
}
