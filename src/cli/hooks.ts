// Steps `npm start` runs after migrations and before the servers start (demo data, first admin).
import { DEMO_PASSWORD, seedDemo } from '../../db/seeders/demo.ts';
import type { Config } from '../lib/server/config.ts';
import { initOrm } from '../lib/server/app/orm.ts';
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
	try {
		const people = await seedDemo(orm.em.fork());
		announce([
			`Demo clinic: sign in as any of these, password "${DEMO_PASSWORD}":`,
			...people.map((p) => `    ${p.email.padEnd(34)} ${p.roles.join(', ')}`)
		]);
	} finally {
		await orm.close();
	}
}

export const afterMigrateHooks: ((ctx: AfterMigrateContext) => Promise<void>)[] = [
	demoClinic,
	ensureFirstAdmin
];
