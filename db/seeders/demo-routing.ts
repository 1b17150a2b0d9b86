// The demo clinic's teams and the work waiting in them (issue 19): two teams (one member without a
// mobile, a lead in each), a referrer, patient custom fields in use, a pending portal request, a
// reservation waiting for the patient, and an Urgent case acknowledged beside one still escalating.
// Cases go through the same services the app uses, so their escalation jobs are real: the worker
// pages the team for the waiting one after five minutes (the page lands in the outbox).
// Idempotent: it runs once, marked by the first team's name.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, todayIn, zonedToInstant } from '../../src/lib/time.ts';
import { AppointmentRequest } from '../../src/lib/server/appointment-requests/appointment-request.entity.ts';
import { AppointmentType } from '../../src/lib/server/appointment-types/appointment-type.entity.ts';
import { reserveAppointment } from '../../src/lib/server/appointments/reservations.service.ts';
import type { Actor } from '../../src/lib/server/auth/actor.ts';
import { User } from '../../src/lib/server/auth/user.entity.ts';
import { Case } from '../../src/lib/server/cases/case.entity.ts';
import { CaseTemplate } from '../../src/lib/server/case-templates/case-template.entity.ts';
import { CustomFieldDefinition } from '../../src/lib/server/patients/custom-field-definition.entity.ts';
import { Patient } from '../../src/lib/server/patients/patient.entity.ts';
import { acknowledgeCase, sendCase } from '../../src/lib/server/routing/routing.service.ts';
import { Team } from '../../src/lib/server/teams/team.entity.ts';
import { addTeamMember, createTeam } from '../../src/lib/server/teams/teams.service.ts';

export const DEMO_REFERRER = { name: 'Dr Helen Park', email: 'gp@demo.casebook.test' };

const TEAMS = [
	{
		name: 'Physio on call',
		description: 'Urgent musculoskeletal referrals, weekdays.',
		acceptsExternalCases: true,
		members: [
			// Chris leads the team but has no mobile: the team pages warn that an SMS cannot reach him.
			{ email: 'lead@demo.casebook.test', isLead: true },
			{ email: 'physio@demo.casebook.test', isLead: false }
		]
	},
	{
		name: 'Hand therapy',
		description: 'Hand and upper-limb injuries.',
		acceptsExternalCases: false,
		members: [
			{ email: 'ot@demo.casebook.test', isLead: true },
			{ email: 'admin@demo.casebook.test', isLead: false }
		]
	}
];

function actorOf(user: User): Actor {
	return {
		user: {
			id: user.id,
			kind: user.kind,
			name: user.name,
			email: user.email,
			roles: user.roles,
			hasTwoFactor: false
		},
		sessionId: null,
		requestId: null,
		ip: null
	};
}

