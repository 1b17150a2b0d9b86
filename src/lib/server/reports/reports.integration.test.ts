// Each chart of the Reports page against a small clinic whose figures are known: two weeks of
// January 2026 (instants at midday UTC mid-week, so the clinic-zone week is the same in any zone),
// narrowed to this file's own team and practitioner so other tests' rows never count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEscalationPolicy } from '../../schemas/team.ts';
import { addDays, todayIn } from '../../time.ts';
import { AppointmentRequest } from '../appointment-requests/appointment-request.entity.ts';
import { Appointment } from '../appointments/appointment.entity.ts';
import type { AppointmentStatus } from '../../schemas/appointment.ts';
import { CaseTemplate } from '../case-templates/case-template.entity.ts';
import { Case } from '../cases/case.entity.ts';
import { getConfig } from '../config.ts';
import { Notification } from '../notifications/notification.entity.ts';
import { CaseEscalationStep, CaseTeam } from '../routing/routing.entity.ts';
import { Team, TeamMember } from '../teams/team.entity.ts';
import { createClinic, createPatient, type Clinic } from '../testing/clinic-fixtures.ts';
import { callerFor, uniqueSuffix } from '../testing/factories.ts';
import { openTestDb, type TestDb } from '../testing/harness.ts';

let db: TestDb;
let clinic: Clinic;
let team: Team;
let templateName: string;
let referralExpiresOn: string;

const at = (iso: string) => new Date(iso);
const MINUTE = 60_000;

