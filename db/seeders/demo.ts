// The demo clinic for `npm run demo`: staff of every role (and, as the product grows, patients,
// cases and teams). Idempotent: running it again changes nothing that is already there.
import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from '../../src/lib/server/auth/passwords.ts';
import { User } from '../../src/lib/server/auth/user.entity.ts';
import type { Role } from '../../src/lib/schemas/staff.ts';

export const DEMO_PASSWORD = 'casebook-demo';

export const DEMO_STAFF: { name: string; email: string; roles: Role[]; mobile: string | null }[] = [
	{ name: 'Alex Morgan', email: 'admin@demo.casebook.test', roles: ['admin'], mobile: '+61491570156' },
	{ name: 'Sam Taylor', email: 'scheduler@demo.casebook.test', roles: ['scheduler'], mobile: '+61491570157' },
	{ name: 'Priya Shah', email: 'physio@demo.casebook.test', roles: ['practitioner'], mobile: '+61491570158' },
	{ name: 'Jordan Lee', email: 'ot@demo.casebook.test', roles: ['practitioner'], mobile: '+61491570159' },
	{ name: 'Chris Ng', email: 'lead@demo.casebook.test', roles: ['practitioner', 'scheduler'], mobile: null }
];

export async function seedDemo(em: EntityManager): Promise<{ email: string; roles: Role[] }[]> {
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	for (const person of DEMO_STAFF) {
		const existing = await em.findOne(User, { email: person.email });
		if (existing) continue;
		em.create(User, { kind: 'staff', ...person, passwordHash, passwordChangedAt: new Date() });
	}
	await em.flush();
	return DEMO_STAFF.map(({ email, roles }) => ({ email, roles }));
}