/** Needs pg-boss started for sending (cases enqueue their escalation, reservations their link). */
export async function seedDemoRouting(
	em: EntityManager,
	timeZone: string,
	passwordHash: string
): Promise<void> {
	if (await em.count(Team, { name: TEAMS[0]!.name })) return;
	const staff = async (email: string) => em.findOneOrFail(User, { email });
	const admin = actorOf(await staff('admin@demo.casebook.test'));

	const teams: Record<string, string> = {};
	for (const spec of TEAMS) {
		const team = await createTeam(em, admin, {
			name: spec.name,
			description: spec.description,
			acceptsExternalCases: spec.acceptsExternalCases
		});
		teams[spec.name] = team.id;
		for (const member of spec.members)
			await addTeamMember(em, admin, {
				teamId: team.id,
				userId: (await staff(member.email)).id,
				isLead: member.isLead
			});
	}

	let referrer = await em.findOne(User, { email: DEMO_REFERRER.email });
	if (!referrer) {
		referrer = em.create(User, {
			kind: 'referrer',
			...DEMO_REFERRER,
			roles: [],
			passwordHash,
			passwordChangedAt: new Date()
		});
		await em.flush();
	}

	// The Urgent pair: one Priya (a member) acknowledged, one still waiting (it escalates).
	const priya = actorOf(await staff('physio@demo.casebook.test'));
	const acknowledged = await sendCase(em, actorOf(referrer), {
		subject: 'Suspected scaphoid fracture, 34 y.o. carpenter',
		details:
			'Fell on an outstretched hand yesterday. Snuffbox tenderness, X-ray clear. Please see for splinting and review.',
		teamIds: [teams['Physio on call']!],
		priority: 'urgent'
	});
	await acknowledgeCase(em, priya, { caseId: acknowledged.id });
	await sendCase(em, actorOf(referrer), {
		subject: 'Acute calf pain after a marathon, query tear',
		details: 'Sudden pain at 30 km, now limping. No swelling of the ankle. Can your team see her today?',
		teamIds: [teams['Physio on call']!],
		priority: 'urgent'
	});
	await sendCase(em, admin, {
		subject: 'Post-op flexor tendon repair, splint check',
		teamIds: [teams['Hand therapy']!],
		priority: 'high'
	});

	await seedCustomFields(em);

	// A portal request waiting for a scheduler, and a reservation waiting for the patient.
	const today = todayIn(timeZone);
	const olivia = await em.findOneOrFail(Patient, { oldReferenceId: 'demo-1' });
	const shoulder = await em.findOneOrFail(Case, { patient: olivia, name: 'Left shoulder rehab' });
	const followUp = await em.findOneOrFail(AppointmentType, { name: 'Follow-up', isActive: true });
	const window = (day: number, from: string, to: string) => ({
		startsAt: zonedToInstant(`${addDays(today, day)}T${from}`, timeZone).toISOString(),
		endsAt: zonedToInstant(`${addDays(today, day)}T${to}`, timeZone).toISOString()
	});
	em.create(AppointmentRequest, {
		patient: olivia,
		case: shoulder,
		appointmentType: followUp,
		durationMinutes: 30,
		windows: [window(5, '08:00', '11:00'), window(6, '14:00', '17:00')],
		note: 'Mornings suit me best, before work if possible.'
	});
	await em.flush();

	const ava = await em.findOneOrFail(Patient, { oldReferenceId: 'demo-5' });
	const neck = em.create(Case, {
		name: 'Neck and shoulder tension',
		patient: ava,
		template: await em.findOne(CaseTemplate, { name: 'Shoulder rehabilitation', isActive: true }),
		limitKind: 'appointments',
		maxAppointments: 5,
		issuedOn: today
	});
	await em.flush();
	await reserveAppointment(em, actorOf(await staff('scheduler@demo.casebook.test')), {
		patientId: ava.id,
		caseId: neck.id,
		practitionerId: (await staff('physio@demo.casebook.test')).id,
		appointmentTypeId: followUp.id,
		startsAt: zonedToInstant(`${addDays(today, 3)}T08:30`, timeZone),
		expiresInHours: 48
	});
}

/** An intake section with a choice and a text field, answered for two patients. */
async function seedCustomFields(em: EntityManager): Promise<void> {
	const row = await em.findOne(CustomFieldDefinition, { id: 1 });
	if (!row || row.definition.sections.length) return;
	const section = randomUUID();
	const heard = randomUUID();
	const goals = randomUUID();
	const options = ['GP referral', 'A friend or family', 'Online search', 'Sports club'].map((name) => ({
		token: randomUUID(),
		name,
		archived: false
	}));
	row.definition = {
		sections: [
			{
				token: section,
				name: 'Intake',
				archived: false,
				fields: [
					{
						token: heard,
						name: 'How did you hear about us?',
						type: 'radiobuttons',
						archived: false,
						options,
						other: { enabled: true }
					},
					{ token: goals, name: 'What would you like to get back to?', type: 'paragraph', archived: false }
				]
			}
		]
	};
	const answer = (option: number, goal: string) => ({
		sections: [
			{
				token: section,
				fields: [
					{ token: heard, options: [{ token: options[option]!.token, selected: true as const }] },
					{ token: goals, value: goal }
				]
			}
		]
	});
	(await em.findOneOrFail(Patient, { oldReferenceId: 'demo-1' })).customFields = answer(
		0,
		'Swimming laps and lifting my toddler.'
	);
	(await em.findOneOrFail(Patient, { oldReferenceId: 'demo-2' })).customFields = answer(
		3,
		'Playing Saturday football again.'
	);
	await em.flush();
}
