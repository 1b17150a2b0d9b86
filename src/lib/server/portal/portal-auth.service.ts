// Portal sign-in (issue 8): a patient asks for a one-time link by email or mobile and gets it by the
// same channel; opening it starts a portal session (own cookie, own idle timeout), apart from any
// staff session. The answer to a link request never says whether the address is known, nor takes
// longer when it is: the request only enqueues a job, and the job looks for patients and sends.
import type { InferKyselyDB } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { requestPortalLinkInput } from '../../schemas/portal.ts';
import { toE164 } from '../../schemas/phone.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Actor, PortalPatient } from '../auth/actor.ts';
import { hitLimit } from '../auth/rate-limit.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import type { Appointment } from '../appointments/appointment.entity.ts';
import { getConfig } from '../config.ts';
import type { Em } from '../db/orm.ts';
import { AppError, notFound } from '../errors.ts';
import { enqueue } from '../jobs/boss.ts';
import { queueNotification } from '../notifications/notifications.service.ts';
import { Patient, type PatientSchema } from '../patients/patient.entity.ts';
import { patientDisplayName } from '../patients/patient-name.rules.ts';
import { getClinicSettings } from '../settings/settings.service.ts';
import { sessionCache, sessionsChanged } from '../auth/session-cache.ts';
import { portalLinkSendJob } from './portal-auth.jobs.ts';
import {
	PortalLink,
	PortalSession,
	type PortalLinkPurpose,
	type PortalSessionSchema
} from './portal.entity.ts';

export const SIGN_IN_LINK_MINUTES = 15;
/** Per address and per IP, in a 15-minute window. */
const ADDRESS_LIMIT = { points: 5, windowSeconds: 900 };
const IP_LIMIT = { points: 20, windowSeconds: 900 };
/** A family sharing one email gets one link per patient, up to this many. */
const MAX_PATIENTS_PER_ADDRESS = 5;
const TOUCH_AFTER_MS = 60_000;

type Channel = 'email' | 'sms';

export function mobileOf(patient: Patient): string | null {
	return (patient.phoneNumbers ?? []).find((n) => n.phoneType === 'Mobile')?.number ?? null;
}

export function canSignIn(patient: Patient): boolean {
	return !patient.archivedAt && !patient.deletedAt;
}

function portalUrl(path: string): string {
	return `${getConfig().ORIGIN}${path}`;
}

/** Email or E.164 mobile, or null when it is neither. */
export function parseAddress(
	raw: string,
	defaultCountry: string
): { channel: Channel; address: string } | null {
	const value = raw.trim();
	if (value.includes('@')) {
		const email = z.email().safeParse(value.toLowerCase());
		return email.success ? { channel: 'email', address: email.data } : null;
	}
	const mobile = toE164(value, defaultCountry);
	return mobile ? { channel: 'sms', address: mobile } : null;
}

/**
 * Creates a one-time link for a patient and queues it by `channel` (in the caller's transaction).
 * Returns the link (the token itself only ever leaves in the message).
 */
export async function issuePortalLink(
	em: Em,
	options: {
		patient: Patient;
		channel: Channel;
		recipient: string;
		purpose: PortalLinkPurpose;
		appointment?: Appointment | null;
		expiresAt: Date;
		message: (url: string) => { subject: string; body: string };
		now?: Date;
	}
): Promise<PortalLink> {
	const now = options.now ?? new Date();
	const token = newToken();
	const link = em.create(PortalLink, {
		tokenHash: hashToken(token),
		patient: options.patient,
		purpose: options.purpose,
		appointment: options.appointment ?? null,
		channel: options.channel,
		createdAt: now,
		expiresAt: options.expiresAt
	});
	await em.flush();
	const { subject, body } = options.message(portalUrl(`/portal/link/${token}`));
	await queueNotification(em, {
		channel: options.channel,
		recipient: options.recipient,
		purpose: `portal-link:${link.id}`,
		subject: options.channel === 'email' ? subject : null,
		body,
		related: { type: 'patient', id: options.patient.id }
	});
	return link;
}