beforeAll(async () => {
	db = await openTestDb();
	const em = db.em();
	clinic = await createClinic(em);
	const suffix = uniqueSuffix();
	team = em.create(Team, { name: `Reports team ${suffix}`, escalationPolicy: defaultEscalationPolicy() });
	em.create(TeamMember, { team, user: clinic.physio, isLead: true });
	templateName = `Reports knee ${suffix}`;
	const template = em.create(CaseTemplate, { name: templateName });
	await em.flush();
	const patient = await createPatient(em, 'Reports');

	// Escalations: five cases sent to the team.
	const sent = async (
		name: string,
		priority: 'urgent' | 'high' | 'normal',
		sentAt: string,
		ackAfterMinutes: number | null
	) => {
		const c = em.create(Case, {
			name,
			patient,
			issuedOn: sentAt.slice(0, 10),
			priority,
			sender: clinic.scheduler,
			sentAt: at(sentAt),
			escalationStartedAt: at(sentAt),
			escalationGeneration: 1,
			acknowledgedAt:
				ackAfterMinutes === null ? null : new Date(at(sentAt).getTime() + ackAfterMinutes * MINUTE)
		});
		em.create(CaseTeam, { case: c, team, policy: defaultEscalationPolicy()[priority] });
		await em.flush();
		return c;
	};
	await sent('Urgent A', 'urgent', '2026-01-07T12:00:00Z', 4);
	await sent('Urgent B', 'urgent', '2026-01-07T13:00:00Z', 10);
	await sent('High C', 'high', '2026-01-08T12:00:00Z', 30);
	const d = await sent('Urgent D', 'urgent', '2026-01-14T12:00:00Z', null);
	const e = await sent('Normal E', 'normal', '2026-01-14T12:00:00Z', null);
	const step = (c: Case, stepIndex: number) =>
		em.create(CaseEscalationStep, {
			case: c,
			team,
			generation: 1,
			round: 0,
			stepIndex,
			dueAt: at('2026-01-14T12:05:00Z'),
			firedAt: at('2026-01-14T12:05:00Z')
		});
	step(d, 0);
	step(e, 0);
	step(e, 1);
	const sms = em.create(Notification, {
		channel: 'sms',
		recipient: '+61400000001',
		purpose: `case-page:${d.id}:${team.id}:g1:r0:s0:u${clinic.physio.id}`,
		body: 'page',
		relatedType: 'case',
		relatedId: d.id,
		status: 'failed'
	});
	await em.flush();
	const fallback = em.create(Notification, {
		channel: 'email',
		recipient: clinic.physio.email,
		purpose: `case-page-fallback:${sms.id}`,
		body: 'page',
		relatedType: 'case',
		relatedId: d.id,
		status: 'sent'
	});
	const email = em.create(Notification, {
		channel: 'email',
		recipient: clinic.physio.email,
		purpose: `case-page:${e.id}:${team.id}:g1:r0:s0:u${clinic.physio.id}`,
		body: 'page',
		relatedType: 'case',
		relatedId: e.id,
		status: 'delivered'
	});
	await em.flush();
	await em.nativeUpdate(
		Notification,
		{ id: { $in: [sms.id, fallback.id, email.id] } },
		{ createdAt: at('2026-01-14T12:05:00Z') }
	);

	// Cases with appointments (the practitioner's): two on the template, one with a referral, one
	// with an amount cap, one closed.
	const today = todayIn(getConfig().CASEBOOK_TIME_ZONE);
	referralExpiresOn = addDays(today, 8);
	const treatment = (name: string, fields: Partial<Case> = {}) =>
		em.create(Case, { name, patient, issuedOn: '2026-01-07', ...fields });
	const f = treatment('F', { template });
	const g = treatment('G', { template, limitKind: 'appointments', maxAppointments: 4 });
	const h = treatment('H', {
		hasReferral: true,
		referralIssuedOn: addDays(today, -30),
		referralExpiresOn
	});
	const i = treatment('I', { limitKind: 'amount', maxAmountCents: 10_000 });
	const j = treatment('J', { status: 'closed' });
	await em.flush();
	await em.nativeUpdate(Case, { id: { $in: [f.id, g.id, j.id] } }, { createdAt: at('2026-01-07T12:00:00Z') });
	await em.nativeUpdate(Case, { id: j.id }, { closedAt: at('2026-01-15T12:00:00Z') });

	const appointment = (
		startsAt: string,
		status: AppointmentStatus,
		caseRow: Case | null,
		practitioner = clinic.physio,
		invoicedAmountCents: number | null = null
	) =>
		em.create(Appointment, {
			patient,
			practitioner,
			appointmentType: clinic.consult,
			startsAt: at(startsAt),
			endsAt: new Date(at(startsAt).getTime() + 30 * MINUTE),
			status,
			case: caseRow,
			invoicedAmountCents
		});
	const a1 = appointment('2026-01-07T01:00:00Z', 'completed', f);
	const a2 = appointment('2026-01-07T02:00:00Z', 'completed', g);
	appointment('2026-01-08T01:00:00Z', 'cancelled', h);
	appointment('2026-01-08T02:00:00Z', 'completed', i, clinic.physio, 10_000);
	appointment('2026-01-14T01:00:00Z', 'did_not_arrive', j);
	appointment('2026-01-14T02:00:00Z', 'booked', null);
	appointment('2026-01-07T03:00:00Z', 'completed', null, clinic.otherPhysio);
	await em.flush();

	// Requests: approved as asked (4 h), approved at another time (10 h), declined (24 h), pending.
	const request = (
		caseRow: Case,
		createdAt: string,
		status: AppointmentRequest['status'],
		decidedAt: string | null,
		window: [string, string],
		booked: Appointment | null
	) =>
		em.create(AppointmentRequest, {
			patient,
			case: caseRow,
			appointmentType: clinic.consult,
			durationMinutes: 30,
			windows: [{ startsAt: window[0], endsAt: window[1] }],
			status,
			createdAt: at(createdAt),
			decidedAt: decidedAt ? at(decidedAt) : null,
			appointment: booked
		});
	const requests = [
		request(
			f,
			'2026-01-06T10:00:00Z',
			'approved',
			'2026-01-06T14:00:00Z',
			['2026-01-07T00:00:00Z', '2026-01-07T03:00:00Z'],
			a1
		),
		request(
			f,
			'2026-01-07T00:00:00Z',
			'approved',
			'2026-01-07T10:00:00Z',
			['2026-01-09T00:00:00Z', '2026-01-09T03:00:00Z'],
			a2
		),
		request(
			f,
			'2026-01-07T00:00:00Z',
			'declined',
			'2026-01-08T00:00:00Z',
			['2026-01-09T00:00:00Z', '2026-01-09T03:00:00Z'],
			null
		),
		request(
			g,
			'2026-01-13T12:00:00Z',
			'pending',
			null,
			['2026-01-20T00:00:00Z', '2026-01-20T03:00:00Z'],
			null
		)
	];
	await em.flush();
	for (const r of requests)
		await em.nativeUpdate(AppointmentRequest, { id: r.id }, { createdAt: r.createdAt });
});

