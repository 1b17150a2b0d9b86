// The clinic's definition of patient custom fields (sections > fields > options, each with a UUID
// token and an archived flag), kept as one versioned document (one row, id 1).
import { defineEntity, p } from '@mikro-orm/postgresql';
import type { CustomFieldType } from '../../schemas/patient-enums.ts';

export interface CustomFieldOptionDef {
	token: string;
	name: string;
	archived: boolean;
}

export interface CustomFieldDef {
	token: string;
	name: string;
	type: CustomFieldType;
	archived: boolean;
	/** Only for checkboxes and radiobuttons. */
	options?: CustomFieldOptionDef[];
	/** Only for checkboxes and radiobuttons: whether an "Other" free-text answer is offered. */
	other?: { enabled: boolean; archived?: boolean };
}

export interface CustomSectionDef {
	token: string;
	name: string;
	archived: boolean;
	fields: CustomFieldDef[];
}

export interface CustomFieldsDefinitionDoc {
	sections: CustomSectionDef[];
}

const CustomFieldDefinitionSchema = defineEntity({
	name: 'CustomFieldDefinition',
	tableName: 'patient_custom_field_definition',
	properties: {
		id: p.integer().primary().autoincrement(false),
		definition: p.json<CustomFieldsDefinitionDoc>(),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	}
});

export class CustomFieldDefinition extends CustomFieldDefinitionSchema.class {}
CustomFieldDefinitionSchema.setClass(CustomFieldDefinition);
export { CustomFieldDefinitionSchema };
