// Seeds the bench database for the mixed load benchmark (load.ts), once, and extends it idempotently:
// N patients (patients.ts's seeding), staff who are members of four teams with the default
// escalation policy, a service with an appointment type and two case templates (one lets patients
// request appointments), M cases spread over the patients of which every seventh was sent to one or
// two teams (half of those acknowledged), and one portal-enabled case for each of P patients.
// Every seeded case is created by the "Load seeder" user, which is how a later run finds them.
import pg from 'pg';
import { defaultEscalationPolicy } from '../../src/lib/schemas/team.ts';
import { AppointmentType } from '../../src/lib/server/appointment-types/appointment-type.entity.ts';
import { User } from '../../src/lib/server/auth/user.entity.ts';
import {
	CaseTemplate,
	CaseTemplateRequestType
} from '../../src/lib/server/case-templates/case-template.entity.ts';
import { type Em } from '../../src/lib/server/db/orm.ts';
import { initOrm } from '../../src/lib/server/app/orm.ts';
import { Service } from '../../src/lib/server/services/service.entity.ts';
import { Team, TeamMember } from '../../src/lib/server/teams/team.entity.ts';
import { seedPatients } from './patients.ts';

export const LOAD_STAFF = 12;
const TEAMS = 4;

export interface LoadFixture {
	seederId: string;
	/** Each staff member and the teams they belong to (two each). */
	staff: { id: string; teamIds: string[] }[];
	teamIds: string[];
	/** A sample of seeded case ids for `cases.get`. */
	caseIds: string[];
	/** Patients with an open case whose template lets them request this appointment type. */
	portal: { patientId: string; caseId: string }[];
	requestTypeId: string;
}

const TOPICS = [
	'Left knee rehabilitation',
	'Lower back pain',
	'Right shoulder impingement',
	'Post-surgical hip',
	'Ankle sprain',
	'Neck pain after whiplash',
	'Tennis elbow',
	'Speech therapy review',
	'Hand therapy after fracture',
	'Chronic headache'
];

async function findOrCreateUser(em: Em, email: string, name: string): Promise<User> {
	return (
		(await em.findOne(User, { email })) ??
		em.create(User, { kind: 'staff', name, email, roles: ['scheduler', 'practitioner'] })
	);
}

