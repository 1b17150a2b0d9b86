// The patient portal's own credentials, apart from staff ones: one-time sign-in links (sent by email
// or SMS, only their SHA-256 stored) and the sessions they start, with their own idle timeout.
import { defineEntity, p } from '@mikro-orm/postgresql';
import { Appointment } from '../appointments/appointment.entity.ts';
import { Patient } from '../patients/patient.entity.ts';

export const PORTAL_LINK_PURPOSES = ['sign_in', 'reservation'] as const;
export type PortalLinkPurpose = (typeof PORTAL_LINK_PURPOSES)[number];

const PortalLinkSchema = defineEntity({
	name: 'PortalLink',
	tableName: 'portal_link',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		tokenHash: p.string().length(64).unique(),
		patient: () => p.manyToOne(Patient).deleteRule('cascade').index(),
		purpose: p.enum(PORTAL_LINK_PURPOSES),
		/** A reservation link opens that reservation after signing in. */
		appointment: () => p.manyToOne(Appointment).nullable().deleteRule('cascade'),
		channel: p.string().length(10),
		createdAt: p.datetime(),
		expiresAt: p.datetime(),
		usedAt: p.datetime().nullable()
	}
});

export class PortalLink extends PortalLinkSchema.class {}
PortalLinkSchema.setClass(PortalLink);

const PortalSessionSchema = defineEntity({
	name: 'PortalSession',
	tableName: 'portal_session',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		tokenHash: p.string().length(64).unique(),
		patient: () => p.manyToOne(Patient).deleteRule('cascade').index(),
		createdAt: p.datetime(),
		lastSeenAt: p.datetime(),
		expiresAt: p.datetime(),
		ip: p.string().length(64).nullable(),
		userAgent: p.string().length(300).nullable(),
		endedAt: p.datetime().nullable(),
		endReason: p.string().length(40).nullable()
	}
});

export class PortalSession extends PortalSessionSchema.class {}
PortalSessionSchema.setClass(PortalSession);
export { PortalLinkSchema, PortalSessionSchema };
