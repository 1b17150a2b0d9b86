// Demo patients with cases and a week of appointments around today, so the calendar, the case
// lists and their warnings have something to show in `npm run demo`. Idempotent: it runs once,
// marked by the patients' old_reference_id.
import type { EntityManager } from '@mikro-orm/postgresql';
import { addDays, startOfWeek, todayIn, zonedToInstant } from '../../src/lib/time.ts';
import { Appointment } from '../../src/lib/server/appointments/appointment.entity.ts';
import { AppointmentType } from '../../src/lib/server/appointment-types/appointment-type.entity.ts';
import { User } from '../../src/lib/server/auth/user.entity.ts';
import { BodyPart } from '../../src/lib/server/cases/body-part.entity.ts';
import { Case } from '../../src/lib/server/cases/case.entity.ts';
import { CaseTemplate } from '../../src/lib/server/case-templates/case-template.entity.ts';
import { Patient } from '../../src/lib/server/patients/patient.entity.ts';
import { buildSearchText } from '../../src/lib/server/patients/patients.service.ts';

const PATIENTS = [
	{
		firstName: 'Olivia',
		lastName: 'Bennett',
		dateOfBirth: '1984-03-12',
		email: 'olivia.bennett@example.com'
	},
	{
		firstName: 'Liam',
		lastName: 'Nguyen',
		dateOfBirth: '1991-07-30',
		email: 'liam.nguyen@example.com',
		phoneNumbers: [{ phoneType: 'Mobile' as const, number: '+61491570160' }]
	},
	{ firstName: 'Mia', lastName: 'Okafor', dateOfBirth: '2017-11-02', email: 'okafor.family@example.com' },
	{ firstName: 'Noah', lastName: 'Fischer', dateOfBirth: '1958-01-21', email: null },
	{ firstName: 'Ava', lastName: 'Rossi', dateOfBirth: '1979-09-09', email: 'ava.rossi@example.com' }
];

export async function seedDemoClinical(em: EntityManager, timeZone: string): Promise<void> {
	if (await em.count(Patient, { oldReferenceId: { $like: 'demo-%' } })) return;
	const patients = PATIENTS.map(({ phoneNumbers, ...spec }: (typeof PATIENTS)[number], index) => {
		const patient = em.create(Patient, {
			...spec,
			// The columns' JSON defaults are SQL text; a new entity needs real arrays.
			phoneNumbers: phoneNumbers ?? [],
			medicalAlerts: [],
			oldReferenceId: `demo-${index + 1}`
		});
		patient.searchText = buildSearchText(patient);
		return patient;
	});
	await em.flush();

	const part = async (name: string) => em.findOneOrFail(BodyPart, { name, isActive: true });
	const template = async (name: string) => em.findOne(CaseTemplate, { name, isActive: true });
	const type = async (name: string) => em.findOneOrFail(AppointmentType, { name, isActive: true });
	const staff = async (email: string) => em.findOneOrFail(User, { email });
	const today = todayIn(timeZone);

	const [olivia, liam, mia, noah] = patients as [Patient, Patient, Patient, Patient, Patient];
	const shoulder = em.create(Case, {
		name: 'Left shoulder rehab',
		patient: olivia,
		template: await template('Shoulder rehabilitation'),
		limitKind: 'appointments',
		maxAppointments: 6,
		hasReferral: true,
		referralIssuedOn: addDays(today, -60),
		referralExpiresOn: addDays(today, 12),
		issuedOn: addDays(today, -30),
		notes: 'Rotator cuff repair, 6 weeks post-op. Avoid overhead loading until review.'
	});
	shoulder.bodyParts.add(await part('Left shoulder'));
	const knee = em.create(Case, {
		name: 'Right knee replacement',
		patient: noah,
		template: await template('Post-surgical knee'),
		limitKind: 'amount',
		maxAmountCents: 60000,
		issuedOn: addDays(today, -14)
	});
	knee.bodyParts.add(await part('Right knee'));
	const back = em.create(Case, {
		name: 'Lower back pain',
		patient: liam,
		limitKind: 'appointments',
		maxAppointments: 3,
		issuedOn: addDays(today, -7)
	});
	back.bodyParts.add(await part('Lumbar spine'));
	const speech = em.create(Case, {
		name: 'Speech and language',
		patient: mia,
		template: await template('Paediatric speech'),
		limitKind: 'unlimited',
		issuedOn: addDays(today, -21)
	});
	await em.flush();

	const physio = await staff('physio@demo.casebook.test');
	const ot = await staff('ot@demo.casebook.test');
	const lead = await staff('lead@demo.casebook.test');
	const monday = startOfWeek(today);
	const at = (day: number, time: string) => zonedToInstant(`${addDays(monday, day)}T${time}`, timeZone);
	const book = async (
		patient: Patient,
		practitioner: User,
		typeName: string,
		start: Date,
		caseRow: Case | null,
		status: Appointment['status'] = 'booked'
	) => {
		const t = await type(typeName);
		em.create(Appointment, {
			patient,
			practitioner,
			appointmentType: t,
			startsAt: start,
			endsAt: new Date(start.getTime() + t.durationMinutes * 60_000),
			status,
			case: caseRow,
			invoicedAmountCents: status === 'completed' ? t.priceCents : null,
			invoicedAt: status === 'completed' ? start : null
		});
	};
	await book(olivia, physio, 'Initial assessment', at(-7, '09:00'), shoulder, 'completed');
	await book(olivia, physio, 'Follow-up', at(-3, '09:30'), shoulder, 'completed');
	await book(olivia, physio, 'Follow-up', at(0, '10:00'), shoulder);
	await book(olivia, physio, 'Hydrotherapy', at(2, '11:00'), shoulder);
	await book(olivia, physio, 'Follow-up', at(4, '09:00'), shoulder);
	await book(liam, physio, 'Initial assessment', at(-2, '14:00'), back, 'completed');
	await book(liam, physio, 'Follow-up', at(1, '15:00'), back);
	await book(noah, ot, 'Home visit', at(-5, '13:00'), knee, 'completed');
	await book(noah, ot, 'Home visit', at(1, '10:00'), knee);
	await book(noah, lead, 'Follow-up', at(3, '16:00'), knee);
	await book(mia, lead, 'Speech session', at(0, '15:30'), speech, 'did_not_arrive');
	await book(mia, lead, 'Speech session', at(2, '15:30'), speech);
	await em.flush();
}