function signInMessage(patient: Patient, clinicName: string, channel: Channel) {
	return (url: string) => ({
		subject: `Your ${clinicName} portal sign-in link`,
		body:
			channel === 'sms'
				? `${clinicName}: sign in to your patient portal: ${url} (valid ${SIGN_IN_LINK_MINUTES} min, one use)`
				: `Hello ${patient.preferredFirstName || patient.firstName},\n\nUse this link to sign in to the ${clinicName} patient portal:\n\n${url}\n\nIt works once, for ${SIGN_IN_LINK_MINUTES} minutes. If you did not ask for it, you can ignore this message.`
	});
}

async function findPatientsByAddress(em: Em, channel: Channel, address: string): Promise<Patient[]> {
	const where =
		channel === 'email'
			? { email: { $ilike: address.replace(/[\\%_]/g, (c) => `\\${c}`) } }
			: { phoneNumbers: { $contains: [{ number: address, phoneType: 'Mobile' }] } };
	return em.find(Patient, { ...where, archivedAt: null, deletedAt: null } as never, {
		limit: MAX_PATIENTS_PER_ADDRESS,
		orderBy: { id: 'asc' }
	});
}

/**
 * The public "send me a link" form. Answers the same, after the same work, whether or not anyone has
 * this address: it enqueues the job that sends (sendRequestedPortalLinks) either way. Limited per
 * address and per IP (TOO_MANY_REQUESTS with a retry time either way).
 */
export async function requestPortalLink(
	em: Em,
	actor: Actor,
	raw: z.input<typeof requestPortalLinkInput>,
	now = new Date()
): Promise<{ channel: Channel }> {
	const input = requestPortalLinkInput.parse(raw);
	const parsed = parseAddress(input.address, getConfig().CASEBOOK_DEFAULT_COUNTRY);
	if (!parsed)
		throw new AppError('BAD_REQUEST', 'Enter your email address or mobile number', {
			fieldErrors: { address: ['Enter a valid email address or mobile number'] }
		});
	const byIp = await hitLimit(em, `portal-link:ip:${actor.ip ?? 'unknown'}`, IP_LIMIT, now);
	const byAddress = await hitLimit(em, `portal-link:address:${parsed.address}`, ADDRESS_LIMIT, now);
	const over = [byIp, byAddress].filter((s) => s.isOver);
	if (over.length) {
		const retryAfter = Math.max(...over.map((s) => s.retryAfter));
		throw new AppError(
			'TOO_MANY_REQUESTS',
			`Too many sign-in links were asked for. Try again in ${Math.ceil(retryAfter / 60)} minutes.`,
			{ retryAfter }
		);
	}
	await em.transactional(async (tx) => {
		await enqueue(tx, portalLinkSendJob, {
			channel: parsed.channel,
			address: parsed.address,
			requestedAt: now.toISOString(),
			requestId: actor.requestId,
			ip: actor.ip
		});
	});
	return { channel: parsed.channel };
}

/**
 * The job behind "send me a link": a one-time link to each patient with this address (none for an
 * unknown one), valid for SIGN_IN_LINK_MINUTES from the request. A request whose links would already
 * have expired is dropped. Returns how many links were sent.
 */
