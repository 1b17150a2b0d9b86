// The patient portal (issue 8) on the real database: sign-in links, sessions, appointment
// requests and the scheduler's decisions, reservations sent by link, and cross-patient refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppointmentRequest } from '../appointment-requests/appointment-request.entity.ts';
import { notifyForRequest } from '../appointment-requests/appointment-requests.service.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import { releaseExpiredReservation } from '../appointments/reservations.service.ts';
import { CaseTemplate, CaseTemplateRequestType } from '../case-templates/case-template.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { Patient as PatientEntity, type Patient } from '../patients/patient.entity.ts';
import { Service } from '../services/service.entity.ts';
import { createClinic, createPatient, nextSlot, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, callerForPatient, createTestUser, uniqueIp, uniqueSuffix } from '../testing/factories.ts';
import { failureOf } from '../testing/failures.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { queuedJobs } from '../testing/queued-jobs.ts';
import type { Actor } from '../auth/actor.ts';
import { portalLinkSendJob } from './portal-auth.jobs.ts';
import {
	beginPortalSession,
	requestPortalLink,
	sendRequestedPortalLinks,
	validatePortalSession
} from './portal-auth.service.ts';
import { PortalLink } from './portal.entity.ts';

let db: TestDb;
let clinic: Clinic;
let template: CaseTemplate;
let closedTemplate: CaseTemplate;

const HOUR = 3_600_000;
const TZ = 'Australia/Sydney';

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	const em = db.em();
	template = em.create(CaseTemplate, { name: `Shoulder rehab ${uniqueSuffix()}`, allowsRequests: true });
	template.services.add(em.getReference(Service, clinic.physiotherapy.id));
	closedTemplate = em.create(CaseTemplate, {
		name: `Clinic-booked ${uniqueSuffix()}`,
		allowsRequests: false
	});
	await em.flush();
	em.create(CaseTemplateRequestType, { template, appointmentType: clinic.consult.id, durationMinutes: 40 });
	await em.flush();
});
afterAll(async () => {
	await db?.close();
});

const staff = (user = clinic.scheduler) => callerFor(db.em(), user);
const portal = (patient: Patient) => callerForPatient(db.em(), patient);
const actor = (ip = uniqueIp()) => ({ user: null, sessionId: null, requestId: 'test', ip });

async function patientWithCase(
	options: {
		email?: string;
		mobile?: string;
		reminderType?: Patient['reminderType'];
		tpl?: CaseTemplate;
		max?: number;
	} = {}
) {
	const email = options.email ?? `patient-${uniqueSuffix()}@example.test`;
	const patient = await createPatient(db.em(), 'Portal', {
		email,
		mobile: options.mobile ?? null,
		reminderType: options.reminderType
	});
	const em = db.em();
	const caseRow = em.create(Case, {
		name: 'Left shoulder rehab',
		patient: patient.id,
		template: (options.tpl ?? template).id,
		issuedOn: '2030-01-01',
		...(options.max ? { limitKind: 'appointments' as const, maxAppointments: options.max } : {})
	});
	await em.flush();
	return { patient, caseRow, email };
}

let soonCount = 0;
const soonBase = Date.now() + 2 * 24 * HOUR + Math.floor(Math.random() * 30) * 24 * HOUR;
/** A distinct hour in the coming weeks: preferred windows must be within 180 days. */
function soon(): Date {
	soonCount += 1;
	return new Date(Math.ceil(soonBase / HOUR) * HOUR + soonCount * 5 * HOUR);
}

function windowsFrom(start: Date, count = 1) {
	return Array.from({ length: count }, (_, i) => ({
		startsAt: new Date(start.getTime() + i * 24 * HOUR),
		endsAt: new Date(start.getTime() + i * 24 * HOUR + 3 * HOUR)
	}));
}

/** Asks for a sign-in link as the portal's form does, then runs the job it enqueued, as the worker would. */
async function requestAndSend(who: Actor, input: { address: string }, now = new Date()) {
	const answer = await requestPortalLink(db.em(), who, input, now);
	const address = input.address.includes('@') ? input.address.trim().toLowerCase() : null;
	const jobs = await queuedJobs<Parameters<typeof sendRequestedPortalLinks>[1]>(
		db,
		portalLinkSendJob.name,
		'requestedAt',
		now.toISOString()
	);
	const job = jobs.filter((j) => !address || j.address === address).at(-1);
	if (job) await sendRequestedPortalLinks(db.em(), job, now);
	return answer;
}

