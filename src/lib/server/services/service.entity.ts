// A kind of care the clinic offers (physiotherapy, occupational therapy, speech pathology...).
// Practitioners are linked to the services they provide; templates and appointment types belong to services.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { User } from '../auth/user.entity.ts';

const ServiceSchema = defineEntity({
	name: 'Service',
	tableName: 'service',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		name: p.string().length(120),
		/** #rrggbb */
		colour: p.string().length(7).default('#0f766e'),
		isActive: p.boolean().default(true),
		practitioners: () => p.manyToMany(User).pivotTable('practitioner_service').owner(),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	},
	indexes: [
		{
			name: 'service_active_name_unique',
			expression:
				'create unique index "service_active_name_unique" on "service" (lower("name")) where "is_active"'
		}
	]
});

export class Service extends ServiceSchema.class {}
ServiceSchema.setClass(Service);
export { ServiceSchema };
