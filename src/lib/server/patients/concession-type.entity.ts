// A concession a patient may hold (pensioner, healthcare card...): clinic-defined. Archived types
// stay on the patients who hold them but are no longer offered; an archived name may be used again.
import { defineEntity, p } from '@mikro-orm/postgresql';

const ConcessionTypeSchema = defineEntity({
	name: 'ConcessionType',
	tableName: 'concession_type',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		name: p.string().length(120),
		archivedAt: p.datetime().nullable(),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date())
	},
	indexes: [
		{
			name: 'concession_type_active_name_unique',
			expression:
				'create unique index "concession_type_active_name_unique" on "concession_type" (lower("name")) where "archived_at" is null'
		}
	]
});

export class ConcessionType extends ConcessionTypeSchema.class {}
ConcessionTypeSchema.setClass(ConcessionType);
export { ConcessionTypeSchema };
