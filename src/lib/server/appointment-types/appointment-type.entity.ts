// A kind of appointment (e.g. "Initial consultation", 45 min, $95): belongs to one or more services.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { Service } from '../services/service.entity.ts';

const AppointmentTypeSchema = defineEntity({
	name: 'AppointmentType',
	tableName: 'appointment_type',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		name: p.string().length(120),
		services: () => p.manyToMany(Service).pivotTable('appointment_type_service').owner(),
		/** Minutes. */
		// Written as PostgreSQL normalises it, so the migration generator sees no difference.
		durationMinutes: p.integer().check('((duration_minutes >= 5) AND (duration_minutes <= 480))'),
		/** Integer cents. */
		priceCents: p.integer().default(0).check('(price_cents >= 0)'),
		colour: p.string().length(7).default('#0284c7'),
		isActive: p.boolean().default(true),
		createdAt: p.datetime().onCreate(() => new Date()),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	}
});

export class AppointmentType extends AppointmentTypeSchema.class {}
AppointmentTypeSchema.setClass(AppointmentType);
export { AppointmentTypeSchema };