async function latestLinkFor(recipient: string) {
	const n = await db.em().findOne(Notification, { recipient }, { orderBy: { id: 'desc' } });
	const token = n ? /\/portal\/link\/([\w-]+)/.exec(n.body)?.[1] : undefined;
	return { notification: n, token };
}

describe('signing in by link', () => {
	it('sends a one-time link by email, answers the same for an unknown address, and starts a session once', async () => {
		const { patient, email } = await patientWithCase();
		const known = await requestAndSend(actor(), { address: email.toUpperCase() });
		const unknown = await requestAndSend(actor(), {
			address: `nobody-${uniqueSuffix()}@example.test`
		});
		expect(known).toEqual(unknown);
		const { notification, token } = await latestLinkFor(email);
		expect(notification).toMatchObject({ channel: 'email', relatedId: patient.id });
		expect(token).toMatch(/^[\w-]{40,}$/);
		// Only the hash is stored.
		expect(await db.em().count(PortalLink, { tokenHash: token! })).toBe(0);

		const session = await beginPortalSession(db.em(), actor(), { token: token! });
		expect(session).toMatchObject({ patientId: patient.id, next: '/portal' });
		const valid = await validatePortalSession(db.em(), session.token, { clinicTimeZone: TZ });
		expect(valid?.patient.id).toBe(patient.id);
		// Single use, even for two clicks at once.
		await expect(beginPortalSession(db.em(), actor(), { token: token! })).rejects.toThrow(
			/already been used/
		);
	});

	it('sends the link by SMS for a mobile number, and never for an archived patient', async () => {
		const mobile = `+6149157${Math.floor(1000 + Math.random() * 8999)}`;
		const { patient } = await patientWithCase({ mobile });
		await requestAndSend(actor(), { address: mobile.replace('+61', '0') });
		expect((await latestLinkFor(mobile)).notification?.channel).toBe('sms');

		const archived = await patientWithCase();
		await db.em().nativeUpdate(PatientEntity, { id: archived.patient.id }, { archivedAt: new Date() });
		await requestAndSend(actor(), { address: archived.email });
		expect((await latestLinkFor(archived.email)).notification).toBeNull();
		expect(patient.id).toBeTruthy();
	});

	it('refuses an expired link and ends an idle session', async () => {
		const { email } = await patientWithCase();
		const now = new Date();
		await requestAndSend(actor(), { address: email }, now);
		const { token } = await latestLinkFor(email);
		await expect(
			beginPortalSession(db.em(), actor(), { token: token!, now: new Date(now.getTime() + 16 * 60_000) })
		).rejects.toThrow(/expired/);

		await requestAndSend(actor(), { address: email }, now);
		const second = await latestLinkFor(email);
		const session = await beginPortalSession(db.em(), actor(), { token: second.token!, now });
		const policy = { idleMinutes: 30, absoluteHours: 12 };
		const later = new Date(now.getTime() + 31 * 60_000);
		expect(
			await validatePortalSession(db.em(), session.token, { clinicTimeZone: TZ, policy, now: later })
		).toBeNull();
	});

	it('limits link requests per address', async () => {
		const address = `limited-${uniqueSuffix()}@example.test`;
		for (let i = 0; i < 5; i += 1) await requestPortalLink(db.em(), actor(), { address });
		await expect(requestPortalLink(db.em(), actor(), { address })).rejects.toMatchObject({
			code: 'TOO_MANY_REQUESTS'
		});
		const failure = await failureOf(
			callerFor(db.em(), null).portal.requestLink({ address: 'not an address' })
		);
		expect(failure.fieldErrors.address?.[0]).toMatch(/valid email address or mobile/);
	});
});

