// The clinic-editable vocabulary of body parts a case can be about (seed 002: "Select the body
// part"). Archived parts stay on the cases that use them but are no longer offered.
import { defineEntity, p } from '@mikro-orm/postgresql';

const BodyPartSchema = defineEntity({
	name: 'BodyPart',
	tableName: 'body_part',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		name: p.string().length(80),
		isActive: p.boolean().default(true),
		createdAt: p.datetime().onCreate(() => new Date())
	},
	indexes: [
		{
			name: 'body_part_active_name_unique',
			expression:
				'create unique index "body_part_active_name_unique" on "body_part" (lower("name")) where "is_active"'
		}
	]
});

export class BodyPart extends BodyPartSchema.class {}
BodyPartSchema.setClass(BodyPart);
export { BodyPartSchema };
