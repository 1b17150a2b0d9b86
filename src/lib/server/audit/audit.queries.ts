// Browsing the audit trail (admin).
import type { FilterQuery } from '@mikro-orm/postgresql';
import { z } from 'zod';
import type { Em } from '../db/orm.ts';
import { AuditEvent } from './audit-event.entity.ts';
import { escapeLike } from '../db/like.ts';

/** Years 1 to 9999: what PostgreSQL reads back from an ISO timestamp (a wider one is refused there). */
const auditInstant = z
	.date()
	.min(new Date('0001-01-01T00:00:00Z'), 'Check the year')
	.max(new Date('9999-12-31T23:59:59.999Z'), 'Check the year');

export const findAuditInput = z
	.object({
		actorId: z
			.string()
			.regex(/^\d{1,18}$/)
			.optional(),
		actor: z.string().trim().max(254).optional(),
		action: z.string().trim().max(80).optional(),
		recordType: z.string().trim().max(60).optional(),
		recordId: z.string().trim().max(60).optional(),
		from: auditInstant.optional(),
		to: auditInstant.optional(),
		page: z.number().int().min(1).max(10_000).default(1),
		perPage: z.number().int().min(1).max(200).default(50)
	})
	.refine((v) => !v.from || !v.to || v.from <= v.to, {
		path: ['to'],
		message: 'The end is before the start'
	});

export async function findAuditEvents(em: Em, input: z.output<typeof findAuditInput>) {
	const where: FilterQuery<AuditEvent> = {};
	if (input.actorId) where.actorId = input.actorId;
	if (input.actor) where.actorLabel = { $ilike: `%${escapeLike(input.actor)}%` };
	if (input.action) where.action = { $like: `${escapeLike(input.action)}%` };
	if (input.recordType) where.recordType = input.recordType;
	if (input.recordId) where.recordId = input.recordId;
	if (input.from || input.to) {
		where.at = { ...(input.from ? { $gte: input.from } : {}), ...(input.to ? { $lte: input.to } : {}) };
	}
	const [items, total] = await em.findAndCount(AuditEvent, where, {
		orderBy: { at: 'desc', id: 'desc' },
		limit: input.perPage,
		offset: (input.page - 1) * input.perPage
	});
	return {
		items: items.map(toAuditView),
		total,
		page: input.page,
		perPage: input.perPage,
		pageCount: Math.max(1, Math.ceil(total / input.perPage))
	};
}

export interface AuditEventView {
	id: string;
	at: Date;
	actorType: AuditEvent['actorType'];
	actorId: string | null;
	actorLabel: string | null;
	action: string;
	recordType: string | null;
	recordId: string | null;
	changedFields: string[];
	details: Record<string, unknown> | null;
	ip: string | null;
	requestId: string | null;
}

function toAuditView(event: AuditEvent): AuditEventView {
	return {
		id: event.id,
		at: event.at,
		actorType: event.actorType,
		actorId: event.actorId ?? null,
		actorLabel: event.actorLabel ?? null,
		action: event.action,
		recordType: event.recordType ?? null,
		recordId: event.recordId ?? null,
		changedFields: event.changedFields ?? [],
		details: event.details ?? null,
		ip: event.ip ?? null,
		requestId: event.requestId ?? null
	};
}