describe('appointment requests', () => {
	it('lets a patient request an allowed type with up to three windows, and tells the schedulers', async () => {
		const { patient, caseRow } = await patientWithCase();
		const cases = await portal(patient).portal.cases();
		expect(cases).toEqual([
			expect.objectContaining({
				id: caseRow.id,
				canRequest: true,
				requestableTypes: [expect.objectContaining({ id: clinic.consult.id, durationMinutes: 40 })]
			})
		]);
		const start = soon();
		const request = await portal(patient).portal.requestAppointment({
			caseId: caseRow.id,
			appointmentTypeId: clinic.consult.id,
			windows: windowsFrom(start, 3),
			note: 'Mornings suit me'
		});
		expect(request).toMatchObject({ status: 'pending', durationMinutes: 40, note: 'Mornings suit me' });
		expect(request.windows).toHaveLength(3);
		expect(await staff().appointmentRequests.count()).toBeGreaterThanOrEqual(1);

		const jobs = await db
			.em()
			.getConnection()
			.execute(
				`select data from ${db.bossSchema}.job where name = 'appointment-request.notify' and data->>'requestId' = ?`,
				[request.id]
			);
		expect(jobs).toHaveLength(1);
		const queued = await notifyForRequest(db.em(), { requestId: request.id, event: 'created' });
		expect(queued).toBeGreaterThanOrEqual(1);
		const toScheduler = await db.em().findOne(Notification, {
			purpose: `appointment-request:${request.id}:created:${clinic.scheduler.id}`
		});
		expect(toScheduler?.body).toContain('Mornings suit me');
		// A retried job sends nothing twice.
		expect(await notifyForRequest(db.em(), { requestId: request.id, event: 'created' })).toBe(0);
	});

	it('refuses what the case does not allow, bad windows, a fourth window and a second pending request', async () => {
		const { patient, caseRow } = await patientWithCase();
		const closed = await patientWithCase({ tpl: closedTemplate });
		const start = soon();
		const ask = (fields: Record<string, unknown>, who = patient) =>
			failureOf(
				portal(who).portal.requestAppointment({
					caseId: caseRow.id,
					appointmentTypeId: clinic.consult.id,
					windows: windowsFrom(start),
					...fields
				} as never)
			);
		expect((await ask({ caseId: closed.caseRow.id }, closed.patient)).fieldErrors.caseId?.[0]).toMatch(
			/does not take appointment requests/
		);
		expect(
			(await ask({ appointmentTypeId: clinic.speechSession.id })).fieldErrors.appointmentTypeId?.[0]
		).toMatch(/offered for this case/);
		const past = new Date(Date.now() - 2 * HOUR);
		expect(
			(await ask({ windows: [{ startsAt: past, endsAt: new Date(past.getTime() + HOUR) }] })).fieldErrors[
				'windows.0.startsAt'
			]?.[0]
		).toMatch(/future/);
		expect(
			(await ask({ windows: [{ startsAt: start, endsAt: new Date(start.getTime() - HOUR) }] })).fieldErrors[
				'windows.0.endsAt'
			]?.[0]
		).toMatch(/end after it starts/);
		expect((await ask({ windows: windowsFrom(start, 4) })).fieldErrors.windows?.[0]).toMatch(/at most 3/);
		expect(await db.em().count(AppointmentRequest, { patient: patient.id })).toBe(0);

		await portal(patient).portal.requestAppointment({
			caseId: caseRow.id,
			appointmentTypeId: clinic.consult.id,
			windows: windowsFrom(start)
		});
		expect((await ask({})).code).toBe('CONFLICT');
		expect(await db.em().count(AppointmentRequest, { patient: patient.id })).toBe(1);
	});

	it('books the approved request with the scheduler’s adjustments and tells the patient by their preference', async () => {
		const mobile = `+6149157${Math.floor(1000 + Math.random() * 8999)}`;
		const { patient, caseRow } = await patientWithCase({ mobile, reminderType: 'SMS' });
		const start = soon();
		const request = await portal(patient).portal.requestAppointment({
			caseId: caseRow.id,
			appointmentTypeId: clinic.consult.id,
			windows: windowsFrom(start)
		});
		const at = new Date(start.getTime() + HOUR);
		const approved = await staff().appointmentRequests.approve({
			id: request.id,
			practitionerId: clinic.otherPhysio.id,
			appointmentTypeId: clinic.consult.id,
			durationMinutes: 45,
			startsAt: at
		});
		expect(approved).toMatchObject({ status: 'approved', decidedBy: clinic.scheduler.name });
		const appointment = await db.em().findOneOrFail(Appointment, { id: approved.appointment!.id });
		expect(appointment).toMatchObject({ status: 'booked', startsAt: at });
		expect(appointment.case?.id).toBe(caseRow.id);
		expect(appointment.endsAt.getTime() - at.getTime()).toBe(45 * 60_000);

		await notifyForRequest(db.em(), { requestId: request.id, event: 'decided' });
		const sent = await db
			.em()
			.find(Notification, { purpose: { $like: `appointment-request:${request.id}:decided:%` } });
		expect(sent.map((n) => n.channel)).toEqual(['sms']);
		expect(sent[0]!.recipient).toBe(mobile);

		const seen = await portal(patient).portal.requests();
		expect(seen[0]).toMatchObject({ status: 'approved', appointment: { startsAt: at } });
		expect((await portal(patient).portal.appointments()).map((a) => a.id)).toContain(appointment.id);
	});

	it('lets exactly one of two schedulers approving at once win', async () => {
		const { patient, caseRow } = await patientWithCase();
		const start = soon();
		const request = await portal(patient).portal.requestAppointment({
			caseId: caseRow.id,
			appointmentTypeId: clinic.consult.id,
			windows: windowsFrom(start)
		});
		const other = await createTestUser(db.em(), { roles: ['scheduler'] });
		const approve = (user: typeof other, practitioner: typeof other, at: Date) =>
			staff(user).appointmentRequests.approve({
				id: request.id,
				practitionerId: practitioner.id,
				appointmentTypeId: clinic.consult.id,
				durationMinutes: 40,
				startsAt: at
			});
		const results = await Promise.allSettled([
			approve(clinic.scheduler, clinic.physio, start),
			approve(other, clinic.otherPhysio, new Date(start.getTime() + HOUR))
		]);
		expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
		const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
		expect(String(loser.reason.message)).toMatch(/already approved/);
		expect(await db.em().count(Appointment, { case: caseRow.id })).toBe(1);
	});

	it('keeps the request pending when booking fails (full case, taken time), and lets it be declined or withdrawn', async () => {
		const { patient, caseRow } = await patientWithCase({ max: 1 });
		const request = await portal(patient).portal.requestAppointment({
			caseId: caseRow.id,
			appointmentTypeId: clinic.consult.id,
			windows: windowsFrom(soon())
		});
		// The case's last place goes to a booking made after the request was sent.
		await staff().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: soon(),
			case: { mode: 'existing', caseId: caseRow.id, bodyPartIds: [] }
		});
		const full = await failureOf(
			staff().appointmentRequests.approve({
				id: request.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				durationMinutes: 40,
				startsAt: nextSlot()
			})
		);
		expect(full.message).toMatch(/no appointments left: it allows 1 appointment/);
		expect((await db.em().findOneOrFail(AppointmentRequest, { id: request.id })).status).toBe('pending');

		const declineFailure = await failureOf(
			staff().appointmentRequests.decline({ id: request.id, reason: '' })
		);
		expect(declineFailure.fieldErrors.reason).toBeDefined();
		const declined = await staff().appointmentRequests.decline({
			id: request.id,
			reason: 'The case is full: please call us'
		});
		expect(declined).toMatchObject({ status: 'declined', declineReason: 'The case is full: please call us' });
		expect((await failureOf(portal(patient).portal.withdrawRequest({ id: request.id }))).code).toBe(
			'CONFLICT'
		);

		const second = await patientWithCase();
		const pending = await portal(second.patient).portal.requestAppointment({
			caseId: second.caseRow.id,
			appointmentTypeId: clinic.consult.id,
			windows: windowsFrom(soon())
		});
		expect(await portal(second.patient).portal.withdrawRequest({ id: pending.id })).toMatchObject({
			status: 'withdrawn'
		});
		const late = await failureOf(
			staff().appointmentRequests.approve({
				id: pending.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				durationMinutes: 40,
				startsAt: nextSlot()
			})
		);
		expect(late.message).toMatch(/withdrawn by the patient/);
	});
});

