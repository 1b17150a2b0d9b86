// How routed cases read (browser-safe): escalation explained per priority, countdowns, who sent a
// case, delivery statuses of pages, and one line per timeline event.
import { defaultEscalationPolicy, PRIORITY_LABELS, type Priority } from '$lib/schemas/team';

/** 5 → "5 minutes", 60 → "1 hour", 1440 → "24 hours", 2880 → "2 days". */
export function formatMinutes(minutes: number): string {
	const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
	if (minutes < 60 || minutes % 60 !== 0) return plural(minutes, 'minute');
	const hours = minutes / 60;
	if (hours <= 24 || hours % 24 !== 0) return plural(hours, 'hour');
	return plural(hours / 24, 'day');
}

function channelWord(channel: string): string {
	return channel === 'sms' ? 'an SMS' : 'an email';
}

/**
 * What happens to an unacknowledged case of this priority under seed 004's default policy:
 * "members get an SMS after 5 minutes if nobody acknowledges".
 */
export function escalationExplanation(priority: Priority): string {
	const step = defaultEscalationPolicy()[priority].steps[0]!;
	return `members get ${channelWord(step.channel)} after ${formatMinutes(step.afterMinutes)} if nobody acknowledges`;
}

/**
 * Time left before an escalation, for a ticking display: "4:32", "1:04:32", "2 d 3 h". Null once
 * it is due.
 */
export function countdownText(msLeft: number): string | null {
	if (msLeft <= 0) return null;
	const total = Math.ceil(msLeft / 1000);
	const days = Math.floor(total / 86_400);
	const hours = Math.floor((total % 86_400) / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	const pad = (n: number) => String(n).padStart(2, '0');
	if (days > 0) return `${days} d ${hours} h`;
	if (hours > 0) return `${hours}:${pad(minutes)}:${pad(seconds)}`;
	return `${minutes}:${pad(seconds)}`;
}

/** The same span in words, for screen readers and tooltips: "4 minutes 32 seconds". */
export function countdownWords(msLeft: number): string {
	const total = Math.max(0, Math.ceil(msLeft / 1000));
	const parts: [number, string][] = [
		[Math.floor(total / 86_400), 'day'],
		[Math.floor((total % 86_400) / 3600), 'hour'],
		[Math.floor((total % 3600) / 60), 'minute'],
		[total < 3600 ? total % 60 : 0, 'second']
	];
	const words = parts.filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
	return words.length ? words.slice(0, 2).join(' ') : 'now';
}

/** "Dr Jane Ng (referrer)", or the staff member's name. */
export function senderLabel(sender: { name: string; isReferrer: boolean } | null): string {
	if (!sender) return 'Unknown sender';
	return sender.isReferrer ? `${sender.name} (referrer)` : sender.name;
}

export function channelLabel(channel: string): string {
	return channel === 'sms' ? 'SMS' : channel === 'email' ? 'Email' : channel;
}

export type DeliveryTone = 'delivered' | 'sent' | 'pending' | 'failed' | 'unknown';

/** A page's notification status as a person reads it. */
export function deliveryStatus(status: string): { label: string; tone: DeliveryTone } {
	switch (status) {
		case 'delivered':
			return { label: 'Delivered', tone: 'delivered' };
		case 'sent':
			return { label: 'Sent', tone: 'sent' };
		case 'queued':
		case 'sending':
			return { label: 'Sending', tone: 'pending' };
		case 'failed':
			return { label: 'Failed', tone: 'failed' };
		case 'undelivered':
			return { label: 'Not delivered', tone: 'failed' };
		default:
			return { label: 'Unknown', tone: 'unknown' };
	}
}

function text(value: unknown): string | null {
	return typeof value === 'string' && value !== '' ? value : null;
}

function priorityLabel(value: unknown): string {
	return typeof value === 'string' && value in PRIORITY_LABELS
		? PRIORITY_LABELS[value as Priority]
		: 'Unknown';
}

function teamNames(value: unknown): string {
	if (!Array.isArray(value)) return 'the teams';
	const names = value
		.map((t) => (t && typeof t === 'object' ? text((t as { name?: unknown }).name) : null))
		.filter((n): n is string => n !== null);
	return names.length ? names.join(', ') : 'the teams';
}

/** One line for a timeline event (comments also carry their body, shown apart). */
export function timelineTitle(entry: {
	kind: string;
	actor: string | null;
	data?: Record<string, unknown>;
}): string {
	const who = entry.actor ?? 'Someone';
	const data = entry.data ?? {};
	switch (entry.kind) {
		case 'sent':
			return data.teams
				? `${who} sent it to ${teamNames(data.teams)} as ${priorityLabel(data.priority)}`
				: `${who} sent it`;
		case 'escalated':
			return `Escalated to ${text(data.teamName) ?? 'the team'} by ${channelLabel(String(data.channel ?? 'email'))}`;
		case 'delivery': {
			const name = text(data.name) ?? 'a member';
			const failed = channelLabel(String(data.failedChannel ?? 'sms'));
			const fallback = channelLabel(String(data.fallbackChannel ?? 'email')).toLowerCase();
			return `${failed} to ${name} could not be delivered; sent by ${fallback} instead`;
		}
		case 'acknowledged':
			return data.via === 'sms' ? `${who} acknowledged it by SMS reply` : `${who} acknowledged it`;
		case 'taken_over': {
			const from =
				data.from && typeof data.from === 'object' ? text((data.from as { name?: unknown }).name) : null;
			return from ? `${who} took it over from ${from}` : `${who} took it over`;
		}
		case 'retriaged':
			return `${who} re-triaged it from ${priorityLabel(data.from)} to ${priorityLabel(data.to)}`;
		case 'comment':
			return `${who} commented`;
		case 'closed':
			return `${who} closed the case`;
		case 'reopened':
			return `${who} re-opened the case`;
		case 'patient_linked':
			return data.isNewPatient
				? `${who} linked it to a new patient record made from the referral`
				: `${who} linked it to a patient record`;
		default:
			return entry.kind;
	}
}

/** Where a sent case stands, as its sender sees it. */
export function sentCaseStatus(item: { status: 'open' | 'closed'; acknowledgedBy: string | null }): string {
	if (item.status === 'closed') return 'Closed';
	if (item.acknowledgedBy) return `Acknowledged by ${item.acknowledgedBy}`;
	return 'Waiting for the team';
}
