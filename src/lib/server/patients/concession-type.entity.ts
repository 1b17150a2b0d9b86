// A concession a patient may hold (pensioner, healthcare card...): clinic-defined.
import { defineEntity, p } from '@mikro-orm/postgresql';

const ConcessionTypeSchema = defineEntity({
	name: 'ConcessionType',
	tableName: 'concession_type',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		name: p.string().length(120).unique(),
		archivedAt: p.datetime().nullable(),
		createdAt: p.datetime().onCreate(() => new Date())
	}
});

export class ConcessionType extends ConcessionTypeSchema.class {}
ConcessionTypeSchema.setClass(ConcessionType);
export { ConcessionTypeSchema };