describe('reservations sent by link', () => {
	async function reserve(patient: Patient, caseId: string, options: { at?: Date; hours?: number } = {}) {
		return staff().appointments.reserve({
			patientId: patient.id,
			caseId,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: options.at ?? nextSlot(),
			expiresInHours: options.hours
		});
	}

	it('holds the slot, sends a link that opens the reservation, and books it when the patient confirms', async () => {
		const { patient, caseRow, email } = await patientWithCase({ reminderType: 'Email' });
		const at = nextSlot();
		const { appointment, sentTo } = await reserve(patient, caseRow.id, { at });
		expect(appointment).toMatchObject({ status: 'reserved' });
		expect(appointment.reservationExpiresAt!.getTime() - Date.now()).toBeGreaterThan(23 * HOUR);
		expect(sentTo).toEqual([{ channel: 'email', recipient: email }]);
		// The slot is held: booking over it is refused.
		const clash = await failureOf(
			staff().appointments.create({
				patientId: patient.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: at
			})
		);
		expect(clash.message).toMatch(/That time is taken/);

		const { token } = await latestLinkFor(email);
		const session = await beginPortalSession(db.em(), actor(), { token: token! });
		expect(session.next).toBe(`/portal/reservations/${appointment.id}`);
		const confirmed = await portal(patient).portal.confirmReservation({ appointmentId: appointment.id });
		expect(confirmed).toMatchObject({ status: 'booked', reservationOutcome: 'confirmed' });
		const again = await failureOf(
			portal(patient).portal.confirmReservation({ appointmentId: appointment.id })
		);
		expect(again.message).toMatch(/already confirmed/);
		expect(
			(await failureOf(portal(patient).portal.declineReservation({ appointmentId: appointment.id }))).code
		).toBe('CONFLICT');
	});

	it('releases the slot when the patient declines, or when the worker finds it expired', async () => {
		const { patient, caseRow } = await patientWithCase();
		const declined = await reserve(patient, caseRow.id);
		expect(
			await portal(patient).portal.declineReservation({ appointmentId: declined.appointment.id })
		).toMatchObject({ status: 'cancelled', reservationOutcome: 'declined' });

		const at = nextSlot();
		const expiring = await reserve(patient, caseRow.id, { at, hours: 2 });
		const jobs = await db
			.em()
			.getConnection()
			.execute<{ start_after: Date }[]>(
				`select start_after from ${db.bossSchema}.job where name = 'reservation.expire' and data->>'appointmentId' = ?`,
				[expiring.appointment.id]
			);
		expect(jobs).toHaveLength(1);
		expect(
			Math.abs(
				new Date(jobs[0]!.start_after).getTime() - expiring.appointment.reservationExpiresAt!.getTime()
			)
		).toBeLessThan(1000);
		// Too early: nothing happens (it sends itself again for the expiry).
		expect(await releaseExpiredReservation(db.em(), { appointmentId: expiring.appointment.id })).toBe(
			'rescheduled'
		);
		const later = new Date(Date.now() + 3 * HOUR);
		expect(await releaseExpiredReservation(db.em(), { appointmentId: expiring.appointment.id }, later)).toBe(
			'released'
		);
		const released = await staff().appointments.get({ id: expiring.appointment.id });
		expect(released).toMatchObject({ status: 'cancelled', reservationOutcome: 'expired' });
		expect(await releaseExpiredReservation(db.em(), { appointmentId: expiring.appointment.id }, later)).toBe(
			'answered'
		);
		// The time is free again.
		await staff().appointments.create({
			patientId: patient.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: at
		});
		const late = await failureOf(
			portal(patient).portal.confirmReservation({ appointmentId: expiring.appointment.id })
		);
		expect(late.message).toMatch(/expired/);
	});

	it('only lets schedulers reserve', async () => {
		const { patient, caseRow } = await patientWithCase();
		const failure = await failureOf(
			callerFor(db.em(), clinic.physio).appointments.reserve({
				patientId: patient.id,
				caseId: caseRow.id,
				practitionerId: clinic.physio.id,
				appointmentTypeId: clinic.consult.id,
				startsAt: nextSlot()
			})
		);
		expect(failure.code).toBe('FORBIDDEN');
	});
});

