// Steps `npm start` runs after migrations and before the servers start (demo data, first admin).
import { DEMO_PASSWORD, seedDemo } from '../../db/seeders/demo.ts';
import type { Config } from '../lib/server/config.ts';
import { initOrm } from '../lib/server/app/orm.ts';
import { createBoss, setBoss } from '../lib/server/jobs/boss.ts';
import { ensureFirstAdmin } from './first-admin.ts';

export interface AfterMigrateContext {
	url: string;
	config: Config;
	demo: boolean;
	say: (line: string) => void;
	/** Lines printed with the address once Casebook is up, as the last lines of start-up. */
	announce: (lines: string[]) => void;
}

async function demoClinic({ url, demo, announce }: AfterMigrateContext): Promise<void> {
	if (!demo) return;
	const orm = await initOrm(url);
	// Send-only pg-boss: the demo's cases enqueue their escalation and the reservation its link, in
	// their transactions, for the worker that starts next (the schema is installed by now).
	const boss = createBoss(url, { supervise: false, schedule: false, migrate: false });
	await boss.start();
	setBoss(boss);
	try {
		const people = await seedDemo(orm.em.fork());
		announce([
			`Demo clinic: sign in as any of these, password "${DEMO_PASSWORD}":`,
			...people.staff.map((p) => `    ${p.email.padEnd(34)} ${p.roles.join(', ')}`),
			'Patient portal (/portal/sign-in; the sign-in link lands in Admin > Outbox):',
			...people.portal.map((p) => `    ${p.address.padEnd(34)} ${p.waiting}`)
		]);
	} finally {
		setBoss(undefined);
		await boss.stop({ graceful: false });
		await orm.close();
	}
}

export const afterMigrateHooks: ((ctx: AfterMigrateContext) => Promise<void>)[] = [
	demoClinic,
	ensureFirstAdmin
];