afterAll(async () => {
	await db?.close();
});

const JAN = { from: '2026-01-05', to: '2026-01-18' };
const asAdmin = () => callerFor(db.em(), clinic.admin);

async function chart(id: Parameters<ReturnType<typeof asAdmin>['reports']['chart']>[0]['chart']) {
	return asAdmin().reports.chart({
		chart: id,
		filters: { ...JAN, teamId: team.id, practitionerId: clinic.physio.id }
	});
}

describe('the escalation charts', () => {
	it('give the median and 90th percentile minutes to acknowledge per week, priority and team', async () => {
		const { rows } = await chart('acknowledge-time');
		expect(rows).toEqual([
			{
				week: '2026-01-05',
				priority: 'Urgent',
				team: 'All teams',
				acknowledged: 2,
				medianMinutes: 7,
				p90Minutes: 9.4
			},
			{
				week: '2026-01-05',
				priority: 'Urgent',
				team: team.name,
				acknowledged: 2,
				medianMinutes: 7,
				p90Minutes: 9.4
			},
			{
				week: '2026-01-05',
				priority: 'High',
				team: 'All teams',
				acknowledged: 1,
				medianMinutes: 30,
				p90Minutes: 30
			},
			{
				week: '2026-01-05',
				priority: 'High',
				team: team.name,
				acknowledged: 1,
				medianMinutes: 30,
				p90Minutes: 30
			}
		]);
	});

	it('count the cases sent and the cases that reached each step', async () => {
		const { rows } = await chart('escalation-steps');
		expect(rows).toEqual([
			{ step: 'Sent', team: team.name, cases: 5 },
			{ step: 'Step 1', team: team.name, cases: 2 },
			{ step: 'Step 2', team: team.name, cases: 1 }
		]);
	});

	it('count failed pages and email fallbacks per week', async () => {
		const { rows } = await chart('delivery');
		expect(rows).toEqual([
			{ week: '2026-01-05', smsPages: 0, smsFailed: 0, emailPages: 0, emailFailed: 0, fallbacks: 0 },
			{ week: '2026-01-12', smsPages: 1, smsFailed: 1, emailPages: 2, emailFailed: 0, fallbacks: 1 }
		]);
	});
});

describe('the case charts', () => {
	it('count open cases by template and by the practitioner of their latest appointment', async () => {
		const { rows } = await chart('open-cases');
		expect(rows).toEqual([
			{ template: templateName, practitioner: clinic.physio.name, cases: 2 },
			{ template: 'No template', practitioner: clinic.physio.name, cases: 2 }
		]);
	});

	it('put capped cases in quarters of their cap', async () => {
		const { rows } = await chart('cap-usage');
		expect(rows.map((r) => [r.usage, r.appointmentsCap, r.amountCap])).toEqual([
			['Under 25%', 0, 0],
			['25–49%', 1, 0],
			['50–74%', 0, 0],
			['75–99%', 0, 0],
			['Reached (100%+)', 0, 1]
		]);
	});

	it('count referrals expiring in each of the next twelve weeks', async () => {
		const { rows } = await chart('referrals-expiring');
		expect(rows).toHaveLength(12);
		const expiring = rows.filter((r) => r.cases !== 0);
		expect(expiring).toHaveLength(1);
		const week = String(expiring[0]!.week);
		expect(week <= referralExpiresOn && referralExpiresOn < addDays(week, 7)).toBe(true);
		expect(new Date(`${week}T00:00:00Z`).getUTCDay()).toBe(1);
	});

	it('count cases opened and closed per week', async () => {
		const { rows } = await chart('cases-opened-closed');
		expect(rows).toEqual([
			{ week: '2026-01-05', opened: 3, closed: 0 },
			{ week: '2026-01-12', opened: 0, closed: 1 }
		]);
	});
});

