// Who read or changed what, and when. Append-only: the database refuses UPDATE, DELETE and
// TRUNCATE on this table (a trigger in the migration).
import { defineEntity, p } from '@mikro-orm/postgresql';

export const ACTOR_TYPES = ['staff', 'referrer', 'patient', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

const AuditEventSchema = defineEntity({
	name: 'AuditEvent',
	tableName: 'audit_event',
	properties: {
		id: p.bigint('string').primary().autoincrement(),
		at: p.datetime().onCreate(() => new Date()),
		actorType: p.enum(ACTOR_TYPES),
		actorId: p.string().length(40).nullable(),
		actorLabel: p.string().length(300).nullable(),
		action: p.string().length(80),
		recordType: p.string().length(60).nullable(),
		recordId: p.string().length(60).nullable(),
		changedFields: p.array().nullable(),
		details: p.json<Record<string, unknown>>().nullable(),
		requestId: p.string().length(100).nullable(),
		ip: p.string().length(64).nullable()
	},
	indexes: [
		{ properties: ['at'] },
		{ properties: ['actorType', 'actorId', 'at'] },
		{ properties: ['recordType', 'recordId', 'at'] },
		{ properties: ['action', 'at'] }
	]
});

export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
export { AuditEventSchema };