export async function sendRequestedPortalLinks(
	em: Em,
	data: z.output<typeof portalLinkSendJob.payload>,
	now = new Date()
): Promise<number> {
	const expiresAt = new Date(new Date(data.requestedAt).getTime() + SIGN_IN_LINK_MINUTES * 60_000);
	if (expiresAt.getTime() <= now.getTime()) return 0;
	const settings = await getClinicSettings(em);
	const actor: Actor = { user: null, sessionId: null, requestId: data.requestId, ip: data.ip };
	return em.transactional(async (tx) => {
		const patients = await findPatientsByAddress(tx, data.channel, data.address);
		for (const patient of patients) {
			await issuePortalLink(tx, {
				patient,
				channel: data.channel,
				recipient: data.address,
				purpose: 'sign_in',
				expiresAt,
				message: signInMessage(patient, settings.clinicName, data.channel),
				now
			});
			recordAudit(tx, actor, {
				action: 'portal.link.request',
				recordType: 'patient',
				recordId: patient.id,
				actorType: 'anonymous',
				actorId: null,
				actorLabel: null,
				details: { channel: data.channel }
			});
		}
		return patients.length;
	});
}

/** Staff send a sign-in link from the patient's page, by the channel they choose. */
export async function sendPortalLink(
	em: Em,
	actor: Actor,
	input: { patientId: string; channel: Channel },
	now = new Date()
): Promise<{ channel: Channel; recipient: string }> {
	const settings = await getClinicSettings(em);
	return em.transactional(async (tx) => {
		const patient = await tx.findOne(Patient, { id: input.patientId, deletedAt: null });
		if (!patient) throw notFound('Patient');
		if (patient.archivedAt)
			throw new AppError('BAD_REQUEST', 'This patient is archived: unarchive them to send a portal link');
		const recipient = input.channel === 'email' ? patient.email : mobileOf(patient);
		if (!recipient) {
			const message =
				input.channel === 'email' ? 'This patient has no email address' : 'This patient has no mobile number';
			throw new AppError('BAD_REQUEST', message, { fieldErrors: { channel: [message] } });
		}
		await issuePortalLink(tx, {
			patient,
			channel: input.channel,
			recipient,
			purpose: 'sign_in',
			expiresAt: new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000),
			message: signInMessage(patient, settings.clinicName, input.channel),
			now
		});
		recordAudit(tx, actor, {
			action: 'portal.link.send',
			recordType: 'patient',
			recordId: patient.id,
			details: { channel: input.channel }
		});
		return { channel: input.channel, recipient };
	});
}

export interface PortalPolicy {
	idleMinutes: number;
	absoluteHours: number;
}

export function portalPolicy(): PortalPolicy {
	const config = getConfig();
	return { idleMinutes: config.PORTAL_IDLE_MINUTES, absoluteHours: config.PORTAL_ABSOLUTE_HOURS };
}

const USED_LINK =
	'This link has already been used or has expired. Ask for a new sign-in link below; it arrives in a minute.';

/**
 * Spends a link (once: a conditional update, so two clicks cannot both win) and starts a session.
 * Returns the cookie token and where to go next.
 */
export async function beginPortalSession(
	em: Em,
	actor: Actor,
	options: { token: string; userAgent?: string | null; now?: Date; policy?: PortalPolicy }
): Promise<{ token: string; patientId: string; next: string }> {
	const now = options.now ?? new Date();
	const policy = options.policy ?? portalPolicy();
	return em.transactional(async (tx) => {
		const link = await tx.findOne(
			PortalLink,
			{ tokenHash: hashToken(options.token) },
			{ populate: ['patient'] }
		);
		if (!link || link.usedAt || link.expiresAt.getTime() <= now.getTime())
			throw new AppError('BAD_REQUEST', USED_LINK);
		const spent = await tx.nativeUpdate(PortalLink, { id: link.id, usedAt: null }, { usedAt: now });
		if (spent !== 1) throw new AppError('BAD_REQUEST', USED_LINK);
		const patient = link.patient as Patient;
		if (!canSignIn(patient))
			throw new AppError('FORBIDDEN', 'This portal account is closed. Please contact the clinic.');
		const token = newToken();
		tx.create(PortalSession, {
			tokenHash: hashToken(token),
			patient,
			createdAt: now,
			lastSeenAt: now,
			expiresAt: new Date(now.getTime() + policy.absoluteHours * 3_600_000),
			ip: actor.ip,
			userAgent: options.userAgent?.slice(0, 300) ?? null
		});
		recordAudit(tx, actor, {
			action: 'portal.sign-in',
			recordType: 'patient',
			recordId: patient.id,
			actorType: 'patient',
			actorId: patient.id,
			actorLabel: patientDisplayName(patient),
			details: { purpose: link.purpose, channel: link.channel }
		});
		const next =
			link.purpose === 'reservation' && link.appointment
				? `/portal/reservations/${link.appointment.id}`
				: '/portal';
		return { token, patientId: patient.id, next };
	});
}