export async function seedLoad(
	url: string,
	sizes: { patients: number; cases: number; portalPatients: number },
	log: (line: string) => void
): Promise<LoadFixture> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	const orm = await initOrm(url, { pool: { min: 0, max: 2 } });
	try {
		await seedPatients(client, sizes.patients, log);

		// Staff, teams, a service, an appointment type and two templates: found by name, else created.
		const em = orm.em.fork();
		const seeder = await findOrCreateUser(em, 'load-seeder@casebook.test', 'Load seeder');
		const staff: User[] = [];
		for (let n = 1; n <= LOAD_STAFF; n += 1)
			staff.push(await findOrCreateUser(em, `load-staff-${n}@casebook.test`, `Load staff ${n}`));
		const teams: Team[] = [];
		for (let n = 1; n <= TEAMS; n += 1) {
			const name = `Load team ${n}`;
			teams.push(
				(await em.findOne(Team, { name, isActive: true })) ??
					em.create(Team, { name, escalationPolicy: defaultEscalationPolicy() })
			);
		}
		const service =
			(await em.findOne(Service, { name: 'Load physiotherapy' })) ??
			em.create(Service, { name: 'Load physiotherapy', colour: '#0f766e' });
		const type =
			(await em.findOne(AppointmentType, { name: 'Load consult' })) ??
			em.create(AppointmentType, { name: 'Load consult', durationMinutes: 30, priceCents: 9000 });
		const requestTemplate =
			(await em.findOne(CaseTemplate, { name: 'Load knee (requests)', isActive: true })) ??
			em.create(CaseTemplate, { name: 'Load knee (requests)', allowsRequests: true });
		const plainTemplate =
			(await em.findOne(CaseTemplate, { name: 'Load shoulder', isActive: true })) ??
			em.create(CaseTemplate, { name: 'Load shoulder' });
		await em.flush();
		await em.populate(service, ['practitioners']);
		await em.populate(type, ['services']);
		await em.populate([requestTemplate, plainTemplate], ['services']);
		for (const user of staff) if (!service.practitioners.contains(user)) service.practitioners.add(user);
		if (!type.services.contains(service)) type.services.add(service);
		for (const template of [requestTemplate, plainTemplate])
			if (!template.services.contains(service)) template.services.add(service);
		if (!(await em.findOne(CaseTemplateRequestType, { template: requestTemplate, appointmentType: type })))
			em.create(CaseTemplateRequestType, {
				template: requestTemplate,
				appointmentType: type,
				durationMinutes: 30
			});
		const memberships = staff.map((user, n) => ({
			user,
			teams: [teams[n % TEAMS]!, teams[(n + 1) % TEAMS]!]
		}));
		for (const { user, teams: mine } of memberships)
			for (const [k, team] of mine.entries())
				if (!(await em.findOne(TeamMember, { team, user })))
					em.create(TeamMember, { team, user, isLead: k === 0 });
		await em.flush();

		// Cases: batched inserts; every seventh sent to teams.
		const { rows: have } = await client.query<{ n: string }>(
			'select count(*) as n from clinic_case where created_by_id = $1 and template_id is distinct from $2',
			[seeder.id, requestTemplate.id]
		);
		let count = Number(have[0]!.n);
		if (count < sizes.cases) {
			log(`seeding ${(sizes.cases - count).toLocaleString('en')} cases…`);
			const started = Date.now();
			const { rows: patients } = await client.query<{ id: string }>(
				'select id::text as id from patient where deleted_at is null order by id limit $1',
				[sizes.patients]
			);
			const priorities = ['normal', 'high', 'urgent', 'normal', 'high'];
			const batch = 1000;
			for (; count < sizes.cases; count += batch) {
				const values: unknown[] = [];
				const tuples: string[] = [];
				for (let i = count; i < Math.min(sizes.cases, count + batch); i += 1) {
					const patient = patients[(i * 7919) % patients.length]!.id;
					const closed = i % 8 === 7;
					const routed = i % 7 === 0;
					const acknowledged = routed && i % 14 === 0;
					const sender = staff[i % staff.length]!.id;
					const template = i % 3 === 0 ? plainTemplate.id : null;
					const limited = i % 4 === 1;
					const p = (v: unknown) => {
						values.push(v);
						return `$${values.length}`;
					};
					tuples.push(
						`(${p(`${TOPICS[i % TOPICS.length]} #${i}`)}, ${p(patient)}, ${p(template)}, ${p(limited ? 'appointments' : 'unlimited')}, ${p(limited ? 10 : null)}, ${p(closed ? 'closed' : 'open')}, current_date - ${i % 1100}, ${closed ? "now() - interval '3 days'" : 'null'}, ${p(seeder.id)}, ` +
							`${p(routed ? priorities[i % priorities.length] : null)}, ${p(routed ? sender : null)}, ${routed ? `now() - interval '1 minute' * ${i % 40_000}` : 'null'}, ${routed ? 1 : 0}, ${acknowledged ? `now() - interval '1 minute' * ${i % 40_000} + interval '3 minutes'` : 'null'}, ${p(acknowledged ? staff[(i + 1) % staff.length]!.id : null)}, now(), now())`
					);
				}
				await client.query(
					`insert into clinic_case (name, patient_id, template_id, limit_kind, max_appointments, status, issued_on, closed_at, created_by_id,
					   priority, sender_id, sent_at, escalation_generation, acknowledged_at, acknowledged_by_id, created_at, updated_at)
					 values ${tuples.join(',')}`,
					values
				);
			}
			await client.query(
				`update clinic_case set escalation_started_at = sent_at where created_by_id = $1 and sent_at is not null`,
				[seeder.id]
			);
			// The receiving teams: one, and a second for every third routed case.
			const teamIds = `array[${teams.map((t) => Number(t.id)).join(',')}]::bigint[]`;
			await client.query(
				`insert into case_team (case_id, team_id, policy)
				 select c.id, t.id, t.escalation_policy -> c.priority
				 from clinic_case c
				 join team t on t.id = (${teamIds})[1 + c.id % ${TEAMS}]
				   or (c.id % 3 = 0 and t.id = (${teamIds})[1 + (c.id + 1) % ${TEAMS}])
				 where c.created_by_id = $1 and c.sent_at is not null
				 on conflict do nothing`,
				[seeder.id]
			);
			await client.query(
				`insert into case_event (case_id, kind, actor_id, data, created_at)
				 select c.id, 'sent', c.sender_id, '{}'::jsonb, c.sent_at from clinic_case c
				 where c.created_by_id = $1 and c.sent_at is not null
				   and not exists (select 1 from case_event e where e.case_id = c.id and e.kind = 'sent')`,
				[seeder.id]
			);
			log(`seeded cases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
		}

		// Portal: one open case from the requests template for each of the first P patients.
		const { rows: portalRows } = await client.query<{ n: string }>(
			'select count(*) as n from clinic_case where created_by_id = $1 and template_id = $2',
			[seeder.id, requestTemplate.id]
		);
		if (Number(portalRows[0]!.n) < sizes.portalPatients) {
			log(`seeding ${sizes.portalPatients} portal patients' cases…`);
			await client.query(
				`insert into clinic_case (name, patient_id, template_id, status, issued_on, created_by_id, created_at, updated_at)
				 select 'Knee rehabilitation (portal)', p.id, $2, 'open', current_date, $1, now(), now()
				 from (select id from patient where deleted_at is null and archived_at is null order by id limit $3) p
				 where not exists (select 1 from clinic_case c where c.patient_id = p.id and c.template_id = $2)`,
				[seeder.id, requestTemplate.id, sizes.portalPatients]
			);
		}
		// Vacuumed, as autovacuum would have done in a clinic's database: counts read the index alone.
		for (const table of ['clinic_case', 'case_team', 'case_event'])
			await client.query(`vacuum analyze ${table}`);

		const { rows: sample } = await client.query<{ id: string }>(
			`select id::text as id from clinic_case where created_by_id = $1 and template_id is distinct from $2
			 and id % 10 = 3 order by id limit 2000`,
			[seeder.id, requestTemplate.id]
		);
		const { rows: portal } = await client.query<{ patient_id: string; id: string }>(
			`select patient_id::text as patient_id, id::text as id from clinic_case
			 where created_by_id = $1 and template_id = $2 and status = 'open' order by id limit $3`,
			[seeder.id, requestTemplate.id, sizes.portalPatients]
		);
		return {
			seederId: seeder.id,
			staff: memberships.map((m) => ({ id: m.user.id, teamIds: m.teams.map((t) => t.id) })),
			teamIds: teams.map((t) => t.id),
			caseIds: sample.map((r) => r.id),
			portal: portal.map((r) => ({ patientId: r.patient_id, caseId: r.id })),
			requestTypeId: type.id
		};
	} finally {
		await orm.close();
		await client.end();
	}
}
