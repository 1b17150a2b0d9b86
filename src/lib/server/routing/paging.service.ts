// Pages: the SMS and emails an escalation step sends to team members. Their purpose key names the
// case, team, escalation generation, round, step and person, so a retried step never pages twice;
// a page that cannot be delivered by SMS falls back to email to the same person.
import type { Em } from '../db/orm.ts';
import { User } from '../auth/user.entity.ts';
import type { Notification } from '../notifications/notification.entity.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import { CaseEvent } from './routing.entity.ts';
import { Case } from '../cases/case.entity.ts';

export interface PageKey {
	caseId: string;
	teamId: string;
	generation: number;
	round: number;
	stepIndex: number;
	userId: string;
}

export const PAGE_PREFIX = 'case-page:';

export function pagePurpose(key: PageKey): string {
	return `${PAGE_PREFIX}${key.caseId}:${key.teamId}:g${key.generation}:r${key.round}:s${key.stepIndex}:u${key.userId}`;
}

export function parsePagePurpose(purpose: string): PageKey | null {
	const match = /^case-page:(\d+):(\d+):g(\d+):r(\d+):s(\d+):u(\d+)$/.exec(purpose);
	if (!match) return null;
	return {
		caseId: match[1]!,
		teamId: match[2]!,
		generation: Number(match[3]),
		round: Number(match[4]),
		stepIndex: Number(match[5]),
		userId: match[6]!
	};
}

/**
 * True while the case still waits for someone as it did when this page went out: open, not
 * acknowledged, and not re-triaged, closed or re-opened since (each of which starts a new
 * escalation generation, as the escalation step checks too).
 */
export async function isPageStillNeeded(em: Em, key: PageKey): Promise<boolean> {
	const caseRow = await em.findOne(Case, { id: key.caseId }, { refresh: true });
	return (
		!!caseRow &&
		caseRow.status === 'open' &&
		!caseRow.acknowledgedAt &&
		caseRow.escalationGeneration === key.generation
	);
}

/**
 * An SMS page that failed (Twilio reported failed / undelivered, or the send failed for good) goes
 * to the same person by email at once, unless the case no longer needs them (acknowledged, closed,
 * re-triaged: a late failure report must not page anyone). Idempotent: one fallback per failed
 * SMS. Call inside a transaction.
 */
export async function fallBackToEmail(em: Em, notification: Notification): Promise<boolean> {
	if (notification.channel !== 'sms') return false;
	const key = parsePagePurpose(notification.purpose);
	if (!key) return false;
	if (!(await isPageStillNeeded(em, key))) return false;
	const user = await em.findOne(User, { id: key.userId });
	if (!user || !user.isActive) return false;
	const { isNew } = await queueNotification(em, {
		channel: 'email',
		recipient: user.email,
		purpose: `case-page-fallback:${notification.id}`,
		subject: 'Case waiting for you (SMS could not be delivered)',
		body: [
			`We could not deliver this page to ${notification.recipient} by SMS, so here it is by email:`,
			'',
			notification.body
		].join('\n'),
		related: { type: 'case', id: key.caseId }
	});
	if (isNew)
		em.create(CaseEvent, {
			case: key.caseId,
			kind: 'delivery',
			data: {
				userId: user.id,
				name: user.name,
				failedChannel: 'sms',
				fallbackChannel: 'email',
				notificationId: notification.id,
				error: notification.error ?? null
			}
		});
	await em.flush();
	return isNew;
}
