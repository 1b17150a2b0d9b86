// The demo clinic for `npm run demo`: staff of every role, services, appointment types, case
// templates, patients with cases and appointments (demo-clinical.ts), and teams with cases sent to
// them, a referrer, custom fields, a portal request and a reservation (demo-routing.ts). Idempotent: running it
// again changes nothing that is already there.
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from '../../src/lib/server/auth/passwords.ts';
import { User } from '../../src/lib/server/auth/user.entity.ts';
import type { Role } from '../../src/lib/schemas/staff.ts';
import { AppointmentType } from '../../src/lib/server/appointment-types/appointment-type.entity.ts';
import {
	CaseTemplate,
	CaseTemplateRequestType
} from '../../src/lib/server/case-templates/case-template.entity.ts';
import { Service } from '../../src/lib/server/services/service.entity.ts';
import { getConfig } from '../../src/lib/server/config.ts';
import { seedDemoClinical } from './demo-clinical.ts';
import { DEMO_REFERRER, seedDemoRouting } from './demo-routing.ts';

export const DEMO_PASSWORD = 'casebook-demo';

export const DEMO_STAFF: { name: string; email: string; roles: Role[]; mobile: string | null }[] = [
	{ name: 'Alex Morgan', email: 'admin@demo.casebook.test', roles: ['admin'], mobile: '+61491570156' },
	{ name: 'Sam Taylor', email: 'scheduler@demo.casebook.test', roles: ['scheduler'], mobile: '+61491570157' },
	{ name: 'Priya Shah', email: 'physio@demo.casebook.test', roles: ['practitioner'], mobile: '+61491570158' },
	{ name: 'Jordan Lee', email: 'ot@demo.casebook.test', roles: ['practitioner'], mobile: '+61491570159' },
	{ name: 'Chris Ng', email: 'lead@demo.casebook.test', roles: ['practitioner', 'scheduler'], mobile: null }
];

/** Patients to try in the portal (a sign-in link goes to the outbox), with what waits for them. */
export const DEMO_PORTAL_PATIENTS = [
	{ address: 'olivia.bennett@example.com', waiting: 'a request waiting for the clinic' },
	{ address: 'ava.rossi@example.com', waiting: 'a reserved appointment to confirm' },
	{ address: '+61491570160', waiting: 'Liam Nguyen, by mobile: a case one appointment from its cap' }
];

export interface DemoSignIns {
	staff: { email: string; roles: string[] }[];
	portal: typeof DEMO_PORTAL_PATIENTS;
}

/** Seeds the demo clinic. pg-boss must be started (setBoss) for sending: see src/cli/hooks.ts. */
export async function seedDemo(em: EntityManager): Promise<DemoSignIns> {
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	for (const person of DEMO_STAFF) {
		const existing = await em.findOne(User, { email: person.email });
		if (existing) continue;
		em.create(User, { kind: 'staff', ...person, passwordHash, passwordChangedAt: new Date() });
	}
	await em.flush();
	await seedAdminSetup(em);
	const timeZone = getConfig().CASEBOOK_TIME_ZONE;
	await seedDemoClinical(em, timeZone);
	await seedDemoRouting(em, timeZone, passwordHash);
	return {
		staff: [
			...DEMO_STAFF.map(({ email, roles }) => ({ email, roles: [...roles] })),
			{ email: DEMO_REFERRER.email, roles: ['referrer'] }
		],
		portal: DEMO_PORTAL_PATIENTS
	};
}

const SERVICES = [
	{
		name: 'Physiotherapy',
		colour: '#0f766e',
		practitioners: ['physio@demo.casebook.test', 'lead@demo.casebook.test']
	},
	{
		name: 'Occupational therapy',
		colour: '#7c3aed',
		practitioners: ['ot@demo.casebook.test', 'lead@demo.casebook.test']
	},
	{ name: 'Speech pathology', colour: '#db2777', practitioners: ['lead@demo.casebook.test'] }
];

const TYPES = [
	{
		name: 'Initial assessment',
		services: ['Physiotherapy', 'Occupational therapy'],
		durationMinutes: 60,
		priceCents: 12000
	},
	{ name: 'Follow-up', services: ['Physiotherapy'], durationMinutes: 30, priceCents: 8500 },
	{ name: 'Hydrotherapy', services: ['Physiotherapy'], durationMinutes: 45, priceCents: 9000 },
	{ name: 'Home visit', services: ['Occupational therapy'], durationMinutes: 90, priceCents: 18000 },
	{ name: 'Speech session', services: ['Speech pathology'], durationMinutes: 45, priceCents: 11000 }
];

const TEMPLATES = [
	{
		name: 'Shoulder rehabilitation',
		description: 'Post-injury or post-operative shoulder.',
		services: ['Physiotherapy'],
		requests: [
			['Follow-up', 30],
			['Hydrotherapy', 45]
		]
	},
	{
		name: 'Paediatric speech',
		description: 'Speech and language therapy for children.',
		services: ['Speech pathology'],
		requests: [['Speech session', 45]]
	},
	{
		name: 'Post-surgical knee',
		description: 'Shared physiotherapy and OT after knee surgery.',
		services: ['Physiotherapy', 'Occupational therapy'],
		requests: [
			['Follow-up', 30],
			['Home visit', 60]
		]
	}
] as const;

/** Services, appointment types and case templates of the demo clinic (idempotent by name). */
async function seedAdminSetup(em: EntityManager): Promise<void> {
	const services = new Map<string, Service>();
	for (const spec of SERVICES) {
		let service = await em.findOne(Service, { name: spec.name, isActive: true });
		if (!service) {
			service = em.create(Service, { name: spec.name, colour: spec.colour });
			for (const email of spec.practitioners) {
				const user = await em.findOne(User, { email });
				if (user) service.practitioners.add(user);
			}
		}
		services.set(spec.name, service);
	}
	const types = new Map<string, AppointmentType>();
	for (const spec of TYPES) {
		let type = await em.findOne(AppointmentType, { name: spec.name, isActive: true });
		if (!type) {
			type = em.create(AppointmentType, {
				name: spec.name,
				durationMinutes: spec.durationMinutes,
				priceCents: spec.priceCents
			});
			for (const name of spec.services) type.services.add(services.get(name)!);
		}
		types.set(spec.name, type);
	}
	await em.flush();
	for (const spec of TEMPLATES) {
		if (await em.findOne(CaseTemplate, { name: spec.name, isActive: true })) continue;
		const template = em.create(CaseTemplate, {
			name: spec.name,
			description: spec.description,
			allowsRequests: true
		});
		for (const name of spec.services) template.services.add(services.get(name)!);
		for (const [typeName, duration] of spec.requests) {
			em.create(CaseTemplateRequestType, {
				template,
				appointmentType: types.get(typeName)!,
				durationMinutes: duration
			});
		}
	}
	await em.flush();
}
