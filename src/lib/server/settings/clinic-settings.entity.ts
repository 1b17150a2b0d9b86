// Clinic-wide settings an admin changes in the app (one row, id 1).
import { defineEntity, p } from '@mikro-orm/postgresql';
import { CLOCKS } from '../../format.ts';

const ClinicSettingsSchema = defineEntity({
	name: 'ClinicSettings',
	tableName: 'clinic_settings',
	properties: {
		id: p.integer().primary().autoincrement(false),
		clinicName: p.string().length(120).default('Casebook Clinic'),
		requireTwoFactor: p.boolean().default(false),
		/** How every page, email and SMS writes times: "2:30 pm" or "14:30". */
		clock: p.enum(CLOCKS).default('12h'),
		/** An admin chose the built-in outbox for email and SMS (no SMTP or Twilio): set-up is done. */
		outboxChosenAt: p.datetime().nullable(),
		updatedAt: p
			.datetime()
			.onCreate(() => new Date())
			.onUpdate(() => new Date()),
		version: p.integer().version().default(1)
	}
});

export class ClinicSettings extends ClinicSettingsSchema.class {}
ClinicSettingsSchema.setClass(ClinicSettings);
export { ClinicSettingsSchema };