describe('one patient never reaches another’s records', () => {
	it('answers NOT_FOUND for another patient’s case, request and reservation', async () => {
		const mine = await patientWithCase();
		const theirs = await patientWithCase();
		const theirRequest = await portal(theirs.patient).portal.requestAppointment({
			caseId: theirs.caseRow.id,
			appointmentTypeId: clinic.consult.id,
			windows: windowsFrom(soon())
		});
		const theirReservation = await staff().appointments.reserve({
			patientId: theirs.patient.id,
			caseId: theirs.caseRow.id,
			practitionerId: clinic.physio.id,
			appointmentTypeId: clinic.consult.id,
			startsAt: nextSlot()
		});
		const me = portal(mine.patient).portal;
		const id = theirReservation.appointment.id;
		const attempts = [
			() =>
				me.requestAppointment({
					caseId: theirs.caseRow.id,
					appointmentTypeId: clinic.consult.id,
					windows: windowsFrom(soon())
				}),
			() => me.withdrawRequest({ id: theirRequest.id }),
			() => me.reservation({ appointmentId: id }),
			() => me.confirmReservation({ appointmentId: id }),
			() => me.declineReservation({ appointmentId: id })
		];
		for (const attempt of attempts) expect((await failureOf(attempt())).code).toBe('NOT_FOUND');
		expect(await me.cases()).toEqual([expect.objectContaining({ id: mine.caseRow.id })]);
		expect(await me.requests()).toEqual([]);
		expect(await me.appointments()).toEqual([]);
		// Nothing of theirs changed.
		expect((await db.em().findOneOrFail(AppointmentRequest, { id: theirRequest.id })).status).toBe('pending');
		expect((await db.em().findOneOrFail(Appointment, { id })).status).toBe('reserved');
	});
});
