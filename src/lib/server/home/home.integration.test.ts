// Each role's home (issue 19): what each section lists, in which order, and that cases are read
// through the visibility rule. The shared test database holds other files' rows, so the clinic day
// here is a random day in the 1990s (nobody else books then) and assertions look at this file's rows.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, zonedToInstant } from '../../time.ts';
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import { AppointmentRequest } from '../appointment-requests/appointment-request.entity.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import type { User } from '../auth/user.entity.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { getConfig } from '../config.ts';
import type { Patient } from '../patients/patient.entity.ts';
import { Service } from '../services/service.entity.ts';
import { acknowledgeCase, sendCase } from '../routing/routing.service.ts';
import { addTeamMember, createTeam } from '../teams/teams.service.ts';
import { createClinic, createPatient, type Clinic } from '../testing/clinic-fixtures.ts';
import { actorFor, callerFor, createTestUser, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';
import { getPractitionerHome, getSchedulerHome, getTeamHome } from './home.service.ts';

let db: TestDb;
let clinic: Clinic;
let patient: Patient;
const timeZone = getConfig().CASEBOOK_TIME_ZONE;
const today = addDays('1991-01-01', Math.floor(Math.random() * 3000));
const at = (day: string, time: string) => zonedToInstant(`${day}T${time}`, timeZone);
const now = at(today, '12:00');

beforeAll(async () => {
	db = await openTestDb();
	clinic = await createClinic(db.em());
	patient = await createPatient(db.em(), 'Home');
});
afterAll(async () => {
	await db?.close();
});

async function makeCase(
	fields: Partial<Pick<Case, 'limitKind' | 'maxAppointments' | 'hasReferral' | 'referralExpiresOn'>> & {
		template?: CaseTemplate;
	} = {}
): Promise<Case> {
	const em = db.em();
	const row = em.create(Case, {
		name: `Home case ${uniqueSuffix()}`,
		patient: patient.id,
		issuedOn: addDays(today, -60),
		limitKind: fields.limitKind ?? 'unlimited',
		maxAppointments: fields.maxAppointments ?? null,
		hasReferral: fields.hasReferral ?? false,
		referralExpiresOn: fields.referralExpiresOn ?? null,
		template: fields.template?.id ?? null
	});
	await em.flush();
	return row;
}

async function book(options: {
	practitioner: User;
	startsAt: Date;
	caseRow?: Case;
	status?: AppointmentStatus;
	reservationExpiresAt?: Date;
	type?: Clinic['consult'];
}): Promise<Appointment> {
	const em = db.em();
	const appointment = em.create(Appointment, {
		patient: patient.id,
		practitioner: options.practitioner.id,
		appointmentType: (options.type ?? clinic.consult).id,
		startsAt: options.startsAt,
		endsAt: new Date(options.startsAt.getTime() + 30 * 60_000),
		status: options.status ?? 'booked',
		case: options.caseRow?.id ?? null,
		reservationExpiresAt: options.reservationExpiresAt ?? null
	});
	await em.flush();
	return appointment;
}

async function request(caseRow: Case, createdAt: Date, type = clinic.consult): Promise<AppointmentRequest> {
	const em = db.em();
	const row = em.create(AppointmentRequest, {
		patient: patient.id,
		case: caseRow.id,
		appointmentType: type.id,
		durationMinutes: 30,
		windows: [
			{
				startsAt: at(addDays(today, 3), '09:00').toISOString(),
				endsAt: at(addDays(today, 3), '11:00').toISOString()
			}
		]
	});
	await em.flush();
	// Back-dated, so the oldest-first order is this file's to decide.
	await em.execute('update appointment_request set created_at = ? where id = ?', [createdAt, row.id]);
	return row;
}

const ids = (items: { id: string }[]) => items.map((i) => i.id);
const only = (items: { id: string }[], mine: { id: string }[]) =>
	ids(items).filter((id) => mine.some((m) => m.id === id));

describe('a team member’s home', () => {
	it('lists the cases waiting for their teams, urgent first then oldest, and what they acknowledged today', async () => {
		const member = await createTestUser(db.em(), { roles: ['practitioner'] });
		const outsider = await createTestUser(db.em(), { roles: ['practitioner'] });
		const adminActor = actorFor(clinic.admin);
		const team = await createTeam(db.em(), adminActor, { name: `Home team ${uniqueSuffix()}` });
		const other = await createTeam(db.em(), adminActor, { name: `Other team ${uniqueSuffix()}` });
		await addTeamMember(db.em(), adminActor, { teamId: team.id, userId: member.id });
		await addTeamMember(db.em(), adminActor, { teamId: other.id, userId: outsider.id });
		const send = (subject: string, priority: 'normal' | 'high' | 'urgent', sentAt: Date, teamId = team.id) =>
			sendCase(db.em(), adminActor, { subject, teamIds: [teamId], priority }, sentAt);

		const oldNormal = await send('Old normal', 'normal', at(today, '08:00'));
		const newUrgent = await send('New urgent', 'urgent', at(today, '11:00'));
		const oldUrgent = await send('Old urgent', 'urgent', at(today, '09:00'));
		const high = await send('High', 'high', at(today, '07:00'));
		const ackedToday = await send('Acknowledged today', 'urgent', at(today, '06:00'));
		const ackedYesterday = await send('Acknowledged yesterday', 'urgent', at(addDays(today, -1), '06:00'));
		const elsewhere = await send('Another team’s', 'urgent', at(today, '05:00'), other.id);
		const memberActor = actorFor(member);
		await acknowledgeCase(db.em(), memberActor, { caseId: ackedToday.id }, at(today, '10:00'));
		await acknowledgeCase(
			db.em(),
			memberActor,
			{ caseId: ackedYesterday.id },
			at(addDays(today, -1), '18:00')
		);

		const home = await getTeamHome(db.em(), memberActor, now);
		expect(home.isMember).toBe(true);
		expect(ids(home.waiting.items)).toEqual([oldUrgent.id, newUrgent.id, high.id, oldNormal.id]);
		expect(home.waiting.total).toBe(4);
		expect(ids(home.waiting.items)).not.toContain(elsewhere.id);
		// Each waiting case carries when its next escalation step fires (the countdown).
		expect(home.waiting.items[0]!.nextEscalationAt).toEqual(
			new Date(at(today, '09:00').getTime() + 5 * 60_000)
		);
		expect(ids(home.acknowledgedToday)).toEqual([ackedToday.id]);
	});

	it('has no team section for someone in no team', async () => {
		const loner = await createTestUser(db.em(), { roles: ['scheduler'] });
		const home = await getTeamHome(db.em(), actorFor(loner), now);
		expect(home).toEqual({ isMember: false, waiting: { items: [], total: 0 }, acknowledgedToday: [] });
	});
});

describe('a scheduler’s home', () => {
	it('lists today’s appointments across practitioners in time order, without cancelled or tomorrow’s', async () => {
		const caseRow = await makeCase();
		const second = await book({ practitioner: clinic.otherPhysio, startsAt: at(today, '10:00'), caseRow });
		const first = await book({ practitioner: clinic.physio, startsAt: at(today, '08:30') });
		const cancelled = await book({
			practitioner: clinic.physio,
			startsAt: at(today, '11:00'),
			status: 'cancelled'
		});
		const tomorrow = await book({ practitioner: clinic.physio, startsAt: at(addDays(today, 1), '09:00') });
		const yesterday = await book({ practitioner: clinic.physio, startsAt: at(addDays(today, -1), '09:00') });

		const home = await getSchedulerHome(db.em(), actorFor(clinic.scheduler), now);
		const listed = only(home.today.items, [first, second, cancelled, tomorrow, yesterday]);
		expect(listed).toEqual([first.id, second.id]);
		const withCase = home.today.items.find((a) => a.id === second.id)!;
		expect(withCase.practitioner.name).toBe(clinic.otherPhysio.name);
		expect(withCase.case).toEqual({ id: caseRow.id, name: caseRow.name, canOpen: true });
	});

	it('lists pending requests oldest first, and no decided ones', async () => {
		const caseRow = await makeCase();
		const newer = await request(caseRow, new Date('1980-01-03T00:00:00Z'));
		const older = await request(await makeCase(), new Date('1980-01-02T00:00:00Z'));
		const decided = await request(await makeCase(), new Date('1980-01-01T00:00:00Z'));
		await db.em().execute(`update appointment_request set status = 'declined' where id = ?`, [decided.id]);

		const home = await getSchedulerHome(db.em(), actorFor(clinic.scheduler), now);
		expect(only(home.requests.items, [newer, older, decided])).toEqual([older.id, newer.id]);
	});

	it('lists reservations waiting for the patient, soonest to expire first, and says which expire today', async () => {
		const caseRow = await makeCase();
		const later = await book({
			practitioner: clinic.physio,
			startsAt: at(addDays(today, 5), '09:00'),
			caseRow,
			status: 'reserved',
			reservationExpiresAt: at(addDays(today, 2), '09:00')
		});
		const expiring = await book({
			practitioner: clinic.otherPhysio,
			startsAt: at(addDays(today, 4), '09:00'),
			caseRow,
			status: 'reserved',
			reservationExpiresAt: at(today, '17:00')
		});
		const answered = await book({
			practitioner: clinic.physio,
			startsAt: at(addDays(today, 6), '09:00'),
			caseRow,
			status: 'booked',
			reservationExpiresAt: at(today, '16:00')
		});
		await db
			.em()
			.execute(`update appointment set reservation_outcome = 'confirmed' where id = ?`, [answered.id]);

		const home = await getSchedulerHome(db.em(), actorFor(clinic.scheduler), now);
		const listed = home.reservations.items.filter((r) => [later.id, expiring.id, answered.id].includes(r.id));
		expect(listed.map((r) => [r.id, r.expiresToday])).toEqual([
			[expiring.id, true],
			[later.id, false]
		]);
		expect(home.reservations.expiringToday).toBeGreaterThanOrEqual(1);
	});

	it('lists cases near their cap or referral expiry only when they have bookings coming', async () => {
		const full = await makeCase({ limitKind: 'appointments', maxAppointments: 2 });
		await book({ practitioner: clinic.physio, startsAt: at(addDays(today, -7), '09:00'), caseRow: full });
		await book({ practitioner: clinic.physio, startsAt: at(addDays(today, 2), '09:00'), caseRow: full });
		const roomy = await makeCase({ limitKind: 'appointments', maxAppointments: 10 });
		await book({ practitioner: clinic.physio, startsAt: at(addDays(today, 2), '10:00'), caseRow: roomy });
		const referral = await makeCase({ hasReferral: true, referralExpiresOn: addDays(today, 10) });
		await book({
			practitioner: clinic.otherPhysio,
			startsAt: at(addDays(today, 1), '09:00'),
			caseRow: referral
		});
		const nothingComing = await makeCase({ limitKind: 'appointments', maxAppointments: 1 });
		await book({
			practitioner: clinic.otherPhysio,
			startsAt: at(addDays(today, -3), '09:00'),
			caseRow: nothingComing
		});

		const home = await getSchedulerHome(db.em(), actorFor(clinic.scheduler), now);
		const mine = [full, roomy, referral, nothingComing];
		// The next booking first.
		expect(only(home.casesNeedingAttention.items, mine)).toEqual([referral.id, full.id]);
		const warnings = Object.fromEntries(
			home.casesNeedingAttention.items.map((c) => [c.id, c.warnings.map((w) => w.text)])
		);
		expect(warnings[full.id]).toEqual(['No appointments left']);
		expect(warnings[referral.id]).toEqual(['Referral expires in 10 days']);
	});
});

describe('a practitioner’s home', () => {
	it('lists their own appointments today and tomorrow, in time order', async () => {
		const practitioner = clinic.physio;
		const afternoon = await book({ practitioner, startsAt: at(today, '15:00') });
		const morning = await book({ practitioner, startsAt: at(today, '07:30') });
		const tomorrow = await book({ practitioner, startsAt: at(addDays(today, 1), '08:00') });
		const dayAfter = await book({ practitioner, startsAt: at(addDays(today, 2), '08:00') });
		const colleague = await book({ practitioner: clinic.otherPhysio, startsAt: at(today, '07:30') });

		const home = await getPractitionerHome(db.em(), actorFor(practitioner), now);
		const mine = [afternoon, morning, tomorrow, dayAfter, colleague];
		expect(only(home.today, mine)).toEqual([morning.id, afternoon.id]);
		expect(only(home.tomorrow, mine)).toEqual([tomorrow.id]);
	});

	it('warns about their open cases with one or no appointments left or a referral expiring within 30 days', async () => {
		const practitioner = await createTestUser(db.em(), { roles: ['practitioner'] });
		const oneLeft = await makeCase({ limitKind: 'appointments', maxAppointments: 2 });
		await book({ practitioner, startsAt: at(addDays(today, -20), '09:00'), caseRow: oneLeft });
		const expiring = await makeCase({ hasReferral: true, referralExpiresOn: addDays(today, 30) });
		await book({ practitioner, startsAt: at(addDays(today, -19), '09:00'), caseRow: expiring });
		const farOff = await makeCase({ hasReferral: true, referralExpiresOn: addDays(today, 31) });
		await book({ practitioner, startsAt: at(addDays(today, -18), '09:00'), caseRow: farOff });
		const closed = await makeCase({ limitKind: 'appointments', maxAppointments: 1 });
		await book({ practitioner, startsAt: at(addDays(today, -17), '09:00'), caseRow: closed });
		await db.em().execute(`update clinic_case set status = 'closed' where id = ?`, [closed.id]);
		// Another practitioner's full case is not theirs.
		const colleagues = await makeCase({ limitKind: 'appointments', maxAppointments: 1 });
		await book({
			practitioner: clinic.otherPhysio,
			startsAt: at(addDays(today, -16), '09:00'),
			caseRow: colleagues
		});

		const home = await getPractitionerHome(db.em(), actorFor(practitioner), now);
		const byId = Object.fromEntries(
			home.casesWithWarnings.items.map((c) => [c.id, c.warnings.map((w) => w.text)])
		);
		expect(Object.keys(byId).sort()).toEqual([oneLeft.id, expiring.id].sort());
		expect(byId[oneLeft.id]).toEqual(['One appointment left']);
		expect(byId[expiring.id]).toEqual(['Referral expires in 30 days']);
	});

	it('lists requests for their services on cases they may see, and not on cases they may not', async () => {
		const em = db.em();
		// A physio may see cases of a physiotherapy template, not of a speech one (case-access.ts).
		const physioTemplate = em.create(CaseTemplate, { name: `Physio template ${uniqueSuffix()}` });
		physioTemplate.services.add(em.getReference(Service, clinic.physiotherapy.id));
		const speechTemplate = em.create(CaseTemplate, { name: `Speech template ${uniqueSuffix()}` });
		speechTemplate.services.add(em.getReference(Service, clinic.speech.id));
		await em.flush();
		const seen = await request(
			await makeCase({ template: physioTemplate }),
			new Date('1981-01-01T00:00:00Z')
		);
		const hidden = await request(
			await makeCase({ template: speechTemplate }),
			new Date('1981-01-02T00:00:00Z')
		);
		const otherService = await request(
			await makeCase({ template: physioTemplate }),
			new Date('1981-01-03T00:00:00Z'),
			clinic.speechSession
		);

		const home = await getPractitionerHome(db.em(), actorFor(clinic.physio), now);
		expect(only(home.requests.items, [seen, hidden, otherService])).toEqual([seen.id]);
		// The scheduler sees every case: the speech case's request is in their queue.
		const scheduler = await getSchedulerHome(db.em(), actorFor(clinic.scheduler), now);
		expect(only(scheduler.requests.items, [seen, hidden])).toEqual([seen.id, hidden.id]);
	});
});

describe('who may ask for which section', () => {
	async function code(promise: Promise<unknown>): Promise<string | null> {
		try {
			await promise;
			return null;
		} catch (error) {
			if (error instanceof TRPCError) return error.code;
			throw error;
		}
	}

	it('gives each role its own sections and refuses the others', async () => {
		const practitioner = callerFor(db.em(), clinic.physio);
		const scheduler = callerFor(db.em(), clinic.scheduler);
		expect(await code(practitioner.home.scheduler())).toBe('FORBIDDEN');
		expect(await code(practitioner.home.setup())).toBe('FORBIDDEN');
		expect(await code(scheduler.home.practitioner())).toBe('FORBIDDEN');
		expect(await code(scheduler.home.status())).toBe('FORBIDDEN');
		expect(await code(scheduler.home.keepOutbox())).toBe('FORBIDDEN');
		expect(await code(practitioner.home.practitioner())).toBeNull();
		expect(await code(scheduler.home.scheduler())).toBeNull();
		expect(await code(scheduler.home.team())).toBeNull();
	});
});