describe('the appointment request charts', () => {
	it('count requests per week by what became of them', async () => {
		const { rows } = await chart('requests-per-week');
		expect(rows).toEqual([
			{ week: '2026-01-05', total: 3, pending: 0, approved: 2, declined: 1, withdrawn: 0 },
			{ week: '2026-01-12', total: 1, pending: 1, approved: 0, declined: 0, withdrawn: 0 }
		]);
	});

	it('give the hours from request to decision', async () => {
		const { rows } = await chart('decision-time');
		expect(rows).toEqual([
			{ week: '2026-01-05', decided: 3, medianHours: 10, p90Hours: 21.2 },
			{ week: '2026-01-12', decided: 0, medianHours: null, p90Hours: null }
		]);
	});

	it('tell approvals at a preferred time from approvals at a different time, and declines', async () => {
		const { rows } = await chart('decisions');
		expect(rows[0]).toEqual({
			week: '2026-01-05',
			approvedAsAsked: 1,
			approvedOtherTime: 1,
			declined: 1,
			otherTimePercent: 50
		});
	});
});

describe('the appointments chart', () => {
	it('counts booked, completed, cancelled and did-not-arrive appointments per week and practitioner', async () => {
		const { rows, chart: drawn } = await chart('appointments');
		const counts = { booked: 0, completed: 3, cancelled: 1, didNotArrive: 0 };
		const later = { booked: 1, completed: 0, cancelled: 0, didNotArrive: 1 };
		expect(rows).toEqual([
			{ week: '2026-01-05', practitioner: 'All practitioners', ...counts },
			{ week: '2026-01-05', practitioner: clinic.physio.name, ...counts },
			{ week: '2026-01-12', practitioner: 'All practitioners', ...later },
			{ week: '2026-01-12', practitioner: clinic.physio.name, ...later }
		]);
		// The chart draws the totals.
		expect(drawn.data.map((d) => d.completed)).toEqual([3, 0]);
	});
});

describe('who sees which figures', () => {
	it('shows a practitioner their own figures without asking', async () => {
		const own = await callerFor(db.em(), clinic.physio).reports.chart({
			chart: 'appointments',
			filters: JAN
		});
		const admins = await chart('appointments');
		expect(own.rows.filter((r) => r.practitioner !== 'All practitioners')).toEqual(
			admins.rows.filter((r) => r.practitioner !== 'All practitioners')
		);
	});

	it('refuses a practitioner someone else’s figures, naming the field', async () => {
		await expect(
			callerFor(db.em(), clinic.otherPhysio).reports.dashboard({ ...JAN, practitionerId: clinic.physio.id })
		).rejects.toMatchObject({
			code: 'FORBIDDEN',
			cause: { fieldErrors: { practitionerId: [expect.any(String)] } }
		});
		await expect(
			callerFor(db.em(), clinic.otherPhysio).reports.dashboard({ ...JAN, teamId: team.id })
		).rejects.toMatchObject({ code: 'FORBIDDEN', cause: { fieldErrors: { teamId: [expect.any(String)] } } });
	});

	it('refuses a range that ends before it starts as a field error', async () => {
		await expect(asAdmin().reports.dashboard({ from: '2026-02-01', to: '2026-01-01' })).rejects.toMatchObject(
			{ code: 'BAD_REQUEST' }
		);
	});

	it('answers every chart for the whole clinic', async () => {
		const { charts } = await asAdmin().reports.dashboard(JAN);
		expect(charts.map((c) => c.id)).toHaveLength(11);
	});
});