/** The tables the per-request portal session read joins, typed from their entities. */
type PortalSessionDb = InferKyselyDB<typeof PortalSessionSchema | typeof PatientSchema>;

/** One plain read of a portal session and its patient: the row type is the compiler's. */
function portalSessionQuery(em: Em, tokenHash: string) {
	return em
		.getKysely<PortalSessionDb>()
		.selectFrom('portal_session as s')
		.innerJoin('patient as p', 'p.id', 's.patient_id')
		.select([
			's.id',
			's.last_seen_at',
			's.expires_at',
			's.ended_at',
			'p.id as patient_id',
			'p.first_name',
			'p.preferred_first_name',
			'p.last_name',
			'p.time_zone',
			'p.archived_at',
			'p.deleted_at'
		])
		.where('s.token_hash', '=', tokenHash);
}

type PortalSessionRow = NonNullable<
	Awaited<ReturnType<ReturnType<typeof portalSessionQuery>['executeTakeFirst']>>
>;

const rememberedPortalSessions = sessionCache<PortalSessionRow>();

/** The signed-in patient for a portal cookie, or null (unknown, ended, idle, expired, closed). */
export async function validatePortalSession(
	em: Em,
	token: string,
	options: { now?: Date; policy?: PortalPolicy; clinicTimeZone: string }
): Promise<{ sessionId: string; patient: PortalPatient } | null> {
	if (!token || token.length > 100) return null;
	const now = options.now ?? new Date();
	const policy = options.policy ?? portalPolicy();
	const tokenHash = hashToken(token);
	let row = rememberedPortalSessions.get(tokenHash);
	if (!row) {
		// One plain query on every portal request (or none, for a session read in the last few
		// seconds, see session-cache.ts): no entity hydration.
		row = await portalSessionQuery(em, tokenHash).executeTakeFirst();
		if (row && !row.ended_at) rememberedPortalSessions.set(tokenHash, row);
	}
	if (!row || row.ended_at) return null;
	const lastSeenAt = new Date(row.last_seen_at);
	const reason =
		row.archived_at || row.deleted_at
			? 'patient closed'
			: now.getTime() >= new Date(row.expires_at).getTime()
				? 'expired'
				: now.getTime() >= lastSeenAt.getTime() + policy.idleMinutes * 60_000
					? 'idle'
					: null;
	if (reason) {
		rememberedPortalSessions.delete(tokenHash);
		await em.nativeUpdate(PortalSession, { id: row.id, endedAt: null }, { endedAt: now, endReason: reason });
		return null;
	}
	if (now.getTime() - lastSeenAt.getTime() > TOUCH_AFTER_MS) {
		await em.nativeUpdate(PortalSession, { id: row.id }, { lastSeenAt: now });
		rememberedPortalSessions.update(tokenHash, { ...row, last_seen_at: now });
	}
	return {
		sessionId: row.id,
		patient: {
			id: row.patient_id,
			name: patientDisplayName({
				firstName: row.first_name,
				preferredFirstName: row.preferred_first_name,
				lastName: row.last_name
			}),
			timeZone: row.time_zone || options.clinicTimeZone
		}
	};
}

export async function endPortalSession(em: Em, sessionId: string, reason: string, now = new Date()) {
	await em.nativeUpdate(PortalSession, { id: sessionId, endedAt: null }, { endedAt: now, endReason: reason });
	await sessionsChanged(em);
}
